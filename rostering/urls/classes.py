from django.urls import path

from rostering.views import classes, classes_members

urlpatterns = [
    path("classes/", classes.ClassGroupListView.as_view(), name="class_list"),
    path("classes/login-cards/", classes.class_login_cards_chosen, name="class_login_cards_chosen"),
    path("classes/add/", classes.ClassGroupCreateView.as_view(), name="class_add"),
    path("classes/<int:pk>/", classes.ClassGroupDetailView.as_view(), name="class_detail"),
    path(
        "classes/<int:pk>/products/",
        classes_members.ClassProductsView.as_view(),
        name="class_products",
    ),
    path(
        "classes/<int:pk>/products/remove/",
        classes_members.ClassProductRemoveView.as_view(),
        name="class_product_remove",
    ),
    path(
        "classes/<int:pk>/students/",
        classes_members.ClassStudentsView.as_view(),
        name="class_students",
    ),
    path(
        "classes/<int:pk>/students/remove/",
        classes_members.ClassStudentRemoveView.as_view(),
        name="class_student_remove",
    ),
    path(
        "classes/<int:pk>/educators/",
        classes_members.ClassEducatorsView.as_view(),
        name="class_educators",
    ),
    path(
        "classes/<int:pk>/educators/remove/",
        classes_members.ClassEducatorRemoveView.as_view(),
        name="class_educator_remove",
    ),
    path(
        "classes/<int:pk>/login-cards/",
        classes.LoginCardsView.as_view(),
        name="class_login_cards",
    ),
]
