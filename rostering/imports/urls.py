from django.urls import path

from . import views, views_jobs, views_submissions

app_name = "imports"

urlpatterns = [
    path("", views.import_home, name="home"),
    path("templates/", views.import_templates, name="templates"),
    path("new/", views.import_upload, name="upload"),
    path("bulk-students/", views.bulk_students, name="bulk_students"),
    path("<int:pk>/", views_jobs.job_detail, name="job"),
    path("<int:pk>/confirm/", views_jobs.job_confirm, name="job_confirm"),
    path("<int:pk>/check-again/", views_jobs.job_recheck, name="job_recheck"),
    path("<int:pk>/status/", views_jobs.job_status, name="job_status"),
    path("<int:pk>/errors.csv", views_jobs.job_error_file, name="job_errors"),
    path("<int:pk>/result.csv", views_jobs.job_result_file, name="job_result"),
    path("<int:pk>/undo/", views_jobs.job_undo, name="job_undo"),
    path("submissions/new/", views_submissions.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", views_submissions.submission_detail, name="submission"),
]
