"""Kept imports and assisted submissions. Uploaded files live in the database so every web
server and worker can read them."""

from django.conf import settings
from django.db import models

from rostering.fields import EncryptedBinaryField


class ImportKind(models.TextChoices):
    STUDENTS = "students", "Students"
    EDUCATORS = "educators", "Educators"
    CLASSES = "classes", "Classes/Groups"
    ORGANIZATIONS = "organizations", "Organizations"
    ONEROSTER = "oneroster", "OneRoster CSV"
    CLEVER = "clever", "Clever SFTP export"
    BULK_STUDENTS = "bulk_students", "Bulk Create Students"


# A SIS's whole set of files (a zip, or one of its CSV files): OneRoster's, read by
# rostering.oneroster, or Clever's, read by rostering.clever into the same records. Both go
# through rostering/imports/oneroster_kind.py and take the larger snapshot size limit.
SIS_SETS = frozenset({ImportKind.ONEROSTER, ImportKind.CLEVER})


class ImportJob(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        CHECKED = "checked", "Checked, waiting for confirmation"
        INVALID = "invalid", "Has errors, nothing written"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        COMMITTED = "committed", "Imported"
        FAILED = "failed", "Failed, nothing written"
        UNDOING = "undoing", "Undoing"
        UNDONE = "undone", "Undone"

    district = models.ForeignKey(
        "rostering.Organization", on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    school = models.ForeignKey(
        "rostering.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Bulk Create Students: the one school the students go to.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_content = EncryptedBinaryField()
    # A refused or failed upload keeps only its errors report (passwords shown as "(set)");
    # the uploaded file itself is dropped as soon as the job ends that way.
    error_report = EncryptedBinaryField(blank=True, default=b"")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_message = models.CharField(max_length=200, blank=True, default="")
    counts = models.JSONField(default=dict, blank=True)  # created, updated, unchanged, errors
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}]
    warnings = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)  # preview: field-by-field differences
    result = models.JSONField(default=dict, blank=True)  # "applied": what the commit changed (undo)
    # When the preview was made and the existing records it matched: a change to any of them
    # since makes the preview stale (jobs_stale.py), and it must be checked again.
    checked_at = models.DateTimeField(null=True, blank=True)
    matched_ids = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True, default="")
    committed_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True, default="")
    # Liveness: when the job was queued for a worker, and the worker's last sign of life.
    queued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    undo_error = models.TextField(blank=True, default="", help_text="Why the last undo failed.")
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        # The Imports page lists a district's latest imports first.
        indexes = [
            models.Index(fields=["district", "-created_at"], name="importjob_district_recent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.file_name} ({self.get_status_display()})"


class AssistedSubmission(models.Model):
    """A district's files sent for support staff to check, import and verify."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked by support"
        IMPORTING = "importing", "Being imported"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Stopped, see the reason"
        VERIFIED = "verified", "Verified with the district"
        RETURNED = "returned", "Returned to the district"

    district = models.ForeignKey(
        "rostering.Organization", on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    check_result = models.JSONField(default=dict, blank=True)
    support_note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    import_jobs = models.ManyToManyField(ImportJob, blank=True, related_name="submissions")
    # Checking and importing run in the background worker, like the portal's imports.
    queued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Submission #{self.pk} from {self.district} ({self.get_status_display()})"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(
        AssistedSubmission, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    content = EncryptedBinaryField()

    def __str__(self) -> str:
        return self.file_name
