"""When a district's scheduled sync is due, and queuing it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import SyncRun, SyncSource


def last_due_at(source: SyncSource, now: datetime) -> datetime | None:
    """The latest scheduled moment at or before ``now`` (local time), or None if unscheduled."""
    if source.schedule == SyncSource.Schedule.OFF:
        return None
    local = timezone.localtime(now)
    moment = local.replace(
        hour=source.time_of_day.hour,
        minute=source.time_of_day.minute,
        second=0,
        microsecond=0,
    )
    if source.schedule == SyncSource.Schedule.DAILY:
        return moment if moment <= local else moment - timedelta(days=1)
    moment -= timedelta(days=(local.weekday() - source.weekday) % 7)
    return moment if moment <= local else moment - timedelta(days=7)


def is_due(source: SyncSource, now: datetime) -> bool:
    due = last_due_at(source, now)
    return due is not None and (source.last_enqueued_at is None or source.last_enqueued_at < due)


def enqueue_due_syncs(now: datetime | None = None) -> list[SyncRun]:
    """Queue one run per district that is due and has no run queued or running already."""
    from rostering.liveness import fail_stale

    from .tasks import run_sync_task

    fail_stale()  # a run whose worker is gone does not keep its district from syncing
    now = now or timezone.now()
    busy = set(
        SyncRun.objects.filter(
            status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]
        ).values_list("district_id", flat=True)
    )
    runs = []
    sources = SyncSource.objects.exclude(schedule=SyncSource.Schedule.OFF).select_related(
        "district"
    )
    for source in sources:
        if source.district_id in busy or not is_due(source, now):
            continue
        due = last_due_at(source, now)
        with transaction.atomic():
            # Claim the slot: of several workers (or cron) seeing it due at once, only the one
            # whose conditional UPDATE changes the row queues the run.
            claimed = (
                SyncSource.objects.filter(pk=source.pk)
                .filter(Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lt=due))
                .update(last_enqueued_at=now)
            )
            if not claimed:
                continue
            run = SyncRun.objects.create(district=source.district, trigger=SyncRun.Trigger.SCHEDULE)
            transaction.on_commit(lambda run_id=run.pk: run_sync_task.enqueue(run_id=run_id))
        runs.append(run)
    return runs


def _enqueue(task, run_id: int) -> None:
    result = task.enqueue(run_id=run_id)
    SyncRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])
