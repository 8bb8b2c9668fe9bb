"""Assisted submissions: a district sends its files; support staff check them, import them and
mark the submission verified. The portal calls ``submission_create``; the support admin calls
the other steps, which reuse the import jobs (jobs.py) so an assisted import is kept, listed
and undoable like any other. Checking and importing parse files, so they run in the
background worker (tasks.py) with a heartbeat, like the portal's imports: the admin only
queues them, and a submission whose worker is gone is failed (rostering.liveness)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.permissions import Feature, require_feature
from accounts.roles import scope_for
from rostering.liveness import Heartbeat, waiting_warning, write_with_retry
from rostering.upload_limits import upload_size_problem

from . import jobs
from .models import SIS_SETS, AssistedSubmission, ImportJob, ImportKind, SubmissionFile

# Organizations first, then the people who belong to them, then classes and students.
IMPORT_ORDER = [
    ImportKind.ONEROSTER,
    ImportKind.CLEVER,
    ImportKind.ORGANIZATIONS,
    ImportKind.EDUCATORS,
    ImportKind.CLASSES,
    ImportKind.STUDENTS,
]
MAX_FILES = 10
User = get_user_model()
log = logging.getLogger(__name__)


def submissions_for(user) -> QuerySet:
    scope = scope_for(user)
    qs = AssistedSubmission.objects.select_related("submitted_by").prefetch_related("files")
    if scope.is_support:
        return qs
    if scope.district_id is None or not scope.is_district_wide:
        return qs.none()
    return qs.filter(district_id=scope.district_id)


@transaction.atomic
def submission_create(
    *, actor, note: str, files: Iterable[tuple[str, str, bytes]]
) -> AssistedSubmission:
    """Keep a district administrator's files (kind, name, bytes) with their note as one
    submission for support staff. Nothing is checked or imported yet."""
    require_feature(actor, Feature.SUBMIT_ASSISTED)
    district_id = scope_for(actor).district_id
    if district_id is None:
        raise PermissionDenied("Submissions come from a district.")
    files = list(files)
    if not files:
        raise ValidationError("Add at least one file.")
    if len(files) > MAX_FILES:
        raise ValidationError(f"Send at most {MAX_FILES} files in one submission.")
    for kind, name, content in files:
        too_large = upload_size_problem(name, len(content), oneroster=kind in SIS_SETS)
        if too_large:
            raise ValidationError(too_large)
        if not content:
            raise ValidationError(f"{name} is empty.")
    submission = AssistedSubmission.objects.create(
        district_id=district_id, submitted_by=actor, note=note.strip()
    )
    SubmissionFile.objects.bulk_create(
        SubmissionFile(submission=submission, kind=kind, file_name=name[:255], content=content)
        for kind, name, content in files
    )
    return submission


def _require_support(actor) -> None:
    if not scope_for(actor).is_support:
        raise PermissionDenied("Only support staff process assisted submissions.")


def _ordered_files(submission: AssistedSubmission) -> list[SubmissionFile]:
    files = list(submission.files.defer("content"))
    return sorted(
        files, key=lambda f: (IMPORT_ORDER.index(f.kind) if f.kind in IMPORT_ORDER else 99, f.pk)
    )


# ---- run the checks, import: queued here, done by the background worker ---------------------

Status = AssistedSubmission.Status
ACTIVE = (Status.CHECKING, Status.IMPORTING)


def submission_check(*, actor, submission: AssistedSubmission) -> AssistedSubmission:
    """Queue the checks of every file (they write no roster record); the worker runs them
    (``submission_check_run``) and the submission says "being checked" meanwhile."""
    from .tasks import submission_check_task

    _require_support(actor)
    submission.refresh_from_db()  # the worker may have moved it on since it was loaded
    if submission.status in (Status.IMPORTED, Status.VERIFIED):
        raise ValidationError("This submission has already been imported.")
    return _queue(submission, Status.CHECKING, submission_check_task, actor)


def submission_import(*, actor, submission: AssistedSubmission) -> AssistedSubmission:
    """Queue the import of the checked files; the worker runs it (``submission_import_run``).
    Refused here, with the reason, when the checks did not pass."""
    from .tasks import submission_import_task

    _require_support(actor)
    submission.refresh_from_db()
    if submission.status != Status.CHECKED:
        raise ValidationError("Run the checks first.")
    bad = [job.file_name for job in _pending(submission) if job.errors]
    if bad:
        raise ValidationError(f"Fix the errors in {', '.join(bad)} before importing.")
    return _queue(submission, Status.IMPORTING, submission_import_task, actor)


def _queue(submission, status, task, actor) -> AssistedSubmission:
    with transaction.atomic():
        locked = AssistedSubmission.objects.select_for_update().get(pk=submission.pk)
        if locked.status in ACTIVE:
            raise ValidationError(f"It is {locked.get_status_display().lower()} already.")
        locked.status = status
        locked.queued_at = timezone.now()
        locked.heartbeat_at = None
        locked.failure_reason = ""
        locked.save(
            update_fields=["status", "queued_at", "heartbeat_at", "failure_reason", "updated_at"]
        )
        # Support staff who queued it act in the task (their rights are checked there again).
        transaction.on_commit(lambda: task.enqueue(locked.pk, actor.pk))
    submission.refresh_from_db()
    return submission


def _claim(submission_id: int, status: str) -> bool:
    return bool(
        AssistedSubmission.objects.filter(
            pk=submission_id, status=status, heartbeat_at__isnull=True
        ).update(heartbeat_at=timezone.now())
    )


def submission_check_run(submission_id: int, actor_id: int) -> AssistedSubmission | None:
    """Check every file (the background task calls this): one import job per file, each with
    its preview, and a summary in ``check_result``; status "checked". A file this submission
    already imported (an import that stopped at a later file) is not checked again: its
    committed job stays its job. All or nothing: when a file cannot be checked, no job of this
    round is kept and the submission says why."""
    if not _claim(submission_id, Status.CHECKING):
        return None
    checked: list[int] = []  # job ids only: a job object holds its whole file
    current = "a file"
    try:
        with Heartbeat(AssistedSubmission, submission_id):
            submission = AssistedSubmission.objects.get(pk=submission_id)
            actor = User.objects.get(pk=actor_id)
            _require_support(actor)
            summary: dict = {"files": [], "ok": True}
            imported = _imported_files(submission)
            for sub_file in _ordered_files(submission):
                current = sub_file.file_name
                if sub_file.pk in imported:
                    summary["files"].append(imported[sub_file.pk])
                    continue
                job = jobs.job_create(
                    actor=actor,
                    kind=sub_file.kind,
                    file_name=sub_file.file_name,
                    content=_content(sub_file),  # one file in memory at a time
                    district_id=submission.district_id,
                )
                checked.append(job.pk)
                summary["files"].append(
                    {
                        "file": sub_file.file_name,
                        "file_id": sub_file.pk,
                        "kind": sub_file.kind,
                        "job": job.pk,
                        "counts": job.counts,
                        "errors": len(job.errors),
                    }
                )
                summary["ok"] = summary["ok"] and not job.errors
            with transaction.atomic():
                # A re-check replaces the previous jobs that were never imported.
                old = submission.import_jobs.exclude(status=ImportJob.Status.COMMITTED)
                old.filter(status__in=[ImportJob.Status.CHECKED, ImportJob.Status.INVALID]).delete()
                # Failed ones stay in the import history, no longer part of this submission.
                submission.import_jobs.remove(*old.values_list("pk", flat=True))
                submission.import_jobs.add(*checked)
                done = AssistedSubmission.objects.filter(
                    pk=submission_id, status=Status.CHECKING
                ).update(check_result=summary, status=Status.CHECKED, updated_at=timezone.now())
                if not done:
                    raise jobs.Abandoned
    except jobs.Abandoned:
        ImportJob.objects.filter(pk__in=checked).delete()
    except Exception as exc:  # a worker must record every failure, not die silently
        log.exception("Checking submission %s failed", submission_id)
        ImportJob.objects.filter(pk__in=checked).delete()
        _fail(submission_id, _check_failure(exc, current))
    return AssistedSubmission.objects.filter(pk=submission_id).first()


def submission_import_run(submission_id: int, actor_id: int) -> AssistedSubmission | None:
    """Import the checked files in order (organizations, educators, classes, students), each
    whole or not at all under the district lock (jobs.job_run), stopping at the first one that
    fails. Status "imported" when every file is in; otherwise "stopped" with which file and
    why (the files before it stay imported, each undoable on its own)."""
    if not _claim(submission_id, Status.IMPORTING):
        return None
    try:
        with Heartbeat(AssistedSubmission, submission_id):
            submission = AssistedSubmission.objects.get(pk=submission_id)
            _require_support(User.objects.get(pk=actor_id))
            for job in _pending(submission):
                ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
                    status=ImportJob.Status.QUEUED, queued_at=timezone.now()
                )
                done = jobs.job_run(job.pk)
                if done is None or done.status != ImportJob.Status.COMMITTED:
                    reason = done.failure_reason if done else "it was not waiting to be imported."
                    _fail(
                        submission_id,
                        f"{job.file_name} was not imported: {reason} "
                        + _imported_before(submission, job),
                    )
                    return AssistedSubmission.objects.filter(pk=submission_id).first()
            AssistedSubmission.objects.filter(pk=submission_id, status=Status.IMPORTING).update(
                status=Status.IMPORTED, updated_at=timezone.now()
            )
    except Exception as exc:  # a worker must record every failure, not die silently
        log.exception("Importing submission %s failed", submission_id)
        _fail(submission_id, _import_failure(exc))
    return AssistedSubmission.objects.filter(pk=submission_id).first()


def _imported_files(submission: AssistedSubmission) -> dict[int, dict]:
    """{submission file id: its entry of the last checks} for the files whose job committed
    (a file's content never changes, so it is imported unchanged). Entries of checks made
    before they named the file are matched by name and kind."""
    committed = set(
        submission.import_jobs.filter(status=ImportJob.Status.COMMITTED).values_list(
            "pk", flat=True
        )
    )
    last = (submission.check_result or {}).get("files", [])
    entries = [entry for entry in last if entry.get("job") in committed]
    if not entries:
        return {}
    files = list(submission.files.only("pk", "file_name", "kind"))
    found: dict[int, dict] = {}
    for entry in entries:
        file_id = entry.get("file_id")
        if file_id is None:  # checks made before their entries named the file
            same = (entry.get("file"), entry.get("kind"))
            file_id = next(
                (f.pk for f in files if f.pk not in found and (f.file_name, f.kind) == same), None
            )
        if file_id in {f.pk for f in files}:
            found[file_id] = {**entry, "file_id": file_id}
    return found


def _content(sub_file: SubmissionFile) -> bytes:
    value = SubmissionFile.objects.filter(pk=sub_file.pk).values_list("content", flat=True)
    return bytes(value.first() or b"")


def _pending(submission: AssistedSubmission) -> list[ImportJob]:
    pending = [
        job for job in submission.import_jobs.all() if job.status != ImportJob.Status.COMMITTED
    ]
    pending.sort(key=lambda j: IMPORT_ORDER.index(j.kind) if j.kind in IMPORT_ORDER else 99)
    return pending


def _imported_before(submission: AssistedSubmission, failed: ImportJob) -> str:
    names = [
        job.file_name
        for job in submission.import_jobs.filter(status=ImportJob.Status.COMMITTED)
        if job.pk != failed.pk
    ]
    if not names:
        return "Nothing was imported. Run the checks again, then import."
    return f"Already imported: {', '.join(names)}. Run the checks again, then import the rest."


def _check_failure(exc: BaseException, name: str) -> str:
    if isinstance(exc, ValidationError | PermissionDenied):
        reason = " ".join(getattr(exc, "messages", [str(exc)]))
        return f"{name} could not be checked: {reason} Nothing was written."
    return jobs._check_failure(exc, name) + " Nothing was written; run the checks again."


def _import_failure(exc: BaseException) -> str:
    if isinstance(exc, PermissionDenied):
        return f"The import was refused: {exc} Nothing more was written."
    return jobs._run_failure(exc)


def _fail(submission_id: int, reason: str) -> None:
    """End a checking or importing submission as stopped, over a broken connection too."""

    def write():
        AssistedSubmission.objects.filter(pk=submission_id, status__in=ACTIVE).update(
            status=Status.FAILED, failure_reason=reason, updated_at=timezone.now()
        )

    write_with_retry(write, f"the failure of submission {submission_id}")


def worker_warning(submission: AssistedSubmission) -> str:
    """The worker-down message while no worker has started the checks or the import."""
    waiting = submission.status in ACTIVE and submission.heartbeat_at is None
    return waiting_warning(waiting, submission.queued_at)


def submission_mark_verified(
    *, actor, submission: AssistedSubmission, note: str = ""
) -> AssistedSubmission:
    """Support confirmed with the district that the accounts were made."""
    _require_support(actor)
    if submission.status != AssistedSubmission.Status.IMPORTED:
        raise ValidationError("Only an imported submission can be marked verified.")
    submission.status = AssistedSubmission.Status.VERIFIED
    if note:
        submission.support_note = note.strip()
    submission.save(update_fields=["status", "support_note", "updated_at"])
    return submission


def submission_return(*, actor, submission: AssistedSubmission, note: str) -> AssistedSubmission:
    """Send the submission back to the district with a note saying what to fix."""
    _require_support(actor)
    if not note.strip():
        raise ValidationError("Say what the district should fix.")
    submission.status = AssistedSubmission.Status.RETURNED
    submission.support_note = note.strip()
    submission.save(update_fields=["status", "support_note", "updated_at"])
    return submission
