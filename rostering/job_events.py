"""What happens around every background job: a log line at start and end, and the alerts.

Receivers of django-tasks' ``task_started`` / ``task_finished`` (every backend sends them:
the database worker and, in tests, the immediate backend), so each import and sync task is
covered in one place whichever view, command or schedule queued it.

Log lines are key=value on the ``homeroom.jobs`` logger (stdout):
``event=job_start kind=sync district=cedar id=12`` and
``event=job_end kind=sync district=cedar id=12 outcome=held duration_s=1.42 created=3 ...``.
"""

from __future__ import annotations

import logging
import time

from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started

from portal.log_format import fields
from rostering import alerts

log = logging.getLogger("homeroom.jobs")

# task function name -> (kind logged, what its argument names)
JOBS = {
    "run_sync_task": ("sync", "run_id"),
    "import_check_task": ("import_check", "job_id"),
    "import_commit_task": ("import", "job_id"),
    "import_undo_task": ("import_undo", "job_id"),
}
_started: dict[str, float] = {}


def _job_of(task_result):
    name = getattr(task_result.task.func, "__name__", "")
    if name not in JOBS:
        return None, None, None
    kind, arg = JOBS[name]
    job_id = task_result.kwargs.get(arg, task_result.args[0] if task_result.args else None)
    if kind == "sync":
        from rostering.sync.models import SyncRun

        record = SyncRun.objects.select_related("district").filter(pk=job_id).first()
    else:
        from rostering.imports.models import ImportJob

        record = (
            ImportJob.objects.select_related("district", "created_by")
            .defer("file_content", "changes", "result")
            .filter(pk=job_id)
            .first()
        )
    return kind, job_id, record


@receiver(task_started)
def job_started(sender, task_result, **kwargs) -> None:
    try:
        kind, job_id, record = _job_of(task_result)
        if kind is None:
            return
        _started[str(task_result.id)] = time.monotonic()
        district = getattr(record.district, "slug", None) or record.district_id if record else None
        log.info(fields(event="job_start", kind=kind, district=district, id=job_id))
    except Exception:  # noqa: BLE001 - logging must never stop a job
        log.warning("Could not log the start of task %s", task_result.id, exc_info=True)


@receiver(task_finished)
def job_finished(sender, task_result, **kwargs) -> None:
    try:
        kind, job_id, record = _job_of(task_result)
        if kind is None:
            return
        began = _started.pop(str(task_result.id), None)
        duration = round(time.monotonic() - began, 3) if began is not None else None
        if record is None:
            log.info(fields(event="job_end", kind=kind, id=job_id, outcome="missing"))
            return
        counts = {k: v for k, v in (record.counts or {}).items() if isinstance(v, int)}
        log.info(
            fields(
                event="job_end",
                kind=kind,
                district=record.district.slug or record.district_id,
                id=job_id,
                outcome=record.status,
                duration_s=duration,
                **counts,
            )
        )
    except Exception:  # noqa: BLE001
        log.warning("Could not log the end of task %s", task_result.id, exc_info=True)
        return
    if kind == "sync":
        alerts.send(alerts.sync_run_alert(record), f"sync run {job_id}")
    elif kind in ("import", "import_check"):
        alerts.send(alerts.import_job_alert(record), f"import {job_id}")
