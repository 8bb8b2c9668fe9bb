"""Undoing a committed import: what it would do (for the confirmation page), queuing it, and
the background run. The engine (engine.undo_import) decides whether the records allow it."""

from __future__ import annotations

import logging
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rostering.history import Channel, reference
from rostering.liveness import Heartbeat, write_with_retry

from . import engine
from .jobs import HEAVY_FIELDS, Abandoned, require_import
from .models import ImportJob

log = logging.getLogger(__name__)


def undo_summary(job: ImportJob) -> list[str]:
    """What undoing ``job`` would do, one phrase per record type, for the confirmation page."""
    from rostering.engine.undo import NOUNS

    created, updated = Counter(), Counter()
    for item in ((job.result or {}).get("applied") or {}).get("records", []):
        counter = created if item["op"] == "create" else updated
        counter[item["kind"]] += 1
    phrases = []
    for kind, noun in NOUNS.items():
        if created[kind]:
            phrases.append(f"remove {created[kind]} {_plural(noun, created[kind])} it created")
        if updated[kind]:
            n = updated[kind]
            phrases.append(f"put back the earlier values of {n} {_plural(noun, n)}")
    return phrases


def _plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    return "classes/groups" if noun == "class/group" else noun + "s"


def job_undo(*, actor, job: ImportJob) -> ImportJob:
    """Queue the undo of a committed import for the background worker (an undo can take as
    long as the import). The job says "undoing" until the worker is done; the outcome (undone,
    or why not) is then on the job page."""
    from .tasks import import_undo_task

    require_import(actor, job.kind)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().defer(*HEAVY_FIELDS).get(pk=job.pk)
        if locked.status == ImportJob.Status.UNDOING:
            raise ValidationError("This import is being undone already.")
        if locked.status != ImportJob.Status.COMMITTED:
            raise ValidationError("Only an import that was committed can be undone.")
        locked.status = ImportJob.Status.UNDOING
        locked.undone_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.undo_error = ""
        locked.queued_at = timezone.now()
        locked.heartbeat_at = None
        locked.progress_message = "Waiting for a worker to undo the import"
        locked.save(
            update_fields=[
                "status",
                "undone_by",
                "undo_error",
                "queued_at",
                "heartbeat_at",
                "progress_message",
            ]
        )
    result = import_undo_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_undo_run(job_id: int) -> ImportJob | None:
    """Reverse a committed import as far as what it changed is unchanged since (the
    background task calls this); what was kept, and why, is in ``result["undo_kept"]``. If
    the import cannot be undone at all, or anything fails, nothing is undone: the job is
    committed again and ``undo_error`` says why."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.UNDOING, heartbeat_at__isnull=True
    ).update(heartbeat_at=timezone.now(), progress_message="Undoing the import")
    if not claimed:
        return None
    try:
        with Heartbeat(ImportJob, job_id):
            job = ImportJob.objects.select_related("district", "undone_by").get(pk=job_id)
            with transaction.atomic(), reference(f"import job {job.pk}", channel=Channel.UNDO):
                kept = engine.undo_import(
                    actor=job.undone_by, district=job.district, result=job.result or {}
                )
                done = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.UNDOING)
                result = {**(job.result or {}), "undo_kept": kept}
                if not done.update(
                    status=ImportJob.Status.UNDONE, undone_at=timezone.now(), result=result
                ):
                    raise Abandoned
    except ValidationError as exc:
        _undo_failed(job_id, "This import cannot be undone: " + " ".join(exc.messages))
    except Abandoned:
        log.warning("Undo of import job %s was stopped meanwhile; rolled back", job_id)
    except Exception:  # a worker must record every failure, not die silently
        log.exception("Undo of import job %s failed", job_id)
        _undo_failed(
            job_id, "The undo stopped with an unexpected error; nothing was undone. Try again."
        )
    return ImportJob.objects.filter(pk=job_id).first()


def _undo_failed(job_id: int, reason: str) -> None:
    def write():
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.UNDOING).update(
            status=ImportJob.Status.COMMITTED, undo_error=reason, progress_message="Finished"
        )

    write_with_retry(write, f"the failed undo of import job {job_id}")
