from django.apps import AppConfig


class ExportJobsConfig(AppConfig):
    name = "rostering.export_jobs"
    label = "export_jobs"
    verbose_name = "List exports"
