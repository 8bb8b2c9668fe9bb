from django.contrib import admin
from django.urls import include, path

from . import health_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health_views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("accounts/sso/", include("accounts.sso.urls")),
    path("manage/", include("rostering.urls")),
    path("manage/imports/", include("rostering.imports.urls")),
    path("manage/sync/", include("rostering.sync.urls")),
    path("manage/exports/", include("rostering.export_jobs.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Homeroom support"
admin.site.site_title = "Homeroom support"
admin.site.index_title = "Every district's rosters"
