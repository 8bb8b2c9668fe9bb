"""Reads for the Classes/Groups pages, scoped through accounts.permissions.

Each function returns a queryset that already joins or prefetches what its page shows, so a
list runs the same number of queries whatever its page size.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts import permissions
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Origin,
    Product,
    Student,
)


def _count_of(model, field: str = "class_group") -> Coalesce:
    """A correlated COUNT subquery (no join fan-out when several counts are annotated)."""
    counted = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def class_group_list(user) -> QuerySet[ClassGroup]:
    """The classes/groups ``user`` may see, with school, member counts and products."""
    return (
        permissions.class_groups_for(user)
        .select_related("school")
        .annotate(
            student_count=_count_of(ClassStudent),
            educator_count=_count_of(ClassEducator),
        )
        .prefetch_related(
            Prefetch(
                "product_links",
                queryset=ClassProduct.objects.select_related("product").order_by("product__name"),
            )
        )
    )


def class_group_for_page(user, pk) -> ClassGroup:
    """One class/group ``user`` may see (404 otherwise), with its school."""
    return permissions.get_visible_or_404(user, ClassGroup, pk=pk)


def product_links_of(class_group: ClassGroup) -> QuerySet[ClassProduct]:
    return class_group.product_links.select_related("product").order_by("product__name")


def products_addable_to(class_group: ClassGroup) -> QuerySet[Product]:
    """Active products not yet linked to the class/group."""
    return Product.objects.filter(is_active=True).exclude(class_links__class_group=class_group)


def students_of(class_group: ClassGroup) -> QuerySet[ClassStudent]:
    return (
        ClassStudent.objects.filter(class_group=class_group)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__username")
    )


def educators_of(class_group: ClassGroup) -> QuerySet[ClassEducator]:
    return (
        ClassEducator.objects.filter(class_group=class_group)
        .select_related("educator")
        .order_by("educator__last_name", "educator__first_name")
    )


def students_addable_to(user, class_group: ClassGroup) -> QuerySet[Student]:
    """Active students of the class/group's school that ``user`` may see, not yet members.

    This is what the Students tab offers and also what its form accepts, so a student of
    another school or district posted by hand is refused as an invalid choice.
    """
    return (
        permissions.students_for(user)
        .filter(district_id=class_group.district_id, schools=class_group.school_id, is_active=True)
        .exclude(class_groups=class_group)
        .distinct()
    )


def educators_addable_to(user, class_group: ClassGroup) -> QuerySet[Educator]:
    """Active educators of the class/group's school that ``user`` may see, not yet in it."""
    return (
        permissions.educators_for(user)
        .filter(
            district_id=class_group.district_id,
            organizations=class_group.school_id,
            is_active=True,
        )
        .exclude(class_groups=class_group)
        .distinct()
    )


def login_card_students(class_group: ClassGroup) -> QuerySet[Student]:
    """The active students of a class/group, in the order a teacher hands out cards."""
    return (
        Student.objects.filter(class_groups=class_group, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def manual_classes_for_educator(user, educator: Educator) -> QuerySet[ClassGroup]:
    """Manual classes/groups an educator may be added to: in their schools, not yet theirs.

    Synced classes take their educators from the SIS only, so they are never offered.
    """
    org_ids = list(educator.organizations.values_list("pk", flat=True))
    qs = permissions.class_groups_for(user).filter(
        district_id=educator.district_id, origin=Origin.MANUAL, is_active=True
    )
    if educator.district_id not in org_ids:
        qs = qs.filter(school_id__in=org_ids)
    return qs.exclude(educators=educator).select_related("school").order_by("name")
