"""The life of one import: create and check, confirm, run in the background, undo.

Views, the assisted-submission steps and the admin call these; the engine (engine.py) reads,
checks and writes the rows. Who may import what is decided here through accounts.permissions,
and every lookup of a job is scoped to the user's district.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Feature, has_feature, schools_for
from accounts.roles import scope_for
from rostering.upload_limits import limits

from . import engine
from .models import ImportJob, ImportKind

log = logging.getLogger(__name__)

MAX_FILE_BYTES = limits().file_bytes  # UPLOAD_MAX_FILE_MB; a 10,000-row template is ~3 MB

# The feature a user needs for each kind of import. OneRoster files carry organizations,
# educators, classes and students at once, so they need the organization import right.
KIND_FEATURES: dict[str, tuple[Feature, ...]] = {
    ImportKind.STUDENTS: (Feature.IMPORT_STUDENTS,),
    ImportKind.CLASSES: (Feature.IMPORT_CLASSES,),
    ImportKind.EDUCATORS: (Feature.IMPORT_EDUCATORS,),
    ImportKind.ORGANIZATIONS: (Feature.IMPORT_ORGANIZATIONS,),
    ImportKind.ONEROSTER: (
        Feature.IMPORT_ORGANIZATIONS,
        Feature.IMPORT_EDUCATORS,
        Feature.IMPORT_CLASSES,
        Feature.IMPORT_STUDENTS,
    ),
    ImportKind.BULK_STUDENTS: (Feature.BULK_CREATE_STUDENTS,),
}

# Kinds offered by "New import" and "Generate Import Templates" (Bulk Create has its own page).
UPLOAD_KINDS = (
    ImportKind.STUDENTS,
    ImportKind.EDUCATORS,
    ImportKind.CLASSES,
    ImportKind.ORGANIZATIONS,
    ImportKind.ONEROSTER,
)
TEMPLATE_KINDS = UPLOAD_KINDS[:4]
FINISHED = (ImportJob.Status.COMMITTED, ImportJob.Status.FAILED, ImportJob.Status.UNDONE)
# Listing pages never need the file or the preview; they can be megabytes per job.
HEAVY_FIELDS = ("file_content", "changes", "errors", "warnings", "result")


def can_import(user, kind: str) -> bool:
    return all(has_feature(user, feature) for feature in KIND_FEATURES[ImportKind(kind)])


def importable_kinds(user, kinds=UPLOAD_KINDS) -> list[ImportKind]:
    return [kind for kind in kinds if can_import(user, kind)]


def require_import(user, kind: str) -> None:
    if not can_import(user, kind):
        raise PermissionDenied(
            f"Your role does not allow importing {ImportKind(kind).label.lower()}."
        )


def jobs_for(user) -> QuerySet:
    """The imports ``user`` may see: the whole district for district-wide roles, otherwise
    the imports they ran themselves (a teacher's preview must not show district staff)."""
    scope = scope_for(user)
    qs = ImportJob.objects.select_related("created_by", "school")
    if scope.is_support:
        return qs
    if scope.district_id is None:
        return qs.none()
    qs = qs.filter(district_id=scope.district_id)
    if scope.is_district_wide:
        return qs
    return qs.filter(created_by=user)


def get_job_or_404(user, pk) -> ImportJob:
    try:
        return jobs_for(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import in your district.") from None


def _district_id(user) -> int:
    district_id = scope_for(user).district_id
    if district_id is None:
        raise PermissionDenied("Imports run inside a district; support staff use the admin.")
    return district_id


# ---- create and check -------------------------------------------------------------------------


def job_create(
    *,
    actor,
    kind: str,
    file_name: str,
    content: bytes,
    school=None,
    district_id: int | None = None,
) -> ImportJob:
    """Keep the uploaded file (in the database), check every row, and return the job with its
    preview. Writes no roster record. ``district_id`` is for support staff acting for a
    district (assisted submissions); everyone else imports into their own district."""
    require_import(actor, kind)
    if district_id is None:
        district_id = _district_id(actor)
    elif not scope_for(actor).covers_district(district_id):
        raise PermissionDenied("That district is not yours.")
    if kind == ImportKind.BULK_STUDENTS:
        if school is None or not schools_for(actor).filter(pk=school.pk).exists():
            raise PermissionDenied("Choose one of your schools.")
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. "
            "Split it into several files of up to 10,000 records each."
        )
    job = ImportJob.objects.create(
        district_id=district_id,
        kind=kind,
        school=school if kind == ImportKind.BULK_STUDENTS else None,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        file_content=content,
    )
    try:
        return job_check(job, actor=actor)
    except Exception:
        job.delete()  # an upload that could not be checked is not worth keeping
        raise


def job_check(job: ImportJob, *, actor) -> ImportJob:
    """Run the engine's checks on the kept file and store the preview on the job."""
    plan = engine.check_file(
        actor=actor,
        district=job.district,
        kind=job.kind,
        file_name=job.file_name,
        content=bytes(job.file_content),
        school=job.school,
    )
    job.counts = plan.counts
    job.errors = [e.as_dict() for e in plan.errors]
    job.warnings = [w.as_dict() for w in plan.warnings]
    # Unchanged records are only counted: a 10,000-row re-upload should not store 10,000 rows.
    job.changes = [
        {"row": c.row, "action": c.action, "label": c.label, "changes": _pairs(c.changes)}
        for c in plan.changes
        if c.action != "unchanged"
    ]
    job.status = ImportJob.Status.CHECKED if plan.ok else ImportJob.Status.INVALID
    job.save(update_fields=["counts", "errors", "warnings", "changes", "status"])
    return job


def _pairs(changes: dict) -> dict:
    return {column: [str(old or ""), str(new or "")] for column, (old, new) in changes.items()}


# ---- confirm and run -------------------------------------------------------------------------


def job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue the commit of a checked job (only once, only without errors). The task starts
    after this transaction commits, so a worker always finds the job queued."""
    from .tasks import import_commit_task

    require_import(actor, job.kind)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportJob.Status.CHECKED or locked.errors:
            raise ValidationError("This import cannot be confirmed: " + _why_not(locked))
        locked.status = ImportJob.Status.QUEUED
        locked.progress = 0
        locked.progress_message = "Waiting for a worker to start the import"
        locked.save(update_fields=["status", "progress", "progress_message"])

        def enqueue() -> None:
            result = import_commit_task.enqueue(locked.pk)
            # The immediate backend has already finished the job by now; keep its final state.
            ImportJob.objects.filter(pk=locked.pk).update(task_id=str(result.id)[:64])

        transaction.on_commit(enqueue)
    job.refresh_from_db()
    return job


def _why_not(job: ImportJob) -> str:
    if job.errors:
        return "the file has errors. Fix them and upload it again."
    return f"it is {job.get_status_display().lower()}."


def job_run(job_id: int) -> ImportJob | None:
    """Commit a queued job with the engine (the background task calls this). Safe to run
    twice: only a queued job starts. On any failure nothing is written and the job says why."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, progress=1, progress_message="Starting"
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("district", "school", "created_by").get(pk=job_id)
    progress = _ProgressWriter(job.pk)
    try:
        result = engine.commit_file(
            actor=job.created_by,
            district=job.district,
            kind=job.kind,
            file_name=job.file_name,
            content=bytes(job.file_content),
            school=job.school,
            progress=progress,
        )
    except engine.ImportRejected as rejected:
        # The district's data changed between the preview and the commit.
        plan = rejected.plan
        job.errors = [e.as_dict() for e in plan.errors]
        job.counts = plan.counts
        _fail(job, "The records changed since the preview; nothing was written.")
        return job
    except Exception:  # a worker must record every failure, not die silently
        log.exception("Import job %s failed", job_id)
        _fail(
            job,
            "The import stopped with an unexpected error; nothing was written. Try again, "
            "or send the file to support as an assisted submission.",
        )
        return job
    finally:
        progress.close()
    job.status = ImportJob.Status.COMMITTED
    job.progress = 100
    job.progress_message = "Finished"
    job.counts = {**(job.counts or {}), **_result_counts(result)}
    job.result = {"touched": result.touched, **_result_counts(result)}
    job.committed_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "progress",
            "progress_message",
            "counts",
            "result",
            "committed_at",
        ]
    )
    return job


