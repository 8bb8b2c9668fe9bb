"""Students and educators."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from rostering.usernames import username_constraint

from .base import RosterRecord, history


class Grade(models.TextChoices):
    """OneRoster grade vocabulary."""

    IT = "IT", "Infant/toddler"
    PR = "PR", "Preschool"
    PK = "PK", "Pre-kindergarten"
    TK = "TK", "Transitional kindergarten"
    KG = "KG", "Kindergarten"
    G01 = "01", "Grade 1"
    G02 = "02", "Grade 2"
    G03 = "03", "Grade 3"
    G04 = "04", "Grade 4"
    G05 = "05", "Grade 5"
    G06 = "06", "Grade 6"
    G07 = "07", "Grade 7"
    G08 = "08", "Grade 8"
    G09 = "09", "Grade 9"
    G10 = "10", "Grade 10"
    G11 = "11", "Grade 11"
    G12 = "12", "Grade 12"
    G13 = "13", "Grade 13"
    PS = "PS", "Postsecondary"
    UG = "UG", "Ungraded"
    OTHER = "Other", "Other"


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


def _id_constraints(prefix: str) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(
            fields=["district", "external_id"], name=f"{prefix}_external_id_unique_in_district"
        ),
        models.UniqueConstraint(
            fields=["district", "alt_external_id"],
            name=f"{prefix}_alt_external_id_unique_in_district",
        ),
    ]


class Student(RosterRecord):
    # No index of its own: every index below but the username's starts with the district,
    # so any of them answers "the district's students", and a 10,000-student import or sync
    # keeps one index fewer up to date per row written or changed.
    district = models.ForeignKey(
        "rostering.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"org_type": "district"},
        db_index=False,
    )
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True, default="")
    # Unique ignoring case: username_constraint (rostering.usernames); the index student_username
    # serves exact lookups (search, the import's writer).
    username = models.CharField(
        max_length=150,
        help_text="Signs in to products, so unique across the whole platform, ignoring case.",
    )
    email = models.EmailField(blank=True, default="")
    password_encrypted = models.TextField(blank=True, default="", editable=False)
    external_id = models.CharField(
        "External Assigned ID",
        max_length=255,
        null=True,
        blank=True,
        help_text="The student ID in your SIS.",
    )
    alt_external_id = models.CharField(
        "Alt External Assigned ID", max_length=255, null=True, blank=True
    )
    grade = models.CharField(max_length=5, choices=Grade.choices, blank=True, default="")
    schools = models.ManyToManyField("rostering.Organization", related_name="students", blank=True)
    is_active = models.BooleanField("active", default=True)
    history = history()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [*_id_constraints("student"), username_constraint("student")]
        indexes = [
            # Not db_index=True: on PostgreSQL that adds a second index for case-sensitive
            # "starts with", which nothing asks, and every student written updates both.
            models.Index(fields=["username"], name="student_username"),
            models.Index(fields=["district", "sis_sourced_id"]),
            # Covers the Students list search, so SQLite scans the index, not the table; it
            # starts with the district and the names, so it also serves what a (district,
            # last_name, first_name) index would.
            models.Index(
                fields=[
                    "district",
                    "last_name",
                    "first_name",
                    "username",
                    "external_id",
                    "alt_external_id",
                ],
                name="student_search_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def known_as(self) -> str:
        """The name the student goes by: their preferred first name, when they have one,
        and last name (a login card's name: the card a child picks out is theirs)."""
        return f"{self.preferred_first_name or self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("rostering:student_detail", args=[self.pk])

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)


class Educator(RosterRecord):
    class EducatorType(models.TextChoices):
        TEACHER = "teacher", "Teacher"
        ADMINISTRATOR = "administrator", "Administrator"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True, default="")
    username = models.CharField(max_length=150, db_index=True)  # see Student.username
    email = models.EmailField(blank=True, default="")
    educator_type = models.CharField(
        max_length=20, choices=EducatorType.choices, default=EducatorType.TEACHER
    )
    external_id = models.CharField("External Assigned ID", max_length=255, null=True, blank=True)
    alt_external_id = models.CharField(
        "Alt External Assigned ID", max_length=255, null=True, blank=True
    )
    organizations = models.ManyToManyField(
        "rostering.Organization",
        related_name="educators",
        blank=True,
        help_text="Schools, or the district itself for a district-wide administrator.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="educator",
        help_text="The portal sign-in of this educator.",
    )
    is_active = models.BooleanField("active", default=True)
    history = history()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [*_id_constraints("educator"), username_constraint("educator")]
        indexes = [models.Index(fields=["district", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("rostering:educator_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
