"""The life of one import: create and check, confirm, run in the background, undo.

Views, the assisted-submission steps and the admin call these; the engine (engine.py) reads,
checks and writes the rows. Who may import what is decided here through accounts.permissions,
and every lookup of a job is scoped to the user's district.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Feature, has_feature, schools_for
from accounts.roles import scope_for
from rostering.history import reference
from rostering.liveness import Heartbeat, waiting_warning, write_with_retry
from rostering.upload_limits import upload_size_problem

from . import engine
from .models import SIS_SETS, ImportJob, ImportKind

log = logging.getLogger(__name__)


# The feature a user needs for each kind of import. OneRoster and Clever files carry
# organizations, educators, classes and students at once, so they need every import right.
SIS_SET_FEATURES = (
    Feature.IMPORT_ORGANIZATIONS,
    Feature.IMPORT_EDUCATORS,
    Feature.IMPORT_CLASSES,
    Feature.IMPORT_STUDENTS,
)
KIND_FEATURES: dict[str, tuple[Feature, ...]] = {
    ImportKind.STUDENTS: (Feature.IMPORT_STUDENTS,),
    ImportKind.CLASSES: (Feature.IMPORT_CLASSES,),
    ImportKind.EDUCATORS: (Feature.IMPORT_EDUCATORS,),
    ImportKind.ORGANIZATIONS: (Feature.IMPORT_ORGANIZATIONS,),
    ImportKind.ONEROSTER: SIS_SET_FEATURES,
    ImportKind.CLEVER: SIS_SET_FEATURES,
    ImportKind.BULK_STUDENTS: (Feature.BULK_CREATE_STUDENTS,),
}

# Kinds offered by "New import" and "Generate Import Templates" (Bulk Create has its own page).
UPLOAD_KINDS = (
    ImportKind.STUDENTS,
    ImportKind.EDUCATORS,
    ImportKind.CLASSES,
    ImportKind.ORGANIZATIONS,
    ImportKind.ONEROSTER,
    ImportKind.CLEVER,
)
TEMPLATE_KINDS = UPLOAD_KINDS[:4]
FINISHED = (ImportJob.Status.COMMITTED, ImportJob.Status.FAILED, ImportJob.Status.UNDONE)
# Waiting for or being worked on by the background worker: the page polls.
ACTIVE = (
    ImportJob.Status.CHECKING,
    ImportJob.Status.QUEUED,
    ImportJob.Status.RUNNING,
    ImportJob.Status.UNDOING,
)
# Listing pages never need the file or the preview; they can be megabytes per job.
HEAVY_FIELDS = (
    "file_content",
    "error_report",
    "changes",
    "errors",
    "warnings",
    "result",
    "matched_ids",
)


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


# What the progress poll reads: never the stored file, error report, errors or changes (a
# poll every second or two of a 1.7 MB row would read the file again each time).
STATUS_FIELDS = (
    "id",
    "status",
    "progress",
    "progress_message",
    "counts",
    "queued_at",
    "heartbeat_at",
)


def get_job_status_or_404(user, pk) -> ImportJob:
    """The job ``user`` may see with only the fields ``status_payload`` shows, else 404."""
    try:
        return jobs_for(user).select_related(None).only(*STATUS_FIELDS).get(pk=pk)
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
    check_now: bool = True,
) -> ImportJob:
    """Keep the uploaded file (in the database) and check every row; writes no roster record.
    ``check_now`` checks here and returns the job with its preview (assisted submissions);
    otherwise the check is queued for the background worker and the job says "checking"
    (the upload page: parsing a file never happens inside a web request).
    ``district_id`` is for support staff acting for a district (assisted submissions);
    everyone else imports into their own district."""
    from .tasks import import_check_task

    require_import(actor, kind)
    if district_id is None:
        district_id = _district_id(actor)
    elif not scope_for(actor).covers_district(district_id):
        raise PermissionDenied("That district is not yours.")
    if kind == ImportKind.BULK_STUDENTS:
        if school is None or not schools_for(actor).filter(pk=school.pk).exists():
            raise PermissionDenied("Choose one of your schools.")
    too_large = upload_size_problem(file_name, len(content), oneroster=kind in SIS_SETS)
    if too_large:
        raise ValidationError(too_large)
    job = ImportJob.objects.create(
        district_id=district_id,
        kind=kind,
        school=school if kind == ImportKind.BULK_STUDENTS else None,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        file_content=content,
        status=ImportJob.Status.CHECKING,
        queued_at=timezone.now(),
        progress_message="Waiting for a worker to check the file",
    )
    if not check_now:
        # The job is saved before its task is queued (in one transaction when the caller has
        # one), so a worker never finds a task without its job. The immediate backend (tests)
        # checks right here.
        result = import_check_task.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.refresh_from_db()
        return job
    try:
        return job_check(job, actor=actor)
    except Exception:
        job.delete()  # an upload that could not be checked is not worth keeping
        raise


def job_check(job: ImportJob, *, actor) -> ImportJob:
    """Run the engine's checks on the kept file and store the preview on the job, with when
    it was made and the existing records it matched (jobs_stale: a change to them since
    makes the preview stale)."""
    job.checked_at = timezone.now()
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
    from .jobs_stale import matched_ids

    job.matched_ids = matched_ids(job.kind, plan.changes)
    job.status = ImportJob.Status.CHECKED if plan.ok else ImportJob.Status.INVALID
    job.progress = 100
    job.progress_message = "Checked"
    fields = ["counts", "errors", "warnings", "changes", "status", "progress", "progress_message"]
    fields += ["checked_at", "matched_ids"]
    if not plan.ok:
        # Nothing can be imported from it: keep the errors report, not the file (it may hold
        # plain-text passwords; the report shows "(set)").
        job.error_report = errors_report(job.file_name, bytes(job.file_content), job.errors)
        job.file_content = b""
        fields += ["error_report", "file_content"]
    job.save(update_fields=fields)
    return job


def errors_report(file_name: str, content: bytes, errors: list[dict]) -> bytes:
    """The errors file (the rows again with an Errors column, passwords as "(set)")."""
    return engine.error_file(file_name=file_name, content=content, errors=errors)[1]


def errors_report_name(job: ImportJob) -> str:
    from pathlib import PurePath

    return f"{PurePath(job.file_name or 'import').stem or 'import'}-errors.csv"


def job_check_run(job_id: int) -> ImportJob | None:
    """Check a queued upload (the background task calls this). Only a job still waiting for
    its check starts. Any failure (a file that cannot be read, out of memory, the database)
    ends the job failed with a sentence saying what to do, and the file is not kept."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.CHECKING, heartbeat_at__isnull=True
    ).update(heartbeat_at=timezone.now(), progress=1, progress_message="Checking every row")
    if not claimed:
        return None
    job = None
    try:
        with Heartbeat(ImportJob, job_id):
            job = ImportJob.objects.select_related("district", "school", "created_by").get(
                pk=job_id
            )
            return job_check(job, actor=job.created_by)
    except Exception as exc:  # a worker must record every failure, not die silently
        log.exception("Checking import job %s failed", job_id)
        name = job.file_name if job is not None else "the file"
        _fail_id(job_id, _check_failure(exc, name))
        return ImportJob.objects.filter(pk=job_id).first()


