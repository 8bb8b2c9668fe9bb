"""Management > Organization."""

from django.urls import path

from rostering.views import organization, organization_method

urlpatterns = [
    path("organization/", organization.organization_home, name="organization"),
    path("organization/add/", organization.organization_add, name="organization_add"),
    path("organization/alerts/", organization.organization_alerts, name="organization_alerts"),
    path("organization/<int:pk>/edit/", organization.organization_edit, name="organization_edit"),
    path(
        "organization/<int:pk>/active/",
        organization.organization_set_active,
        name="organization_set_active",
    ),
    path(
        "organization/rostering-method/",
        organization_method.rostering_method,
        name="rostering_method",
    ),
]
