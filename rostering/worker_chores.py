"""What every background worker does beside running tasks: its heartbeat and the schedule.

While ``manage.py worker`` runs, a thread wakes every JOB_HEARTBEAT_SECONDS (also while a long
task runs) and
- stamps the worker's ``WorkerHeartbeat`` row, which /healthz and ``check_health`` read;
- queues the scheduled syncs that are due (``enqueue_due_syncs``), unless WORKER_RUNS_SCHEDULE
  is off: whichever worker on whichever machine claims a due slot first queues it, and the
  claim is one conditional UPDATE, so several workers never queue one slot twice.
The thread only queues; the sync itself runs as a task like any other. A chore that fails
(the database is down) is logged and tried again at the next beat.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from rostering.liveness import heartbeat_seconds
from rostering.models import WorkerHeartbeat

logger = logging.getLogger("homeroom.worker")

FORGET_AFTER = timedelta(days=7)  # rows of workers gone this long are deleted


class WorkerChores:
    def __init__(self, worker_id: str):
        self.worker_id = worker_id[:64]
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True, name="worker-chores")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=heartbeat_seconds() + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            finally:
                connection.close()  # this thread's own connection: never left half-broken
            self._stop.wait(heartbeat_seconds())

    def tick(self) -> None:
        try:
            beat(self.worker_id, self.started_at)
            if getattr(settings, "WORKER_RUNS_SCHEDULE", True):
                from rostering.sync.schedule import enqueue_due_syncs

                for run in enqueue_due_syncs():
                    logger.info("Queued the scheduled sync of %s (run %s)", run.district, run.pk)
        except Exception:  # noqa: BLE001 - a missed chore is retried at the next beat
            logger.warning("Worker chores failed; trying again shortly", exc_info=True)


def beat(worker_id: str, started_at) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={"seen_at": now, "started_at": started_at},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
