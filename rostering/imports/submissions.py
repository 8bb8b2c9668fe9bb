"""Assisted submissions: a district sends its files; support staff check them, import them and
mark the submission verified. The portal calls ``submission_create``; the support admin calls
the other steps, which reuse the import jobs (jobs.py) so an assisted import is kept, listed
and undoable like any other."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.permissions import Feature, require_feature
from accounts.roles import scope_for
from rostering.upload_limits import upload_size_problem

from . import jobs
from .models import AssistedSubmission, ImportJob, ImportKind, SubmissionFile

# Organizations first, then the people who belong to them, then classes and students.
IMPORT_ORDER = [
    ImportKind.ONEROSTER,
    ImportKind.ORGANIZATIONS,
    ImportKind.EDUCATORS,
    ImportKind.CLASSES,
    ImportKind.STUDENTS,
]
MAX_FILES = 10


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
        too_large = upload_size_problem(name, len(content), oneroster=kind == ImportKind.ONEROSTER)
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
    files = list(submission.files.all())
    return sorted(
        files, key=lambda f: (IMPORT_ORDER.index(f.kind) if f.kind in IMPORT_ORDER else 99, f.pk)
    )


def submission_check(*, actor, submission: AssistedSubmission) -> AssistedSubmission:
    """Check every file of the submission (writes no roster record): one import job per file,
    each with its preview, and a summary in ``check_result``. Status becomes "checked"."""
    _require_support(actor)
    if submission.status in (
        AssistedSubmission.Status.IMPORTED,
        AssistedSubmission.Status.VERIFIED,
    ):
        raise ValidationError("This submission has already been imported.")
    checked = []
    summary: dict = {"files": [], "ok": True}
    for sub_file in _ordered_files(submission):
        job = jobs.job_create(
            actor=actor,
            kind=sub_file.kind,
            file_name=sub_file.file_name,
            content=bytes(sub_file.content),
            district_id=submission.district_id,
        )
        checked.append(job)
        summary["files"].append(
            {
                "file": sub_file.file_name,
                "kind": sub_file.kind,
                "job": job.pk,
                "counts": job.counts,
                "errors": job.errors[:50],
            }
        )
        summary["ok"] = summary["ok"] and not job.errors
    with transaction.atomic():
        # A re-check replaces the previous jobs that were never imported.
        submission.import_jobs.filter(
            status__in=[ImportJob.Status.CHECKED, ImportJob.Status.INVALID]
        ).delete()
        submission.import_jobs.add(*checked)
        submission.check_result = summary
        submission.status = AssistedSubmission.Status.CHECKED
        submission.save(update_fields=["check_result", "status", "updated_at"])
    return submission


def submission_import(*, actor, submission: AssistedSubmission) -> AssistedSubmission:
    """Import the checked files in order (organizations, educators, classes, students), each
    whole or not at all, stopping at the first one that fails. Status becomes "imported" when
    every file is in; otherwise a ValidationError says which file stopped and why."""
    _require_support(actor)
    if submission.status != AssistedSubmission.Status.CHECKED:
        raise ValidationError("Run the checks first.")
    pending = [
        job for job in submission.import_jobs.all() if job.status != ImportJob.Status.COMMITTED
    ]
    pending.sort(key=lambda j: IMPORT_ORDER.index(j.kind) if j.kind in IMPORT_ORDER else 99)
    bad = [job.file_name for job in pending if job.errors]
    if bad:
        raise ValidationError(f"Fix the errors in {', '.join(bad)} before importing.")
    for job in pending:
        # Run in this request: support staff wait for the answer before telling the district.
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.QUEUED
        )
        done = jobs.job_run(job.pk)
        if done is None or done.status != ImportJob.Status.COMMITTED:
            reason = done.failure_reason if done else "it was not waiting to be imported"
            raise ValidationError(f"{job.file_name} was not imported: {reason}")
    submission.status = AssistedSubmission.Status.IMPORTED
    submission.save(update_fields=["status", "updated_at"])
    return submission


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
