"""A preview goes stale: the records it matched changed (a newer import, a form, the sync)
before it was confirmed, or records of a kind it adds were added, so what it shows is no
longer what the import would do. Confirming is refused with why, and the file can be checked
again (the same file, a fresh preview).

A template import matches records of one kind: the check keeps their ids as a list. A
OneRoster (or Clever) set spans kinds: it keeps, per kind, the ids it matched and whether it adds any
(``{"students": {"matched": [3, 7], "adds": true}, ...}``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from rostering.models import ClassGroup, Educator, LinkChange, Organization, Student

from .jobs import require_import
from .models import SIS_SETS, ImportJob, ImportKind

KIND_MODELS = {
    ImportKind.STUDENTS: Student,
    ImportKind.BULK_STUDENTS: Student,
    ImportKind.EDUCATORS: Educator,
    ImportKind.CLASSES: ClassGroup,
    ImportKind.ORGANIZATIONS: Organization,
}
# The column of LinkChange naming the record (memberships, products, settings).
LINK_COLUMNS = {Student: "student_id", Educator: "educator_id", ClassGroup: "class_group_id"}
ROSTER_MODELS = (Organization, Student, Educator, ClassGroup)


class StalePreview(ValidationError):
    """Confirming a preview whose records changed since it was made."""


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _changed_matches(model, ids: list[int], since) -> int:
    changed = set(
        model.history.filter(id__in=ids, history_date__gt=since).values_list("id", flat=True)
    )
    column = LINK_COLUMNS.get(model)
    if column:
        changed |= set(
            LinkChange.objects.filter(**{f"{column}__in": ids}, changed_at__gt=since).values_list(
                column, flat=True
            )
        )
    return len(changed)


def _added(model, district_id: int, since) -> int:
    return (
        model.history.filter(history_type="+", history_date__gt=since, district_id=district_id)
        .values("id")
        .distinct()
        .count()
    )


def _district_changes(district_id: int, since) -> int:
    """Any record of the district changed since: for a OneRoster preview checked before it
    kept what it matched."""
    return (
        sum(
            model.history.filter(history_date__gt=since, district_id=district_id).count()
            for model in ROSTER_MODELS
        )
        + LinkChange.objects.filter(changed_at__gt=since)
        .filter(student__district_id=district_id)
        .count()
    )


def matched_ids(kind: str, changes) -> list[int] | dict[str, dict]:
    """What a check keeps to tell later whether its preview went stale (see the module)."""
    if kind not in SIS_SETS:
        return sorted({c.record_id for c in changes if c.record_id is not None})
    kept: dict[str, dict] = {}
    for change in changes:
        entry = kept.setdefault(change.kind, {"matched": set(), "adds": False})
        if change.record_id is not None:
            entry["matched"].add(change.record_id)
        entry["adds"] |= change.action == "create"
    return {k: {"matched": sorted(v["matched"]), "adds": v["adds"]} for k, v in kept.items()}


def _kept(job: ImportJob):
    """(model, matched ids, whether the file adds records of it) per kind the preview has;
    None for a OneRoster preview checked before it kept what it matched."""
    kept = job.matched_ids
    if isinstance(kept, dict):
        return [
            (KIND_MODELS[kind], entry.get("matched", []), entry.get("adds", False))
            for kind, entry in kept.items()
        ]
    if job.kind in KIND_MODELS:
        adds = bool((job.counts or {}).get("created"))
        return [(KIND_MODELS[job.kind], list(kept or []), adds)]
    return None


def stale_reason(job: ImportJob) -> str:
    """Why the preview of ``job`` no longer says what confirming would do, or "" when it
    still does: a record the preview matched changed since the check, or records of the kind
    were added that this file may add too. Previews from before this check was kept are
    never called stale."""
    if job.checked_at is None:
        return ""
    since = job.checked_at
    kinds = _kept(job)
    problems = []
    if kinds is None:
        if _district_changes(job.district_id, since):
            problems.append("the district's records were changed")
        kinds = []
    changed, added = 0, []
    for model, ids, adds in kinds:
        changed += _changed_matches(model, ids, since)
        if adds and _added(model, job.district_id, since):
            added.append(str(model._meta.verbose_name_plural))
    if changed:
        problems.append(
            f"{_plural(changed, 'of the records it matched was', 'of the records it matched were')} changed"
        )
    if added:
        problems.append(f"new {' and '.join(added)} were added that this file may add too")
    if not problems:
        return ""
    newer = (
        ImportJob.objects.filter(district_id=job.district_id, committed_at__gt=since)
        .exclude(pk=job.pk)
        .order_by("-committed_at")
        .only("file_name")
        .first()
    )
    by = f" (the import of {newer.file_name} was confirmed meanwhile)" if newer else ""
    return (
        f"Since this preview was made, {' and '.join(problems)}{by}, so it may no longer show "
        "what the import would do. Check the file again to see it as things are now."
    )


def require_fresh(job: ImportJob) -> None:
    reason = stale_reason(job)
    if reason:
        raise StalePreview(reason)


def job_recheck(*, actor, job: ImportJob) -> ImportJob:
    """Check a checked job's file again (queued for the worker, like an upload); the fresh
    preview replaces the stale one. Only a job still waiting for confirmation (its file is
    kept) can be checked again."""
    from .tasks import import_check_task

    require_import(actor, job.kind)
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.CHECKING,
        progress=0,
        progress_message="Waiting for a worker to check the file again",
        queued_at=timezone.now(),
        heartbeat_at=None,
    )
    if not queued:
        raise ValidationError("Only a preview waiting for confirmation can be checked again.")
    result = import_check_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job
