"""The alerts for work whose worker died: ``fail_stale`` (often inside a page view) fails it
and queues this task, so the email is sent by a background worker, never inside a request."""

from __future__ import annotations

from django_tasks import task

from rostering import alerts


@task()
def send_stale_alerts(run_ids: list[int], job_ids: list[int]) -> None:
    """One alert per run or import that ``fail_stale`` failed (still failed now)."""
    from rostering.imports.models import ImportJob
    from rostering.sync.models import SyncRun

    for run in SyncRun.objects.select_related("district").filter(
        pk__in=run_ids, status=SyncRun.Status.FAILED
    ):
        alerts.send(alerts.sync_run_alert(run), f"sync run {run.pk}")
    jobs = (
        ImportJob.objects.select_related("district", "created_by")
        .defer("file_content", "changes", "result")
        .filter(pk__in=job_ids, status=ImportJob.Status.FAILED)
    )
    for job in jobs:
        alerts.send(alerts.import_job_alert(job), f"import {job.pk}")
