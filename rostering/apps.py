from django.apps import AppConfig


class RosteringConfig(AppConfig):
    name = "rostering"
    verbose_name = "Rostering"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import (
            history,  # noqa: F401  (connects the history-channel receiver)
            job_events,  # noqa: F401  (job log lines and alerts)
            usernames,
        )

        connection_created.connect(usernames.register_sqlite, dispatch_uid="username_key")
