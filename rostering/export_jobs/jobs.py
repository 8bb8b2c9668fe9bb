"""List exports past EXPORT_BACKGROUND_ROWS rows: a background job writes the whole file, then
its requester downloads it. A file is stored only once every row is written, so a download
is the whole list or nothing; a job that fails, or whose worker stops, says so.

Smaller exports stream straight from the list page (rostering.export_jobs.views.respond).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rostering import liveness
from rostering.tables.base import csv_chunks

from .kinds import KINDS, ExportKind
from .models import ExportJob

log = logging.getLogger("rostering.exports")
PROGRESS_EVERY = 5000  # rows between two progress stamps
FINISHED = (ExportJob.Status.DONE, ExportJob.Status.FAILED)
STOPPED_REASON = (
    "The background worker stopped while writing this file; no file was kept. Export again."
)


def background_rows() -> int:
    return int(getattr(settings, "EXPORT_BACKGROUND_ROWS", 20_000))


def job_start(*, actor, kind: ExportKind, params: QueryDict, rows_expected: int) -> ExportJob:
    """Queue an export of ``kind`` under ``params`` (the list's filters) for ``actor``."""
    from .tasks import export_task

    job = ExportJob.objects.create(
        kind=kind.name,
        requested_by=actor,
        params={key: params.getlist(key) for key in params},
        file_name=kind.file_name,
        rows_expected=rows_expected,
        queued_at=timezone.now(),
    )
    transaction.on_commit(lambda: export_task.enqueue(job.pk))
    log.info("event=export_queued export=%s job=%s rows=%s", kind.name, job.pk, rows_expected)
    return job


def job_run(job_id: int) -> None:
    """Write one export: every row, then the file in one save. Any failure ends the job failed
    with a reason and no file; nothing half-written is ever offered."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return  # another worker has it, or it already ended
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    log.info("event=export_start export=%s job=%s rows=%s", job.kind, job.pk, job.rows_expected)
    started = time.monotonic()
    try:
        with liveness.Heartbeat(ExportJob, job.pk):
            content, written = _write(job)
    except Exception as exc:  # noqa: BLE001 - the job records why; nothing is kept
        log.exception("event=export_failed export=%s job=%s", job.kind, job.pk)
        reason = _reason(exc)
        liveness.write_with_retry(
            lambda: ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.FAILED,
                finished_at=timezone.now(),
                content=b"",
                failure_reason=reason,
            ),
            f"the failure of export {job.pk}",
        )
        return
    # Only a job still running gets its file (the stale check may have failed it meanwhile).
    stored = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        content=content,
        size=len(content),
        rows_written=written,
        status=ExportJob.Status.DONE,
        finished_at=timezone.now(),
    )
    log.info(
        "event=export_end export=%s job=%s outcome=%s rows=%s bytes=%s duration_s=%.1f",
        job.kind,
        job.pk,
        "done" if stored else "discarded",
        written,
        len(content),
        time.monotonic() - started,
    )


def _write(job: ExportJob) -> tuple[bytes, int]:
    kind = KINDS[job.kind]
    params = QueryDict(mutable=True)
    for key, values in (job.params or {}).items():
        params.setlist(key, values)
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            written += 1
            if written % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_written=written)
            yield row

    records = kind.records(job.requested_by, params)
    chunks = list(csv_chunks(kind.header, counted(kind.rows(records))))
    return b"".join(chunks), written


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return "You may no longer see this list, so no file was written."
    return (
        "The export failed part-way; no file was kept. Export again, or ask support if it "
        "fails again."
    )


def fail_stale() -> int:
    """Exports whose worker stopped (no heartbeat for JOB_STALE_SECONDS) fail, saying so. It
    first only reads, as liveness.fail_stale does: on SQLite a write from a page would wait for
    a running import's write lock."""
    cutoff = timezone.now() - timedelta(seconds=liveness.stale_seconds())
    stale = ExportJob.objects.filter(status=ExportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
    if not stale.exists():
        return 0
    return stale.update(
        status=ExportJob.Status.FAILED, finished_at=timezone.now(), failure_reason=STOPPED_REASON
    )


STATUS_FIELDS = (
    "pk",
    "kind",
    "status",
    "rows_expected",
    "rows_written",
    "size",
    "file_name",
    "failure_reason",
    "created_at",
    "queued_at",
    "finished_at",
    "requested_by_id",
)


def job_for(user, pk: int, *, with_file: bool = False) -> ExportJob:
    """The export ``pk`` if ``user`` asked for it; anyone else gets a 404."""
    jobs = ExportJob.objects.filter(requested_by=user)
    if not with_file:
        jobs = jobs.only(*STATUS_FIELDS)
    return get_object_or_404(jobs, pk=pk)


def message(job: ExportJob) -> str:
    if job.status == ExportJob.Status.DONE:
        rows = f"{job.rows_written:,} row{'s' if job.rows_written != 1 else ''}"
        return f"Ready: {rows}, {_size(job.size)}."
    if job.status == ExportJob.Status.FAILED:
        return job.failure_reason
    if job.status == ExportJob.Status.RUNNING:
        return f"Writing row {job.rows_written:,} of {job.rows_expected:,}…"
    return f"Waiting for a worker to write {job.rows_expected:,} rows…"


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def status_payload(job: ExportJob) -> dict:
    """What the job page polls (the same keys as an import's, for static/js/import-progress.js)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "message": message(job),
        "finished": job.status in FINISHED,
        "warning": worker_warning(job),
    }


def worker_warning(job: ExportJob) -> str:
    return liveness.waiting_warning(job.status == ExportJob.Status.QUEUED, job.queued_at)
