"""What a signed-in user is: the one place that turns a User into a role and a scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import cached_property


class Role(StrEnum):
    SUPPORT = "support"
    DISTRICT_ADMIN = "district_admin"
    SCHOOL_ADMIN = "school_admin"
    TEACHER = "teacher"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            "support": "Support staff",
            "district_admin": "District administrator",
            "school_admin": "School administrator",
            "teacher": "Teacher",
            "none": "No access",
        }[self.value]


@dataclass
class Scope:
    """The organizations a user acts in. ``district_id`` is None for support staff."""

    role: Role
    district_id: int | None = None
    school_ids: frozenset[int] = field(default_factory=frozenset)
    educator_id: int | None = None
    # The district's roster_version when the scope was read (rostering/locks.py bumps it on
    # every roster write): a key for results cached until the next write.
    roster_version: int | None = None

    @property
    def is_support(self) -> bool:
        return self.role is Role.SUPPORT

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.SUPPORT, Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN)

    @property
    def is_district_wide(self) -> bool:
        return self.role in (Role.SUPPORT, Role.DISTRICT_ADMIN)

    def covers_district(self, district_id: int | None) -> bool:
        return self.is_support or (self.district_id is not None and district_id == self.district_id)

    def covers_schools(self, school_ids) -> bool:
        """True when any of ``school_ids`` is in scope (a grant on a district covers its schools)."""
        if self.is_district_wide:
            return True
        return bool(self.school_ids.intersection(school_ids))


NO_SCOPE = Scope(role=Role.NONE)


def scope_for(user) -> Scope:
    """The role and scope of ``user``; cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_homeroom_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._homeroom_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    """One query for the educator, their district's roster_version and their organizations
    (a row each, whether one has organizations below it); organizations below those (deeper
    trees) and a district-wide teacher's schools cost one more."""
    if user.is_support or user.is_superuser:
        return Scope(role=Role.SUPPORT)
    from django.db.models import Exists, OuterRef

    from rostering.models import Educator, Organization

    rows = list(
        Educator.objects.filter(user=user, is_active=True)
        .annotate(
            org_has_children=Exists(
                Organization.objects.filter(parent_id=OuterRef("organizations__pk"))
            )
        )
        .values_list(
            "pk",
            "district_id",
            "educator_type",
            "district__roster_version",
            "organizations__pk",
            "organizations__org_type",
            "org_has_children",
        )
        .order_by()
    )
    if not rows:
        return NO_SCOPE
    educator_id, district_id, educator_type, roster_version = rows[0][:4]
    orgs = [(pk, org_type, below) for *_, pk, org_type, below in rows if pk is not None]
    district_wide = any(org_type == Organization.OrgType.DISTRICT for _, org_type, _ in orgs)
    schools = [(pk, below) for pk, kind, below in orgs if kind != Organization.OrgType.DISTRICT]
    school_ids = frozenset(pk for pk, _ in schools)
    if any(below for _, below in schools):
        # Schools below a school (deeper trees) are covered by a grant on their parent.
        school_ids = frozenset(Organization.objects.descendant_ids(school_ids))
    if educator_type == Educator.EducatorType.ADMINISTRATOR:
        role = Role.DISTRICT_ADMIN if district_wide else Role.SCHOOL_ADMIN
    else:
        role = Role.TEACHER
        if district_wide:
            school_ids = frozenset(
                Organization.objects.filter(district_id=district_id).values_list("pk", flat=True)
            )
    return Scope(
        role=role,
        district_id=district_id,
        school_ids=school_ids,
        educator_id=educator_id,
        roster_version=roster_version,
    )


class ScopedUserMixin:
    @cached_property
    def scope(self) -> Scope:
        return scope_for(self.request.user)