def _check_failure(exc: BaseException, file_name: str) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, MemoryError):
        return (
            f"{file_name} needs more memory to check than the server allows; nothing was "
            "written. Split it into smaller files and upload them again."
        )
    if isinstance(exc, DatabaseError):
        return (
            "The check stopped on a database problem; nothing was written. "
            "Upload the file again in a moment."
        )
    return (
        f"We could not read {file_name}. Save it as CSV (UTF-8) or Excel (.xlsx) "
        "and upload it again."
    )


def _pairs(changes: dict) -> dict:
    return {column: [str(old or ""), str(new or "")] for column, (old, new) in changes.items()}


# ---- confirm and run -------------------------------------------------------------------------


def submission_of(job: ImportJob):
    """The assisted submission this job checks a file of, or None. Such a job is imported
    from its submission (with the submission's other files, in order), never on its own."""
    return job.submissions.only("pk").first()


def job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Queue the commit of a checked job (only once, only without errors, only while its
    preview is not stale: jobs_stale.StalePreview, never for a file of an assisted
    submission). The task starts after this transaction commits, so a worker always finds
    the job queued."""
    from .jobs_stale import require_fresh
    from .tasks import import_commit_task

    require_import(actor, job.kind)
    submission = submission_of(job)
    if submission is not None:
        raise ValidationError(
            f"This file is part of assisted submission #{submission.pk}: import it from the "
            "submission, which imports its files together, in order."
        )
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportJob.Status.CHECKED or locked.errors:
            raise ValidationError("This import cannot be confirmed: " + _why_not(locked))
        require_fresh(locked)
        locked.status = ImportJob.Status.QUEUED
        locked.progress = 0
        locked.progress_message = "Waiting for a worker to start the import"
        locked.queued_at = timezone.now()
        locked.heartbeat_at = None
        locked.save(
            update_fields=["status", "progress", "progress_message", "queued_at", "heartbeat_at"]
        )

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


class Abandoned(Exception):
    """The job stopped being "running" (failed as stale, or cancelled by support) while this
    worker was still at it: roll back, so the job's "nothing was written" stays true."""


