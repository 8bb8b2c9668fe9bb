from django.urls import path

from rostering.views import educators

urlpatterns = [
    path("educators/", educators.EducatorListView.as_view(), name="educator_list"),
    path("educators/add/", educators.EducatorCreateView.as_view(), name="educator_add"),
    path("educators/<int:pk>/", educators.EducatorDetailView.as_view(), name="educator_detail"),
    path(
        "educators/<int:pk>/classes/",
        educators.EducatorClassesView.as_view(),
        name="educator_classes",
    ),
    path(
        "educators/<int:pk>/classes/remove/",
        educators.EducatorClassRemoveView.as_view(),
        name="educator_class_remove",
    ),
    path(
        "educators/<int:pk>/active/",
        educators.EducatorSetActiveView.as_view(),
        name="educator_set_active",
    ),
]
