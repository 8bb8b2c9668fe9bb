from django.urls import path

from . import settings_views, views

app_name = "sso"

urlpatterns = [
    path("find/", views.find_district, name="find"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("settings/", settings_views.sign_on_settings, name="settings"),
    path("<slug:slug>/start/", views.StartView.as_view(), name="start"),
]
