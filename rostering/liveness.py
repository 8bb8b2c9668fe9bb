"""Whether background work (imports, assisted submissions, sync runs) is alive, in one place.

A worker that runs a job or a run keeps its ``heartbeat_at`` fresh (``Heartbeat``). A job or
run whose heartbeat is older than JOB_STALE_SECONDS lost its worker (killed, out of memory,
database gone): ``fail_stale`` marks it failed with the reason, which unblocks the district.
Pages and the ``fail_stale_jobs`` command call it; so does queuing a sync. Queued work that no
worker picked up for WORKER_WARNING_SECONDS gets ``waiting_warning`` on its page.
Recording a failure must itself survive a broken connection: ``write_with_retry``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 1.0, 3.0)


def stale_seconds() -> int:
    return int(getattr(settings, "JOB_STALE_SECONDS", 300))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


def warning_seconds() -> int:
    return int(getattr(settings, "WORKER_WARNING_SECONDS", 30))


def write_with_retry(write: Callable[[], object], what: str):
    """Run ``write`` (a database write); on a database error close the broken connection,
    wait a little and try again, so a blip never leaves a job "running". Inside a transaction
    the connection cannot be replaced, so it only retries."""
    for attempt, delay in enumerate((*RETRY_DELAYS, None)):
        try:
            return write()
        except DatabaseError:
            if delay is None:
                log.exception("Could not record %s after %s attempts", what, attempt + 1)
                raise
            log.warning("Could not record %s; retrying", what, exc_info=True)
            if not connection.in_atomic_block:
                connection.close()  # the next query opens a fresh connection
            time.sleep(delay)
    return None


class Heartbeat:
    """While the block runs, a thread stamps ``heartbeat_at`` of one row every
    JOB_HEARTBEAT_SECONDS through its own connection, so the stamp is visible (and the job
    looks alive) even while the worker's long transaction is open. A beat that cannot be
    written (SQLite holds one write lock) is skipped: the stale limit is far longer."""

    def __init__(self, model, pk: int):
        self.model, self.pk = model, pk
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        self.model.objects.filter(pk=self.pk).update(heartbeat_at=timezone.now())
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"beat-{self.pk}")
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=heartbeat_seconds() + 1)

    def _loop(self) -> None:
        side = None
        try:
            while not self._stop.wait(heartbeat_seconds()):
                try:
                    if side is None:
                        side = connections.create_connection("default")
                        side.set_autocommit(True)
                    with side.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {self.model._meta.db_table} SET heartbeat_at = %s "
                            "WHERE id = %s",
                            [side.ops.adapt_datetimefield_value(timezone.now()), self.pk],
                        )
                except Exception:  # a missed beat is not a failure of the job
                    log.warning("Missed a heartbeat of %s %s", self.model.__name__, self.pk)
                    if side is not None:
                        side.close()
                        side = None
        finally:
            if side is not None:
                side.close()


def waiting_warning(waiting: bool, queued_at: datetime | None) -> str:
    """The worker-down message for work waiting for a worker longer than
    WORKER_WARNING_SECONDS (``waiting``: queued, and no worker has started it)."""
    if not waiting or queued_at is None:
        return ""
    waited = int((timezone.now() - queued_at).total_seconds())
    if waited < warning_seconds():
        return ""
    return (
        f"No worker has picked this up for {waited} seconds — the background worker may be "
        "down. Ask your operator to check that it runs (make run starts it)."
    )


def fail_stale() -> int:
    """Mark every job and run whose worker is gone as failed, saying why; return how many.
    One conditional UPDATE each, so a worker that is in fact alive and finishing first wins
    (its final write checks that the row is still running). It first only reads: pages call
    it, and on SQLite a write would wait for a running job's write lock. A write that fails
    is left to the next page view or the ``fail_stale_jobs`` command."""
    from rostering.imports.models import AssistedSubmission, ImportJob
    from rostering.sync.models import SyncRun

    now = timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    # Running is always stamped when a worker claims it; no stamp at all is a row from before
    # heartbeats, so count from its start. Checking and undoing without a stamp still wait.
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    running_jobs = ImportJob.objects.filter(silent, status=ImportJob.Status.RUNNING)
    waiting_jobs = ImportJob.objects.filter(
        heartbeat_at__lt=cutoff,
        status__in=(ImportJob.Status.CHECKING, ImportJob.Status.UNDOING),
    )
    runs = SyncRun.objects.filter(silent, status=SyncRun.Status.RUNNING)
    # Assisted submissions being checked or imported by a worker (stamped when it starts).
    submissions = AssistedSubmission.objects.filter(
        heartbeat_at__lt=cutoff,
        status__in=(AssistedSubmission.Status.CHECKING, AssistedSubmission.Status.IMPORTING),
    )
    if not any(qs.exists() for qs in (running_jobs, waiting_jobs, runs, submissions)):
        return 0
    try:
        # Who is about to be failed, for the alerts (failures only: an undo just stops).
        run_ids = list(runs.values_list("pk", flat=True))
        job_ids = list(running_jobs.values_list("pk", flat=True)) + list(
            waiting_jobs.filter(status=ImportJob.Status.CHECKING).values_list("pk", flat=True)
        )
        count = _fail_stale_rows(running_jobs, waiting_jobs, runs, now)
        count += _fail_stale_submissions(submissions)
    except DatabaseError:
        log.warning("Could not mark stale jobs failed yet; will try again", exc_info=True)
        return 0
    if count:
        log.warning("Marked %s job(s)/run(s) failed: their worker stopped", count)
        _queue_alerts(run_ids, job_ids)
    return count


def _queue_alerts(run_ids: list[int], job_ids: list[int]) -> None:
    """The email alerts go from a background task (fail_stale runs inside page views)."""
    from rostering.alert_tasks import send_stale_alerts

    if not (run_ids or job_ids):
        return
    try:
        send_stale_alerts.enqueue(run_ids=run_ids, job_ids=job_ids)
    except Exception:  # noqa: BLE001 - the failure is recorded; a lost alert is only logged
        log.warning("Could not queue the alerts for stale jobs", exc_info=True)


def _fail_stale_rows(running_jobs, waiting_jobs, runs, now) -> int:
    from rostering.imports.models import ImportJob
    from rostering.sync.models import SyncRun

    count = running_jobs.update(
        status=ImportJob.Status.FAILED,
        file_content=b"",  # never run again: the user imports anew
        progress=100,
        progress_message="Stopped; nothing was written",
        failure_reason=(
            "The background worker stopped while importing this file; nothing was written. "
            "Try again."
        ),
    )
    count += waiting_jobs.filter(status=ImportJob.Status.CHECKING).update(
        status=ImportJob.Status.FAILED,
        progress=100,
        progress_message="Stopped; nothing was written",
        file_content=b"",
        failure_reason=(
            "The background worker stopped while checking this file; nothing was written. "
            "Upload it again."
        ),
    )
    count += waiting_jobs.filter(status=ImportJob.Status.UNDOING).update(
        status=ImportJob.Status.COMMITTED,
        progress_message="Finished",
        undo_error=(
            "The background worker stopped while undoing this import; nothing was undone. "
            "Try again."
        ),
    )
    count += runs.update(
        status=SyncRun.Status.FAILED,
        finished_at=now,
        failure_reason=(
            "The background worker stopped while running this sync; nothing was applied. "
            "Try again."
        ),
    )
    return count


def _fail_stale_submissions(submissions) -> int:
    from rostering.imports.models import AssistedSubmission

    Status = AssistedSubmission.Status
    count = submissions.filter(status=Status.CHECKING).update(
        status=Status.FAILED,
        updated_at=timezone.now(),
        failure_reason=(
            "The background worker stopped while checking these files; nothing was written. "
            "Run the checks again."
        ),
    )
    count += submissions.filter(status=Status.IMPORTING).update(
        status=Status.FAILED,
        updated_at=timezone.now(),
        failure_reason=(
            "The background worker stopped while importing these files; a file being imported "
            "was not written. Run the checks again, then import."
        ),
    )
    return count
