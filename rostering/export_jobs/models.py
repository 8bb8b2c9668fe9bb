"""A list export written by a background worker. The file lives in the database (encrypted,
like uploads) so every web server can hand it out; purge_uploads deletes it."""

from django.conf import settings
from django.db import models

from rostering.fields import EncryptedBinaryField


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Writing the file"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed, no file"

    kind = models.CharField(max_length=20)  # a name in rostering.export_jobs.kinds.KINDS
    # Only the person who asked may download it (rostering.export_jobs.jobs.job_for).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)  # the list's search and filters
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=100)
    rows_expected = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes of the finished file.")
    content = EncryptedBinaryField(blank=True, default=b"")
    failure_reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} export #{self.pk} ({self.get_status_display()})"

    @property
    def progress(self) -> int:
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        if not self.rows_expected:
            return 0
        return min(99, self.rows_written * 100 // self.rows_expected)
