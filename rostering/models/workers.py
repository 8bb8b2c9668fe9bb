"""The background workers that are alive: each stamps its row while it runs (health checks)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One background worker process (``manage.py worker``): ``seen_at`` is refreshed every
    JOB_HEARTBEAT_SECONDS while it runs, whether it is idle or running a task. /healthz and
    ``check_health`` report the age of the freshest one."""

    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Worker {self.worker_id}"
