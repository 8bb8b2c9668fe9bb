from django.urls import path

from . import views, views_runs

app_name = "sync"

urlpatterns = [
    path("", views.sync_home, name="home"),
    path("settings/", views.sync_settings, name="settings"),
    path("rules/", views.sync_rules, name="rules"),
    path(
        "rules/product/<int:pk>/remove/", views.product_rule_remove, name="product_rule_remove"
    ),
    path(
        "rules/setting/<int:pk>/remove/", views.setting_rule_remove, name="setting_rule_remove"
    ),
    path("sync-now/", views.sync_now, name="sync_now"),
    path("preview/", views.sync_preview, name="preview"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run"),
    path("runs/<int:pk>/status/", views_runs.run_status, name="run_status"),
    path("runs/<int:pk>/problems.csv", views_runs.run_problems, name="run_problems"),
    path("runs/<int:pk>/changes.csv", views_runs.run_changes_file, name="run_changes"),
    path("runs/<int:pk>/approve/", views_runs.run_approve, name="run_approve"),
    path("runs/<int:pk>/discard/", views_runs.run_discard, name="run_discard"),
]
