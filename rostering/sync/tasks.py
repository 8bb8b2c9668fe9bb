"""Background work of the sync: a queued SyncRun is run by a django_tasks worker."""

from __future__ import annotations

from django_tasks import task

from .engine import run_sync
from .models import SyncRun


@task()
def run_sync_task(run_id: int) -> None:
    """Run the engine for an existing queued SyncRun (made by "Sync now" or the schedule)."""
    run = SyncRun.objects.select_related("district", "created_by").filter(pk=run_id).first()
    if run is None or run.status != SyncRun.Status.QUEUED:
        return  # already run, or discarded meanwhile: nothing to do
    run_sync(
        district=run.district,
        trigger=run.trigger,
        actor=run.created_by,
        dry_run=run.dry_run,
        run=run,
    )