def _result_counts(result: engine.ImportResult) -> dict:
    data = asdict(result)
    return {key: data[key] for key in ("created", "updated", "unchanged")}


def _fail(job: ImportJob, reason: str) -> None:
    job.status = ImportJob.Status.FAILED
    job.progress = 100
    job.progress_message = "Stopped; nothing was written"
    job.failure_reason = reason
    job.save(
        update_fields=[
            "status",
            "progress",
            "progress_message",
            "failure_reason",
            "errors",
            "counts",
        ]
    )


class _ProgressWriter:
    """The engine's progress callback. The engine writes inside one transaction; on
    PostgreSQL progress goes through a second connection so that pollers see it meanwhile."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.side = None

    def __call__(self, percent: int, message: str) -> None:
        percent = max(1, min(99, int(percent)))  # 100 only once the commit is really done
        message = str(message)[:200]
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            try:
                if self.side is None:
                    self.side = connections.create_connection("default")
                    self.side.set_autocommit(True)
                with self.side.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ImportJob._meta.db_table} SET progress = %s, "
                        "progress_message = %s WHERE id = %s",
                        [percent, message, self.job_id],
                    )
                return
            except Exception:  # progress is a courtesy; never let it stop the import
                log.warning("Could not report progress of import %s", self.job_id, exc_info=True)
        ImportJob.objects.filter(pk=self.job_id).update(progress=percent, progress_message=message)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# ---- undo ------------------------------------------------------------------------------------


def job_undo(*, actor, job: ImportJob) -> ImportJob:
    """Reverse a committed import while the records it touched are unchanged since; raises
    ValidationError (from the engine) with the reason otherwise, and changes nothing."""
    require_import(actor, job.kind)
    if job.status != ImportJob.Status.COMMITTED:
        raise ValidationError("Only an import that was committed can be undone.")
    with transaction.atomic():
        engine.undo_import(
            actor=actor, district=job.district, touched=(job.result or {}).get("touched", {})
        )
        job.status = ImportJob.Status.UNDONE
        job.undone_at = timezone.now()
        job.save(update_fields=["status", "undone_at"])
    return job


def status_payload(job: ImportJob) -> dict:
    """What the progress bar polls."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": 100 if job.status in FINISHED else job.progress,
        "message": job.progress_message,
        "finished": job.status in FINISHED,
        "counts": job.counts,
    }
