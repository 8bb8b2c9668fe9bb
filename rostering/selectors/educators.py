"""Reads for the Educators pages, scoped through accounts.permissions."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts import permissions
from rostering.models import ClassEducator, Educator, Organization


def educator_list(user) -> QuerySet[Educator]:
    """The educators ``user`` may see, with their organizations (one extra query per page)."""
    return permissions.educators_for(user).prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.order_by("name"))
    )


def educator_for_page(user, pk) -> Educator:
    return permissions.get_visible_or_404(user, Educator, pk=pk)


def classes_of_educator(user, educator: Educator) -> QuerySet[ClassEducator]:
    """The educator's class/group memberships that ``user`` may see."""
    return (
        ClassEducator.objects.filter(
            educator=educator, class_group__in=permissions.class_groups_for(user)
        )
        .select_related("class_group", "class_group__school")
        .order_by("class_group__name")
    )


def organizations_offered(user, *, inactive: bool = False) -> QuerySet[Organization]:
    """Organizations an administrator may give an educator: the district itself only for
    district-wide administrators (a school administrator manages their schools' staff)."""
    from accounts.roles import scope_for

    if scope_for(user).is_district_wide:
        orgs = permissions.organizations_for(user)
        return (orgs if inactive else orgs.filter(is_active=True)).order_by("org_type", "name")
    return permissions.schools_for(user, inactive=inactive).order_by("name")
