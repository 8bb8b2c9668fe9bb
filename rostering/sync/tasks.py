"""Background work of the sync: a queued SyncRun is run by a django_tasks worker."""

from __future__ import annotations

import logging

from django_tasks import task

from .engine import UNEXPECTED, fail_run, run_sync
from .models import SyncRun

logger = logging.getLogger(__name__)


@task()
def run_sync_task(run_id: int) -> None:
    """Run the engine for an existing queued SyncRun (made by "Sync now" or the schedule).
    Whatever happens, the run ends finished or failed with a reason, never "running"."""
    try:
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
    except Exception:  # noqa: BLE001 - the engine records known failures; this is the rest
        logger.exception("Sync run %s failed", run_id)
        fail_run(run_id, UNEXPECTED)
