"""Stored upload files are deleted after a retention period (settings.UPLOAD_RETENTION_DAYS).

Uploaded import files, assisted submissions' files and kept sync snapshots hold student
passwords; they are encrypted at rest (rostering.fields), and once their work is done they
are not kept at all. Only the file goes: an import keeps its counts, errors and result (so
an undo still works); a run keeps its counts and problems. What is still waiting for someone
is kept: an import being checked, queued or running, a submission support has not finished,
a held sync run until it is approved or discarded. The district's current uploaded sync
source is not an old upload but its configuration, replaced at each upload, so it stays.
Finished list exports (their files hold student details) are deleted whole.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rostering.export_jobs.models import ExportJob
from rostering.imports.models import AssistedSubmission, ImportJob, SubmissionFile
from rostering.sync.models import SyncRun

IN_PROGRESS = (ImportJob.Status.CHECKING, ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
SUBMISSION_DONE = (
    AssistedSubmission.Status.IMPORTED,
    AssistedSubmission.Status.VERIFIED,
    AssistedSubmission.Status.RETURNED,
)
EXPORT_IN_PROGRESS = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
RUN_UNDECIDED = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING, SyncRun.Status.HELD)


def expired_reason(days: int) -> str:
    return (
        f"The uploaded file was deleted {days} days after the upload, before the import was "
        "confirmed; nothing was written. Upload the file again."
    )


@transaction.atomic
def purge_uploads(*, days: int | None = None, now=None) -> list[str]:
    """Delete the stored files older than ``days`` (default: UPLOAD_RETENTION_DAYS) and return
    one line per file deleted. Safe to run again: a deleted file is not found twice."""
    days = settings.UPLOAD_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    done: list[str] = []

    jobs = (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(file_content=b"")
        .exclude(status__in=IN_PROGRESS)
        .only("pk", "file_name", "status", "created_at")
    )
    for job in jobs:
        done.append(
            f"Import #{job.pk} ({job.file_name}, {job.get_status_display().lower()}, "
            f"uploaded {job.created_at:%Y-%m-%d}): file deleted."
        )
    ImportJob.objects.filter(pk__in=[job.pk for job in jobs]).filter(
        status=ImportJob.Status.CHECKED
    ).update(status=ImportJob.Status.FAILED, failure_reason=expired_reason(days))
    ImportJob.objects.filter(pk__in=[job.pk for job in jobs]).update(file_content=b"")
    # A refused upload kept only its errors report (no password in it); it goes too.
    reports = ImportJob.objects.filter(created_at__lt=cutoff).exclude(error_report=b"")
    for job in reports.only("pk", "file_name", "created_at"):
        done.append(
            f"Import #{job.pk} ({job.file_name}, uploaded {job.created_at:%Y-%m-%d}): "
            "errors report deleted."
        )
    ImportJob.objects.filter(pk__in=[job.pk for job in reports.only("pk")]).update(
        error_report=b""
    )

    files = SubmissionFile.objects.filter(
        submission__status__in=SUBMISSION_DONE, submission__updated_at__lt=cutoff
    ).exclude(content=b"")
    for item in files.only("pk", "file_name", "submission_id"):
        done.append(f"Submission #{item.submission_id} file {item.file_name}: deleted.")
    SubmissionFile.objects.filter(pk__in=[f.pk for f in files.only("pk")]).update(content=b"")

    runs = SyncRun.objects.filter(created_at__lt=cutoff, snapshot__isnull=False).exclude(
        status__in=RUN_UNDECIDED
    )
    for run in runs.only("pk", "district_id", "status", "created_at"):
        done.append(
            f"Sync run #{run.pk} ({run.get_status_display().lower()}, "
            f"{run.created_at:%Y-%m-%d}): snapshot deleted."
        )
    SyncRun.objects.filter(pk__in=[r.pk for r in runs.only("pk")]).update(snapshot=None)

    # Finished list exports (rostering.export_jobs) go whole: their file is all they hold.
    exports = ExportJob.objects.filter(created_at__lt=cutoff).exclude(
        status__in=EXPORT_IN_PROGRESS
    )
    for export in exports.only("pk", "file_name", "status", "created_at"):
        done.append(
            f"Export #{export.pk} ({export.file_name}, {export.get_status_display().lower()}, "
            f"{export.created_at:%Y-%m-%d}): deleted."
        )
    exports.delete()
    return done
