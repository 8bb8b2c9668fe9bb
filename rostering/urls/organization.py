from django.urls import path

from rostering.views import management

urlpatterns = [
    path("organization/", management.placeholder("Organization"), name="organization"),
]
