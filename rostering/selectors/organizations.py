"""The organization tree a user sees on Management > Organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts import permissions
from accounts.roles import scope_for
from rostering.models import ClassGroup, Organization, Student


@dataclass
class OrgNode:
    org: Organization
    can_change: bool
    children: list[OrgNode] = field(default_factory=list)


def _count_of(queryset, column: str):
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def organization_tree(user) -> OrgNode | None:
    """The user's district at the root and, below it, every organization of the district the
    user may see (a school administrator's or teacher's own schools), each with its counts of
    students and classes/groups and whether the user may change it. None without a district.

    An organization whose parent the user cannot see hangs from the district, so nothing
    visible is left out.
    """
    district_id = scope_for(user).district_id
    if district_id is None:
        return None
    orgs = list(
        permissions.organizations_for(user)
        .filter(Q(pk=district_id) | Q(district_id=district_id))
        .annotate(
            student_count=_count_of(Student.schools.through.objects, "organization_id"),
            class_count=_count_of(ClassGroup.objects, "school_id"),
        )
        .order_by("name")
    )
    changeable = permissions.changeable_among(user, orgs)
    nodes = {org.pk: OrgNode(org=org, can_change=org.pk in changeable) for org in orgs}
    root = nodes.get(district_id)
    if root is None:
        return None
    for org in orgs:  # by name, so children come out sorted
        if org.pk != district_id:
            nodes.get(org.parent_id, root).children.append(nodes[org.pk])
    return root
