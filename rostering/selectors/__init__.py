"""Reads shared by pages: counts and summaries, scoped through accounts.permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from accounts import permissions
from accounts.roles import scope_for
from rostering.models import Organization


@dataclass(frozen=True)
class RosterCounts:
    students: int
    active_students: int
    synced_students: int
    class_groups: int
    educators: int
    schools: int


def roster_counts(user) -> RosterCounts:
    """Counts of what ``user`` can see (four queries, whatever the district's size)."""
    students = permissions.students_for(user).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        synced=Count("pk", filter=Q(origin="synced")),
    )
    return RosterCounts(
        students=students["total"],
        active_students=students["active"],
        synced_students=students["synced"],
        class_groups=permissions.class_groups_for(user).count(),
        educators=permissions.educators_for(user).count(),
        schools=permissions.schools_for(user).count(),
    )


def district_of(user) -> Organization | None:
    scope = scope_for(user)
    if scope.district_id is None:
        return None
    return Organization.objects.get(pk=scope.district_id)


def districts_overview():
    """Every district with its counts, for support staff's home page."""
    return Organization.objects.districts().order_by("name")
