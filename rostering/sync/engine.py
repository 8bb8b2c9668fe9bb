"""The sync engine's public API (contract shared by the Sync page, the CLI, the admin, tasks).

A run reads the district's snapshot from its source adapter (rostering.sync.sources: plain
records, whatever the SIS sends), plans every change (rostering.sync.plan) and applies it in
one transaction through the roster engine (rostering.sync.batch) while holding the district's
lock, so two syncs of one district never interleave and a crash leaves nothing
half-written. Runs that would deactivate an unusual share of the district are held.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from rostering.engine.sql import paused_gc
from rostering.history import reference
from rostering.liveness import Heartbeat, write_with_retry
from rostering.locks import lock_district
from rostering.oneroster import Snapshot, SnapshotError
from rostering.outcome import run_refusal, sent_of

from . import run_changes, sources
from .batch import apply_plan
from .models import SyncRun, SyncSource
from .plan import Plan, build_plan

logger = logging.getLogger(__name__)

MAX_PROBLEMS = 2000
BUSY_STATUSES = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)
UNEXPECTED = "The sync stopped on an unexpected problem; nothing was applied. Try again."
KIND_NOUNS = {"student": "students", "educator": "educators", "class_group": "classes/groups"}


def run_sync(
    *,
    district,
    trigger: str,
    actor=None,
    source_path: str | None = None,
    dry_run: bool = False,
    run=None,
    source: sources.Source | None = None,
):
    """Read the district's snapshot, check it, plan, and (unless dry run or held) apply it in
    one transaction. Returns the SyncRun (created unless ``run`` is given). Never raises for
    bad data: a failed run has status "failed" and a failure_reason.

    The snapshot comes from ``source`` when given (any ``sources.Source``), else from the
    folder or zip at ``source_path``, else from the district's configured source."""
    if run is None:
        run = SyncRun.objects.create(
            district=district,
            trigger=trigger,
            dry_run=dry_run,
            created_by=_user(actor),
        )
    _start(run)
    # The snapshot's records, the district's rows and the plan are hundreds of thousands of
    # small objects with no cycles among them: the collector walking them all, again and
    # again as they are made, was an eighth of an unchanged run's time (rostering.engine.sql).
    with Heartbeat(SyncRun, run.pk), paused_gc():
        settings = _settings_of(district)
        try:
            if source is None:
                source = sources.for_district(district, settings, source_path)
            run.source_name = source.name
            snapshot = source.open_snapshot()
        except SnapshotError as exc:
            return _fail(run, str(exc))
        except OSError as exc:
            return _fail(run, f"The snapshot could not be read: {exc}.")
        except Exception as exc:  # noqa: BLE001 - a bad file, a bomb: the run says so
            logger.exception("Reading the snapshot of %s failed", district)
            return _fail(run, _read_failure(exc))
        return _plan_and_apply(
            run, district, settings, snapshot, source, actor=actor, dry_run=dry_run, may_hold=True
        )


def approve_held_run(*, run, actor):
    """Apply a held run's snapshot now (re-planned against today's data)."""
    if run.status != SyncRun.Status.HELD or not run.snapshot:
        raise ValidationError("Only a held run can be approved.")
    run.decided_by = _user(actor)
    run.save(update_fields=["decided_by"])
    _start(run)
    with Heartbeat(SyncRun, run.pk), paused_gc():  # as run_sync
        settings = _settings_of(run.district)
        source = sources.reopen(bytes(run.snapshot), settings)
        try:
            snapshot = source.open_snapshot()
        except SnapshotError as exc:
            return _fail(run, str(exc))
        except Exception as exc:  # noqa: BLE001 - the run says so rather than stay running
            logger.exception("Reading the kept snapshot of run %s failed", run.pk)
            return _fail(run, _read_failure(exc))
        return _plan_and_apply(
            run,
            run.district,
            settings,
            snapshot,
            source,
            actor=actor,
            dry_run=False,
            may_hold=False,
        )


def discard_held_run(*, run, actor):
    """Drop a held run: nothing is applied, its kept snapshot is deleted."""
    if run.status != SyncRun.Status.HELD:
        raise ValidationError("Only a held run can be discarded.")
    run.status = SyncRun.Status.DISCARDED
    run.decided_by = _user(actor)
    run.snapshot = None
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "decided_by", "snapshot", "finished_at"])
    return run


def _start(run: SyncRun) -> None:
    """Mark the run running, with its first heartbeat (a run silent too long has lost its
    worker: rostering.liveness.fail_stale)."""
    now = timezone.now()
    run.status = SyncRun.Status.RUNNING
    run.started_at = now
    run.heartbeat_at = now
    run.save(update_fields=["status", "started_at", "heartbeat_at"])


