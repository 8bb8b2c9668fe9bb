"""Management > Students."""

from django.urls import path

from rostering.views import students, students_bulk, students_detail, undo

urlpatterns = [
    path("students/", students.student_list, name="student_list"),
    path("students/bulk/", students_bulk.student_bulk, name="student_bulk"),
    path("undo/", undo.undo_action, name="undo"),
    path("students/export.csv", students.student_export, name="student_export"),
    path("students/add/", students.StudentCreateView.as_view(), name="student_add"),
    path("students/add-several/", students.StudentBulkAddView.as_view(), name="student_bulk_add"),
    path("students/<int:pk>/", students_detail.StudentDetailView.as_view(), name="student_detail"),
    path(
        "students/<int:pk>/classes/",
        students_detail.StudentClassesView.as_view(),
        name="student_classes",
    ),
    path(
        "students/<int:pk>/classes/remove/",
        students_detail.StudentClassRemoveView.as_view(),
        name="student_class_remove",
    ),
    path(
        "students/<int:pk>/products/",
        students_detail.StudentProductsView.as_view(),
        name="student_products",
    ),
    path(
        "students/<int:pk>/products/remove/",
        students_detail.StudentProductRemoveView.as_view(),
        name="student_product_remove",
    ),
    path(
        "students/<int:pk>/settings/",
        students_detail.StudentSettingsView.as_view(),
        name="student_settings",
    ),
    path(
        "students/<int:pk>/password/",
        students_detail.StudentPasswordView.as_view(),
        name="student_password",
    ),
    path(
        "students/<int:pk>/login-card/",
        students_detail.StudentLoginCardView.as_view(),
        name="student_login_card",
    ),
    path(
        "students/<int:pk>/deactivate/",
        students_detail.student_set_active,
        {"active": False},
        name="student_deactivate",
    ),
    path(
        "students/<int:pk>/reactivate/",
        students_detail.student_set_active,
        {"active": True},
        name="student_reactivate",
    ),
]
