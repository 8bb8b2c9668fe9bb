"""Organizations: a district and the tree of schools below it (OneRoster org types)."""

from django.core.exceptions import ValidationError
from django.db import models

from .base import history


class OrganizationQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(org_type=Organization.OrgType.DISTRICT)

    def schools_of(self, district):
        return self.filter(district=district).order_by("name")

    def descendant_ids(self, ids) -> set[int]:
        """``ids`` and every organization below them, however deep the tree."""
        found = set(ids)
        frontier = set(ids)
        while frontier:
            frontier = set(self.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
            found |= frontier
        return found


class RosteringMethod(models.TextChoices):
    SELF_MANAGED = "self_managed", "Self-managed"
    ASSISTED = "assisted", "One-time assisted"
    AUTOMATED = "automated", "Automated"


class Organization(models.Model):
    """A district (the root, ``district`` empty) or an organization inside one."""

    class OrgType(models.TextChoices):
        DISTRICT = "district", "District"
        SCHOOL = "school", "School"
        DEPARTMENT = "department", "Department"
        LOCAL = "local", "Local"

    RosteringMethod = RosteringMethod

    name = models.CharField(max_length=200)
    org_type = models.CharField(max_length=20, choices=OrgType.choices, default=OrgType.SCHOOL)
    district = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The district this organization belongs to; empty for a district.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    slug = models.SlugField(max_length=60, unique=True, null=True, blank=True)
    external_id = models.CharField("External Assigned ID", max_length=255, null=True, blank=True)
    sis_sourced_id = models.CharField("SIS sourcedId", max_length=255, null=True, blank=True)
    origin = models.CharField(max_length=10, default="manual")
    rostering_method = models.CharField(
        max_length=20, choices=RosteringMethod.choices, blank=True, default=""
    )
    sso_enabled = models.BooleanField("single sign-on", default=False)
    # A district's: email its administrators (and support, for failures) when a sync fails or
    # is held or an import fails (rostering/alerts.py).
    email_alerts = models.BooleanField(
        "email alerts",
        default=True,
        help_text="Email the district's administrators when a sync fails or is held, or an "
        "import fails.",
    )
    # An inactive school leaves the pickers and takes no new students or classes/groups; its
    # records stay (services/orgs.py organization_set_active). A synced school's is the SIS's.
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A district's: bumped by every roster write, as it takes the district lock
    # (rostering/locks.py), so a result cached under it (the Students list's count) is never
    # read after a write. Never saved from a loaded row (save below leaves it out).
    roster_version = models.PositiveBigIntegerField(default=0, editable=False)
    history = history(excluded_fields=("roster_version",))

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(org_type="district", district__isnull=True))
                | (~models.Q(org_type="district") & models.Q(district__isnull=False)),
                name="org_district_iff_not_district",
            ),
            models.UniqueConstraint(
                fields=["district", "external_id"], name="org_external_id_unique_in_district"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A row loaded before a writer bumped roster_version must not write the old value back
        # (a version seen twice could serve a stale cached result).
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "roster_version"
            ]
        super().save(*args, **kwargs)

    @property
    def is_district(self) -> bool:
        return self.org_type == self.OrgType.DISTRICT

    @property
    def district_root(self) -> "Organization":
        return self if self.is_district else self.district

    @property
    def district_root_id(self) -> int:
        return self.pk if self.is_district else self.district_id

    def clean(self) -> None:
        if self.is_district:
            if self.parent_id or self.district_id:
                raise ValidationError("A district sits at the top of its tree.")
            if not self.slug:
                raise ValidationError({"slug": "A district needs a short name for its address."})
            return
        if self.parent_id and self.parent.district_root_id != self.district_id:
            raise ValidationError({"parent": "The parent must be in the same district."})
        if (
            self.parent_id
            and self.pk
            and self.parent_id in Organization.objects.descendant_ids({self.pk})
        ):
            raise ValidationError({"parent": "An organization cannot sit below itself."})
