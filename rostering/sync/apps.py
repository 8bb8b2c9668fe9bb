from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "rostering.sync"
    label = "sync"
    verbose_name = "SIS sync"
