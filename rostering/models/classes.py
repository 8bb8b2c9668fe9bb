"""Classes/groups and their memberships."""

from django.db import models
from django.urls import reverse

from .base import Origin, RosterRecord, history


class ClassGroup(RosterRecord):
    name = models.CharField("Class/Group name", max_length=200)
    school = models.ForeignKey(
        "rostering.Organization", on_delete=models.PROTECT, related_name="class_groups"
    )
    external_id = models.CharField("External Assigned ID", max_length=255, null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True, default="")
    course_code = models.CharField(max_length=100, blank=True, default="")
    grades = models.CharField(max_length=100, blank=True, default="")
    is_active = models.BooleanField("active", default=True)
    students = models.ManyToManyField(
        "rostering.Student", through="ClassStudent", related_name="class_groups", blank=True
    )
    educators = models.ManyToManyField(
        "rostering.Educator", through="ClassEducator", related_name="class_groups", blank=True
    )
    products = models.ManyToManyField(
        "rostering.Product",
        through="rostering.ClassProduct",
        related_name="class_groups",
        blank=True,
    )
    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = "class/group"
        verbose_name_plural = "classes/groups"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "external_id"], name="class_external_id_unique_in_district"
            )
        ]
        indexes = [models.Index(fields=["district", "sis_sourced_id"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rostering:class_detail", args=[self.pk])


class Membership(models.Model):
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ClassStudent(Membership):
    # No index of its own: the unique pair below starts with it and serves every lookup by it.
    class_group = models.ForeignKey(ClassGroup, on_delete=models.CASCADE, db_index=False)
    student = models.ForeignKey("rostering.Student", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["class_group", "student"], name="class_student_once")
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.class_group}"


class ClassEducator(Membership):
    # No index of its own: the unique pair below starts with it and serves every lookup by it.
    class_group = models.ForeignKey(ClassGroup, on_delete=models.CASCADE, db_index=False)
    educator = models.ForeignKey("rostering.Educator", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["class_group", "educator"], name="class_educator_once")
        ]

    def __str__(self) -> str:
        return f"{self.educator} teaches {self.class_group}"
