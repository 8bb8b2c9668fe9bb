"""The permission chokepoint: which records a user may see, and what they may do to them.

Views, services, imports and the admin ask here; nothing else decides. Records outside the
user's organizations are invisible (views answer 404); records a user can see but not
change are refused with 403.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .roles import Role, Scope, scope_for


class Feature(StrEnum):
    """Things a role may do that are not about one record."""

    VIEW_EDUCATORS = "view_educators"
    MANAGE_EDUCATORS = "manage_educators"
    MANAGE_ORGANIZATION = "manage_organization"
    MANAGE_ROSTERING_METHOD = "manage_rostering_method"
    MANAGE_SYNC = "manage_sync"
    MANAGE_SINGLE_SIGN_ON = "manage_single_sign_on"
    IMPORT_STUDENTS = "import_students"
    IMPORT_CLASSES = "import_classes"
    IMPORT_EDUCATORS = "import_educators"
    IMPORT_ORGANIZATIONS = "import_organizations"
    BULK_CREATE_STUDENTS = "bulk_create_students"
    SUBMIT_ASSISTED = "submit_assisted"
    USE_ADMIN = "use_admin"
    MANAGE_ALERTS = "manage_alerts"  # the district's email alerts on or off


_FEATURES: dict[Role, frozenset[Feature]] = {
    Role.SUPPORT: frozenset(Feature),
    Role.DISTRICT_ADMIN: frozenset(Feature) - {Feature.USE_ADMIN},
    Role.SCHOOL_ADMIN: frozenset(
        {
            Feature.VIEW_EDUCATORS,
            Feature.MANAGE_EDUCATORS,
            Feature.MANAGE_ORGANIZATION,
            Feature.IMPORT_STUDENTS,
            Feature.IMPORT_CLASSES,
            Feature.IMPORT_EDUCATORS,
            Feature.BULK_CREATE_STUDENTS,
        }
    ),
    Role.TEACHER: frozenset({Feature.IMPORT_STUDENTS, Feature.IMPORT_CLASSES}),
    Role.NONE: frozenset(),
}


def has_feature(user, feature: Feature | str) -> bool:
    return Feature(feature) in _FEATURES[scope_for(user).role]


def require_feature(user, feature: Feature | str) -> None:
    if not has_feature(user, feature):
        raise PermissionDenied("Your role does not allow this.")


def may_manage_class_educators(user) -> bool:
    """Adding and removing a class/group's educators is for administrators (and support);
    teachers see who teaches a class but do not change it (a teacher who creates a class
    becomes one of its educators, through the service)."""
    return has_feature(user, Feature.MANAGE_EDUCATORS)


def require_manage_class_educators(user) -> None:
    if not may_manage_class_educators(user):
        raise PermissionDenied("Adding and removing a class/group's educators is for administrators.")


# ---- querysets of what a user may see -------------------------------------------------------


def _models():
    from rostering import models

    return models


def organizations_for(user) -> QuerySet:
    m = _models()
    scope = scope_for(user)
    qs = m.Organization.objects.all()
    if scope.is_support:
        return qs
    if scope.district_id is None:
        return qs.none()
    in_district = Q(pk=scope.district_id) | Q(district_id=scope.district_id)
    if scope.is_district_wide:
        return qs.filter(in_district)
    return qs.filter(Q(pk=scope.district_id) | Q(pk__in=scope.school_ids))


def schools_for(user, *, inactive: bool = False) -> QuerySet:
    """Organizations (not districts) a user acts in: what a school picker offers. Inactive
    schools are left out (nothing new goes there) unless ``inactive`` (a list's filter: their
    records stay visible)."""
    schools = organizations_for(user).exclude(org_type="district")
    return schools if inactive else schools.filter(is_active=True)


def _district_filter(qs: QuerySet, scope: Scope) -> QuerySet:
    if scope.is_support:
        return qs
    if scope.district_id is None:
        return qs.none()
    return qs.filter(district_id=scope.district_id)


def students_for(user) -> QuerySet:
    m = _models()
    scope = scope_for(user)
    qs = _district_filter(m.Student.objects.all(), scope)
    if scope.is_district_wide or scope.district_id is None:
        return qs
    through = m.Student.schools.through
    return qs.filter(
        Exists(
            through.objects.filter(student_id=OuterRef("pk"), organization_id__in=scope.school_ids)
        )
    )


def educators_for(user) -> QuerySet:
    m = _models()
    scope = scope_for(user)
    qs = _district_filter(m.Educator.objects.all(), scope)
    if scope.is_district_wide or scope.district_id is None:
        return qs
    through = m.Educator.organizations.through
    return qs.filter(
        Exists(
            through.objects.filter(educator_id=OuterRef("pk"), organization_id__in=scope.school_ids)
        )
    )


def class_groups_for(user) -> QuerySet:
    m = _models()
    scope = scope_for(user)
    qs = _district_filter(m.ClassGroup.objects.all(), scope)
    if scope.is_district_wide or scope.district_id is None:
        return qs
    return qs.filter(school_id__in=scope.school_ids)


def visible_queryset(user, model) -> QuerySet:
    m = _models()
    return {
        m.Student: students_for,
        m.Educator: educators_for,
        m.ClassGroup: class_groups_for,
        m.Organization: organizations_for,
    }[model](user)


# ---- one record ------------------------------------------------------------------------------


def can_view(user, record) -> bool:
    return visible_queryset(user, type(record)).filter(pk=record.pk).exists()


def can_change(user, record) -> bool:
    """May ``user`` change ``record``? (Field ownership is a separate question: ownership.py.)"""
    return (
        scope_for(user).role is not Role.NONE
        and can_view(user, record)
        and can_change_seen(user, record)
    )


def can_change_seen(user, record) -> bool:
    """``can_change`` of a ``record`` just read from ``visible_queryset(user, ...)`` (so its
    visibility is known, not asked again in a query)."""
    m = _models()
    scope = scope_for(user)
    if scope.role is Role.NONE:
        return False
    if scope.is_district_wide:
        return True
    if isinstance(record, (m.Student, m.ClassGroup)):
        return True  # teachers and school admins roster students and classes in their schools
    if isinstance(record, m.Educator):
        if scope.role is not Role.SCHOOL_ADMIN:
            return False
        org_ids = {org.pk for org in record.organizations.all()}
        # A school administrator manages the educators of their schools, not district staff.
        return bool(org_ids) and org_ids <= set(scope.school_ids)
    if isinstance(record, m.Organization):
        return _may_change_organization(scope, record.pk)
    return False


def changeable_ids(user, model, pks) -> set[int]:
    """Of ``pks`` (students, classes/groups, educators or organizations), those ``user`` may
    change: ``can_change`` for many records in one query (a bulk action's). Anyone with a role
    changes the students and classes/groups they see; educators and organizations as
    ``can_change_seen`` says."""
    m = _models()
    if model not in (m.Student, m.ClassGroup, m.Educator, m.Organization):
        raise TypeError(f"changeable_ids answers for roster records, not {model}")
    scope = scope_for(user)
    if scope.role is Role.NONE:
        return set()
    seen = visible_queryset(user, model).filter(pk__in=list(pks))
    if model is m.Organization:
        return changeable_among(user, seen.only("pk"))
    if model is m.Educator and not scope.is_district_wide:
        if scope.role is not Role.SCHOOL_ADMIN:
            return set()
        # The educators of the administrator's schools only, as can_change_seen says.
        elsewhere = m.Organization.objects.exclude(pk__in=list(scope.school_ids))
        seen = seen.filter(organizations__isnull=False).exclude(organizations__in=elsewhere)
    return set(seen.values_list("pk", flat=True))


def _may_change_organization(scope: Scope, org_id: int) -> bool:
    """For an organization the user can see: district staff change all, a school
    administrator their schools, teachers none."""
    if scope.is_district_wide:
        return True
    return scope.role is Role.SCHOOL_ADMIN and org_id in scope.school_ids


def changeable_among(user, organizations) -> set[int]:
    """The pks of ``organizations`` (ones ``user`` can see) that ``user`` may change, without
    a query per organization (the organization tree asks this of a whole district)."""
    scope = scope_for(user)
    if scope.role is Role.NONE:
        return set()
    return {org.pk for org in organizations if _may_change_organization(scope, org.pk)}


def can_create_in(user, *, district_id: int, school_ids=()) -> bool:
    """May ``user`` create a record in this district, attached to these schools?"""
    scope = scope_for(user)
    if scope.role is Role.NONE or not scope.covers_district(district_id):
        return False
    if scope.is_district_wide:
        return True
    return bool(school_ids) and set(school_ids) <= set(scope.school_ids)


def get_visible_or_404(user, model, **lookup):
    """The record if ``user`` may see it, else 404 (whether or not it exists)."""
    try:
        return visible_queryset(user, model).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record in your organizations.") from None


def get_changeable_or_403(user, model, **lookup):
    """404 when not visible, 403 when visible but not changeable."""
    record = get_visible_or_404(user, model, **lookup)
    if not can_change_seen(user, record):  # visible: read from the visible queryset
        raise PermissionDenied(NOT_CHANGEABLE)
    return record


NOT_CHANGEABLE = "You can see this record but not change it."


def require_change(user, record) -> None:
    if not can_change(user, record):
        raise PermissionDenied(NOT_CHANGEABLE)


def require_create_in(user, *, district_id: int, school_ids=()) -> None:
    if not can_create_in(user, district_id=district_id, school_ids=school_ids):
        raise PermissionDenied("You cannot add records there.")


# ---- links outside the user's schools ------------------------------------------------------
# A teacher's (or school administrator's) scope applies to removals as well as additions: a
# student's school, or a class/group membership, at a school outside the user's schools is
# kept untouched by every manual channel (form, import, admin). Asked once per batch.


def outside_your_schools(name: str) -> str:
    """How a form shows a school it keeps read-only, and an import's note names it."""
    return f"{name}: outside your schools"


def removal_refused(what: str, name: str) -> str:
    """The sentence a hand-posted removal of an out-of-scope link gets, on every channel."""
    return (
        f"{outside_your_schools(name)}. Only its staff or a district administrator can take "
        f"{what} out of it; it was kept."
    )


class SchoolReach:
    """The schools of one district whose links a user may add and remove (one per batch:
    no query, the user's scope is cached)."""

    def __init__(self, user, district_id: int, *, trusted: bool = False):
        scope = scope_for(user)
        self.everywhere = trusted or (scope.covers_district(district_id) and scope.is_district_wide)
        covered = scope.covers_district(district_id)
        self.school_ids = frozenset(scope.school_ids) if covered else frozenset()

    def covers(self, school_id: int) -> bool:
        return self.everywhere or school_id in self.school_ids

    def outside(self, school_ids) -> set[int]:
        """Those of ``school_ids`` the user may not touch."""
        if self.everywhere:
            return set()
        return {pk for pk in school_ids if pk not in self.school_ids}


def school_reach(user, *, district_id: int, trusted: bool = False) -> SchoolReach:
    """What ``user`` may touch in ``district_id``; ``trusted`` for the sync and the system
    (no portal user), which reach every school."""
    return SchoolReach(user, district_id, trusted=trusted)
