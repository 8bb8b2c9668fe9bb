"""History of the links between roster records: class memberships (students and educators),
a student's schools and an educator's organizations, product links (of a student or a
class/group) and students' product settings.

Rows are appended by ``rostering.link_history`` from every writer; nothing edits or deletes
them. The record columns are plain references without a database constraint, so a row still
says what happened after the student, class/group or product is gone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


def _ref(model: str, related_name: str = "+"):
    # No index of its own: the record's history is read through the partial indexes below
    # (by student, class/group or educator), and every index here is written once per row
    # of a 50,000-row import's history.
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name=related_name,
    )


class LinkChange(models.Model):
    class Kind(models.TextChoices):
        CLASS_STUDENT = "class_student", "Student in class/group"
        CLASS_EDUCATOR = "class_educator", "Educator of class/group"
        CLASS_PRODUCT = "class_product", "Product of class/group"
        STUDENT_PRODUCT = "student_product", "Product of student"
        STUDENT_SETTING = "student_setting", "Product setting"
        STUDENT_SCHOOL = "student_school", "School of student"
        EDUCATOR_SCHOOL = "educator_school", "Organization of educator"

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        CHANGED = "changed", "Changed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    student = _ref("rostering.Student")
    educator = _ref("rostering.Educator")
    class_group = _ref("rostering.ClassGroup")
    organization = _ref("rostering.Organization")
    product = _ref("rostering.Product")
    setting = _ref("rostering.ProductSetting")
    value_before = models.CharField(max_length=200, blank=True, default="")
    value_after = models.CharField(max_length=200, blank=True, default="")
    changed_at = models.DateTimeField(default=timezone.now)
    # No index: nothing reads the history by actor. DO_NOTHING, as the record columns: a
    # row keeps who made the change (nothing edits a history row), and deleting a user needs
    # no search of the whole history for their rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(max_length=10)
    channel_ref = models.CharField(
        max_length=60, blank=True, default="", help_text="e.g. import job 12, sync run 7"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        # Partial: a row is about one or two records, and an index holds only the rows of its
        # own (a student import's rows never enter the educators' index).
        indexes = [
            models.Index(
                fields=["student", "changed_at"],
                name="link_change_student",
                condition=models.Q(student__isnull=False),
            ),
            models.Index(
                fields=["class_group", "changed_at"],
                name="link_change_class",
                condition=models.Q(class_group__isnull=False),
            ),
            models.Index(
                fields=["educator", "changed_at"],
                name="link_change_educator",
                condition=models.Q(educator__isnull=False),
            ),
            # A sync run's page lists the links it changed (rostering.sync.run_changes): only
            # the sync's rows, so an import's or a form's tens of thousands (which nothing
            # looks up by reference) skip its upkeep, a fifth of writing each row.
            models.Index(
                fields=["channel_ref"],
                name="link_change_sync_ref",
                condition=models.Q(channel="sync"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.action} ({self.channel})"

    # -- what the admin's history page shows ---------------------------------------------------

    def _name(self, name: str) -> str:
        try:
            value = getattr(self, name)
        except models.ObjectDoesNotExist:
            value = None
        return str(value) if value is not None else "(deleted)"

    @property
    def subject(self) -> str:
        """The person or class/group the change is about, seen from the other side."""
        if self.kind in (self.Kind.CLASS_EDUCATOR, self.Kind.EDUCATOR_SCHOOL):
            return self._name("educator")
        if self.kind == self.Kind.CLASS_STUDENT:
            return self._name("student")
        if self.kind == self.Kind.CLASS_PRODUCT:
            return self._name("class_group")
        return self._name("student")

    @property
    def description(self) -> str:
        verb = self.get_action_display().lower()
        if self.kind in (self.Kind.CLASS_STUDENT, self.Kind.CLASS_EDUCATOR):
            place = "to" if self.action == self.Action.ADDED else "from"
            return f"{verb} {place} class/group {self._name('class_group')}"
        if self.kind in (self.Kind.STUDENT_SCHOOL, self.Kind.EDUCATOR_SCHOOL):
            place = "to" if self.action == self.Action.ADDED else "from"
            what = "school" if self.kind == self.Kind.STUDENT_SCHOOL else "organization"
            return f"{verb} {place} {what} {self._name('organization')}"
        if self.kind in (self.Kind.CLASS_PRODUCT, self.Kind.STUDENT_PRODUCT):
            return f"product {self._name('product')} {verb}"
        before = self.value_before or "(not set)"
        after = self.value_after or "(not set)"
        return f"setting {self._name('setting')}: {before} → {after}"