def job_run(job_id: int) -> ImportJob | None:
    """Commit a queued job with the engine (the background task calls this). Safe to run
    twice: only a queued job starts. The rows and the job's "committed" are written in one
    transaction, so a kill can never leave rows without a committed (undoable) job. On any
    failure nothing is written and the job says why."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        progress=1,
        progress_message="Starting",
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return None
    job = None
    progress = _ProgressWriter(job_id)
    try:
        with Heartbeat(ImportJob, job_id):
            job = ImportJob.objects.select_related("district", "school", "created_by").get(
                pk=job_id
            )
            with transaction.atomic(), reference(f"import job {job.pk}"):
                result = engine.commit_file(
                    actor=job.created_by,
                    district=job.district,
                    kind=job.kind,
                    file_name=job.file_name,
                    content=bytes(job.file_content),
                    school=job.school,
                    progress=progress,
                )
                _mark_committed(job, result)
    except engine.ImportRejected as rejected:
        # The district's data changed between the preview and the commit.
        plan = rejected.plan
        _fail_id(
            job_id,
            "The records changed since the preview; nothing was written.",
            errors=[e.as_dict() for e in plan.errors],
            counts=plan.counts,
        )
    except Abandoned:
        log.warning("Import job %s was failed or cancelled meanwhile; rolled back", job_id)
    except Exception as exc:  # a worker must record every failure, not die silently
        log.exception("Import job %s failed", job_id)
        _fail_id(job_id, _run_failure(exc))
    finally:
        progress.close()
    return ImportJob.objects.filter(pk=job_id).first()


def _run_failure(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return (
            "The import needed more memory than the server allows; nothing was written. "
            "Split the file into smaller files and import them one by one."
        )
    if isinstance(exc, DatabaseError):
        return (
            "The import stopped on a database problem; nothing was written. Try again in a moment."
        )
    return (
        "The import stopped with an unexpected error; nothing was written. Try again, "
        "or send the file to support as an assisted submission."
    )


def _mark_committed(job: ImportJob, result: engine.ImportResult) -> None:
    counts = _result_counts(result)
    done = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.COMMITTED,
        progress=100,
        progress_message="Finished",
        counts={**(job.counts or {}), **counts},
        result={"applied": result.applied, **counts},
        committed_at=timezone.now(),
    )
    if not done:
        raise Abandoned


def _result_counts(result: engine.ImportResult) -> dict:
    data = asdict(result)
    return {key: data[key] for key in ("created", "updated", "unchanged")}


def _plain(values) -> bytes:
    """The decrypted file of a ``values_list("file_content")`` query (the field decrypts)."""
    value = values.first()
    return bytes(value) if value else b""


def _fail_id(
    job_id: int,
    reason: str,
    *,
    errors: list | None = None,
    counts: dict | None = None,
) -> None:
    """End a job as failed, even over a broken database connection (retried). Only a job
    that is still checking, queued or running is failed: a finished one keeps its outcome."""
    fields = {
        "status": ImportJob.Status.FAILED,
        "progress": 100,
        "progress_message": "Stopped; nothing was written",
        "failure_reason": reason,
    }
    # A failed job is never run again (the user uploads anew), so its file goes now; only
    # the errors report stays, when there are errors.
    fields["file_content"] = b""
    if errors is not None:
        fields["errors"] = errors
    if counts is not None:
        fields["counts"] = counts

    def write():
        job = ImportJob.objects.filter(pk=job_id, status__in=ACTIVE).defer(*HEAVY_FIELDS).first()
        if job is None:
            return
        if errors:
            content = ImportJob.objects.filter(pk=job_id).values_list("file_content", flat=True)
            fields["error_report"] = errors_report(job.file_name, _plain(content), errors)
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=list(fields))

    write_with_retry(write, f"the failure of import job {job_id}")


class _ProgressWriter:
    """The engine's progress callback; each report is a heartbeat too. The engine writes inside
    one transaction; on PostgreSQL progress goes through a second connection so that pollers
    see it meanwhile."""

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
                        "progress_message = %s, heartbeat_at = %s WHERE id = %s",
                        [
                            percent,
                            message,
                            self.side.ops.adapt_datetimefield_value(timezone.now()),
                            self.job_id,
                        ],
                    )
                return
            except Exception:  # progress is a courtesy; never let it stop the import
                log.warning("Could not report progress of import %s", self.job_id, exc_info=True)
        ImportJob.objects.filter(pk=self.job_id).update(
            progress=percent, progress_message=message, heartbeat_at=timezone.now()
        )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# ---- support ---------------------------------------------------------------------------------


def job_cancel(*, actor, job: ImportJob, reason: str) -> bool:
    """Support staff stop a stuck import (checking, queued, running or undoing), recording who
    and why. A worker still at it rolls back when it sees the job was stopped. Returns False
    for a job that is not stuck in the background."""
    who = getattr(actor, "username", "") or "support"
    why = reason.strip() or "it was stuck"
    if job.status == ImportJob.Status.UNDOING:
        return bool(
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.UNDOING).update(
                status=ImportJob.Status.COMMITTED,
                progress_message="Finished",
                undo_error=f"Support ({who}) cancelled the undo: {why}. Nothing was undone.",
            )
        )
    return bool(
        ImportJob.objects.filter(pk=job.pk, status__in=ACTIVE).update(
            status=ImportJob.Status.FAILED,
            file_content=b"",  # a cancelled import is never run again: its file goes
            progress=100,
            progress_message="Stopped; nothing was written",
            failure_reason=(
                f"Support ({who}) cancelled this import: {why}. Nothing was written; try again."
            ),
        )
    )


# ---- pages -----------------------------------------------------------------------------------


def worker_warning(job: ImportJob) -> str:
    """The worker-down message while the job waits for a worker longer than it should."""
    waiting = job.status == ImportJob.Status.QUEUED or (
        job.status in (ImportJob.Status.CHECKING, ImportJob.Status.UNDOING)
        and job.heartbeat_at is None
    )
    return waiting_warning(waiting, job.queued_at)


def status_payload(job: ImportJob) -> dict:
    """What the progress bar polls (only STATUS_FIELDS)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": 100 if job.status in FINISHED else job.progress,
        "message": job.progress_message,
        "finished": job.status not in ACTIVE,
        "counts": job.counts,
        "warning": worker_warning(job),
    }