def _read_failure(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return (
            "The snapshot needs more memory to read than the server allows; nothing was "
            "applied. Check the files the SIS sends."
        )
    if isinstance(exc, DatabaseError):
        return "The sync stopped on a database problem; nothing was applied. Try again."
    return (
        "The snapshot could not be read: it is not a OneRoster CSV set the sync understands; "
        "nothing was applied. Check the files the SIS sends, then try again."
    )


class _Abandoned(Exception):
    """The run stopped being "running" (failed as stale, or cancelled) while this worker was
    still at it: roll back, so its "nothing was applied" stays true."""


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _settings_of(district) -> SyncSource:
    """The district's sync settings (its source, ID field, hold threshold), saved or default."""
    return SyncSource.objects.filter(district=district).first() or SyncSource(district=district)


def _lock(district) -> None:
    """Take the district lock every roster writer takes (rostering.locks), then the source's
    row (its settings stay as read while the run lasts), in that order."""
    lock_district(district)
    SyncSource.objects.select_for_update().filter(district=district).first()


def hold_reason(plan: Plan, threshold_percent: int) -> str:
    """Why the plan must wait for an administrator, or "" when it may be applied."""
    reasons = []
    for kind, (gone, total) in plan.deactivation_shares().items():
        if gone and total and gone * 100 > threshold_percent * total:
            reasons.append(f"{gone} of {total} synced {KIND_NOUNS[kind]} ({gone * 100 // total}%)")
    if not reasons:
        return ""
    return (
        f"This run would deactivate {' and '.join(reasons)}, more than the "
        f"{threshold_percent}% this district allows. Nothing was applied: approve the run to "
        "apply it, or discard it."
    )


def _plan_and_apply(
    run: SyncRun,
    district,
    settings: SyncSource,
    snapshot: Snapshot,
    source: sources.Source,
    *,
    actor,
    dry_run: bool,
    may_hold: bool,
) -> SyncRun:
    reason = ""
    try:
        with transaction.atomic():
            _lock(district)
            plan = build_plan(district=district, snapshot=snapshot, source=settings)
            sent = sent_of(snapshot)  # rostering.outcome
            _release(snapshot)
            if may_hold and not dry_run:
                reason = hold_reason(plan, settings.hold_threshold_percent)
            if not dry_run and not reason:
                with reference(f"sync run {run.pk}"):
                    apply_plan(plan, actor=actor)
            # The outcome is written in the same transaction as the changes.
            _finish(run, plan, snapshot, source, sent=sent, reason=reason, dry_run=dry_run)
    except _Abandoned:
        logger.warning("Sync run %s was failed or cancelled meanwhile; rolled back", run.pk)
        run.refresh_from_db()
        return run
    except Exception as exc:  # noqa: BLE001 - a run records any failure; nothing was applied
        logger.exception("Sync of %s failed", district)
        return _fail(
            run, f"The sync stopped on an unexpected problem; nothing was applied ({exc})."
        )
    return run


def _release(snapshot: Snapshot) -> None:
    """Drop the snapshot's records once planned, keeping its problems: the plan holds all a
    run applies and keeps, so a large district's users and enrollments (tens of MB) are not
    held while the engine writes (the peak of a first sync)."""
    snapshot.users, snapshot.enrollments, snapshot.classes = {}, [], {}
    snapshot.courses, snapshot.orgs, snapshot.academic_sessions = {}, {}, {}


def _finish(
    run: SyncRun,
    plan: Plan,
    snapshot: Snapshot,
    source: sources.Source,
    *,
    sent: dict,
    reason: str,
    dry_run: bool,
) -> None:
    if not SyncRun.objects.select_for_update().filter(
        pk=run.pk, status=SyncRun.Status.RUNNING
    ).exists():
        raise _Abandoned
    run.counts = {**plan.counts(), "sent": sent}
    run.warnings = _capped([p.as_dict() for p in snapshot.warnings] + plan.warnings)
    run.errors = _capped([p.as_dict() for p in snapshot.errors] + plan.errors)
    run.hold_reason = reason
    if dry_run:
        run.status = SyncRun.Status.PREVIEWED
        run.plan = plan.as_dict()
    elif reason:
        run.status = SyncRun.Status.HELD
        run.plan = plan.as_dict()
        run.snapshot = source.keep()  # None: the source cannot be kept; approval refuses
    else:
        # Applied either way; refused when it rostered none or too few (rostering.outcome).
        run.failure_reason = run_refusal(run)
        run.status = SyncRun.Status.REFUSED if run.failure_reason else SyncRun.Status.SUCCEEDED
        run.snapshot = None
        run_changes.record(run, plan)  # what it changed, kept for the run page
    run.finished_at = timezone.now()
    run.save()


def _capped(problems: list[dict]) -> list[dict]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [
        {"file": "", "row": 0, "record": "", "message": f"... and {more} more not kept."}
    ]


def _fail(run: SyncRun, reason: str) -> SyncRun:
    """End the run as failed, even over a broken database connection (retried). A run that
    is no longer queued or running (cancelled meanwhile) keeps what it says."""
    fail_run(run.pk, reason, source_name=run.source_name)
    run.refresh_from_db()
    return run


def fail_run(run_id: int, reason: str, *, source_name: str | None = None) -> None:
    """Record that a queued or running run failed (the task's last resort calls this too)."""
    fields = {"status": SyncRun.Status.FAILED, "failure_reason": reason}
    if source_name is not None:
        fields["source_name"] = source_name

    def write():
        run = (
            SyncRun.objects.filter(pk=run_id, status__in=BUSY_STATUSES).defer("snapshot").first()
        )
        if run is None:
            return
        for name, value in fields.items():
            setattr(run, name, value)
        run.finished_at = timezone.now()
        run.save(update_fields=[*fields, "finished_at"])

    write_with_retry(write, f"the failure of sync run {run_id}")
