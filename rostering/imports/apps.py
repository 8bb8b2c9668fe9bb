from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rostering.imports"
    label = "imports"
    verbose_name = "Bulk imports"
