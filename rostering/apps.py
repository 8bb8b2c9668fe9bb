from django.apps import AppConfig


class RosteringConfig(AppConfig):
    name = "rostering"
    verbose_name = "Rostering"

    def ready(self) -> None:
        from . import (
            history,  # noqa: F401  (connects the history-channel receiver)
            job_events,  # noqa: F401  (job log lines and alerts)
        )
