"""A district's SIS sync: where its snapshot comes from, when it runs, and every run kept."""

from django.conf import settings
from django.db import models

from rostering.fields import EncryptedBinaryField


class SyncSource(models.Model):
    """How and when a district's SIS data arrives. Which optional fields it sends is
    rostering.SyncConfiguration.shared_fields."""

    class SourceType(models.TextChoices):
        # Either holds OneRoster's or Clever's files, as source_format says (the values keep
        # their first names).
        ONEROSTER_UPLOAD = "oneroster_upload", "An uploaded zip"
        ONEROSTER_FOLDER = "oneroster_folder", "A folder the SIS drops its files into"

    class Format(models.TextChoices):
        ONEROSTER = "oneroster", "OneRoster CSV (1.1 or 1.2)"
        CLEVER = "clever", "Clever SFTP files (schools, students, teachers, sections, enrollments)"

    class CleverIdColumn(models.TextChoices):
        STUDENT_NUMBER = "Student_number", "Clever Student_number"
        SIS_ID = "Sis_id", "Clever Sis_id"

    class Schedule(models.TextChoices):
        OFF = "off", "Only when I press Sync now"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    class IdField(models.TextChoices):
        IDENTIFIER = "identifier", "OneRoster identifier (Clever: the column chosen below)"
        SOURCED_ID = "sourcedId", "OneRoster sourcedId (Clever: Student_id, Teacher_id)"

    class UsernameField(models.TextChoices):
        # Clever's files are read into the same records: each choice names Clever's column too.
        USERNAME = "username", "OneRoster username (Clever: Username)"
        EMAIL = "email", "OneRoster email (Clever: Student_email, Teacher_email)"
        IDENTIFIER = "identifier", "OneRoster identifier (Clever: Student_number or Sis_id)"
        SOURCED_ID = "sourcedId", "OneRoster sourcedId (Clever: Student_id, Teacher_id)"

    district = models.OneToOneField(
        "rostering.Organization", on_delete=models.CASCADE, related_name="sync_source"
    )
    source_type = models.CharField(
        max_length=30, choices=SourceType.choices, default=SourceType.ONEROSTER_UPLOAD
    )
    source_format = models.CharField(
        "Files are in", max_length=20, choices=Format.choices, default=Format.ONEROSTER
    )
    clever_id_column = models.CharField(
        "With Clever, the External Assigned ID comes from",
        max_length=20,
        choices=CleverIdColumn.choices,
        default=CleverIdColumn.STUDENT_NUMBER,
    )
    folder_path = models.CharField(max_length=500, blank=True, default="")
    uploaded_name = models.CharField(max_length=255, blank=True, default="")
    uploaded_snapshot = EncryptedBinaryField(null=True, blank=True)
    external_id_field = models.CharField(
        "External Assigned ID comes from",
        max_length=20,
        choices=IdField.choices,
        default=IdField.IDENTIFIER,
    )
    username_field = models.CharField(
        "Username comes from",
        max_length=20,
        choices=UsernameField.choices,
        default=UsernameField.USERNAME,
    )
    schedule = models.CharField(max_length=10, choices=Schedule.choices, default=Schedule.OFF)
    weekday = models.PositiveSmallIntegerField(
        default=0, help_text="For weekly syncs: 0 is Monday."
    )
    time_of_day = models.TimeField(default="02:00")
    hold_threshold_percent = models.PositiveSmallIntegerField(
        default=10,
        help_text="Hold a run that would deactivate more than this share of synced records.",
    )
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sync source of {self.district}"

    @property
    def files_in_use(self) -> str:
        """The files this district's SIS sends, as messages name them ("OneRoster", "Clever")."""
        return "Clever" if self.source_format == self.Format.CLEVER else "OneRoster"


class ProductRule(models.Model):
    """SIS classes whose course code, subject or class code matches get this product."""

    class MatchField(models.TextChoices):
        COURSE_CODE = "course_code", "Course code"
        SUBJECT = "subject", "Subject"
        CLASS_CODE = "class_code", "Class code"

    district = models.ForeignKey(
        "rostering.Organization", on_delete=models.CASCADE, related_name="product_rules"
    )
    match_field = models.CharField(max_length=20, choices=MatchField.choices)
    pattern = models.CharField(
        max_length=200, help_text="Exact value, or a prefix ending with * (e.g. MATH*)."
    )
    product = models.ForeignKey("rostering.Product", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.get_match_field_display()} {self.pattern} → {self.product}"


class SettingRule(models.Model):
    """An extension column of users.csv (metadata.*, ext_*) that sets a product setting."""

    district = models.ForeignKey(
        "rostering.Organization", on_delete=models.CASCADE, related_name="setting_rules"
    )
    column = models.CharField(max_length=200, help_text="e.g. metadata.language")
    setting = models.ForeignKey(
        "rostering.ProductSetting", on_delete=models.CASCADE, related_name="+"
    )
    value_map = models.JSONField(
        default=dict, blank=True, help_text='SIS value → setting value, e.g. {"es": "Spanish"}.'
    )

    def __str__(self) -> str:
        return f"{self.column} → {self.setting}"


class SyncRun(models.Model):
    class Trigger(models.TextChoices):
        MANUAL = "manual", "Sync now"
        SCHEDULE = "schedule", "Schedule"
        COMMAND = "command", "Command line"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        # Applied, but it rostered none (or too few) of what the SIS sent (rostering.outcome):
        # what could be was applied, and failure_reason says why in one sentence.
        REFUSED = "refused", "Refused (too few rostered)"
        PREVIEWED = "previewed", "Dry run (nothing applied)"
        HELD = "held", "Held for approval"
        DISCARDED = "discarded", "Discarded"
        FAILED = "failed", "Failed (nothing applied)"

    district = models.ForeignKey(
        "rostering.Organization", on_delete=models.CASCADE, related_name="sync_runs"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=500, blank=True, default="")
    snapshot = EncryptedBinaryField(
        null=True, blank=True, help_text="The snapshot read, kept so a held run applies it."
    )
    counts = models.JSONField(default=dict, blank=True)  # created, updated, claimed, ...
    warnings = models.JSONField(default=list, blank=True)  # [{"file","row","record","message"}]
    errors = models.JSONField(default=list, blank=True)
    plan = models.JSONField(default=dict, blank=True)  # dry run / held: what would change
    hold_reason = models.TextField(blank=True, default="")
    failure_reason = models.TextField(blank=True, default="")  # failed, or refused: why
    task_id = models.CharField(max_length=64, blank=True, default="")
    # Liveness: when the run was queued for a worker, and the worker's last sign of life.
    queued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sync of {self.district} at {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class SyncRunChange(models.Model):
    """One record an applied run changed (rostering.sync.run_changes writes them): kept so the
    run page says what last night's run did, searchable and paged in the database."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="changes")
    position = models.PositiveIntegerField()  # the plan's order
    kind = models.CharField(max_length=20)  # student | educator | class_group | organization
    action = models.CharField(max_length=12)  # create | update | claim | deactivate
    sourced_id = models.CharField(max_length=255, blank=True, default="")
    label = models.CharField(max_length=500, blank=True, default="")
    fields = models.JSONField(default=dict, blank=True)  # attname -> [before, after]

    class Meta:
        ordering = ["run", "position"]
        indexes = [models.Index(fields=["run", "position"], name="sync_run_change_order")]

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.sourced_id}"
