"""Reads for the Students pages, scoped through accounts.permissions.

Lists run a fixed number of queries whatever the page size: schools come in one prefetch,
and filters use subqueries on the membership table (never joins), so counts stay plain
``COUNT(*)`` without DISTINCT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts import permissions
from rostering.models import (
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Organization,
    Origin,
    Product,
    ProductSetting,
    Student,
    StudentProduct,
    StudentProductSetting,
)

SCHOOLS_PREFETCH = Prefetch("schools", queryset=Organization.objects.only("pk", "name"))


def student_list(user) -> QuerySet[Student]:
    """The students ``user`` may see, ready for a list page (schools prefetched)."""
    return permissions.students_for(user).prefetch_related(SCHOOLS_PREFETCH)


def school_names(student_ids) -> dict[int, list[str]]:
    """The names of each student's schools, by name: one query of (student, name) pairs, no
    model instance or related manager per school (what a list page's row shows)."""
    names: dict[int, list[str]] = {}
    pairs = (
        Student.schools.through.objects.filter(student_id__in=list(student_ids))
        .order_by("organization__name", "organization_id")
        .values_list("student_id", "organization__name")
    )
    for student_id, name in pairs:
        names.setdefault(student_id, []).append(name)
    return names


def student_get(user, pk) -> Student:
    """One student ``user`` may see, else 404."""
    return permissions.get_visible_or_404(user, Student, pk=pk)


def student_get_changeable(user, pk) -> Student:
    """One student ``user`` may change: 404 when invisible, 403 when visible only."""
    return permissions.get_changeable_or_403(user, Student, pk=pk)


def in_school(qs: QuerySet[Student], school_id: int) -> QuerySet[Student]:
    """Students attached to ``school_id`` (a subquery, so rows never repeat)."""
    through = Student.schools.through
    return qs.filter(pk__in=through.objects.filter(organization_id=school_id).values("student_id"))


def manual_class_groups_for(user) -> QuerySet[ClassGroup]:
    """Manual, active classes/groups in ``user``'s scope: the only ones offered for membership."""
    return (
        permissions.class_groups_for(user)
        .filter(origin=Origin.MANUAL, is_active=True)
        .select_related("school")
        .order_by("school__name", "name")
    )


def student_school_ids(student: Student) -> list[int]:
    return list(student.schools.values_list("pk", flat=True))


@dataclass
class StudentClasses:
    manual: list[ClassStudent]
    synced_count: int
    offered: list[ClassGroup]


def student_classes(user, student: Student) -> StudentClasses:
    """The student's manual classes/groups (in scope) and the manual ones that can be added."""
    visible = permissions.class_groups_for(user)
    memberships = list(
        ClassStudent.objects.filter(student=student, class_group__in=visible)
        .select_related("class_group__school")
        .order_by("class_group__name")
    )
    manual = [m for m in memberships if m.class_group.origin == Origin.MANUAL]
    current = {m.class_group_id for m in memberships}
    offered = [
        c
        for c in manual_class_groups_for(user).filter(school_id__in=student_school_ids(student))
        if c.pk not in current
    ]
    return StudentClasses(
        manual=manual, synced_count=len(memberships) - len(manual), offered=offered
    )


@dataclass
class ProductAccess:
    product: Product
    link: StudentProduct | None = None  # direct access, with its origin
    through_classes: list[ClassGroup] = field(default_factory=list)


def student_products(student: Student) -> list[ProductAccess]:
    """Every product the student has, directly (with the link's origin) or through classes."""
    access: dict[int, ProductAccess] = {}
    for link in StudentProduct.objects.filter(student=student).select_related("product"):
        access[link.product_id] = ProductAccess(product=link.product, link=link)
    class_links = ClassProduct.objects.filter(
        class_group__in=ClassStudent.objects.filter(student=student).values("class_group_id")
    ).select_related("product", "class_group")
    for link in class_links:
        entry = access.setdefault(link.product_id, ProductAccess(product=link.product))
        entry.through_classes.append(link.class_group)
    return sorted(access.values(), key=lambda a: a.product.name)


def products_to_add(student: Student) -> QuerySet[Product]:
    linked = StudentProduct.objects.filter(student=student).values("product_id")
    return Product.objects.filter(is_active=True).exclude(pk__in=linked).order_by("name")


@dataclass
class SettingRow:
    setting: ProductSetting
    value: StudentProductSetting | None

    @property
    def current(self) -> str:
        return self.value.value if self.value else self.setting.default

    @property
    def is_synced(self) -> bool:
        return bool(self.value and self.value.origin == Origin.SYNCED)

    @property
    def sis_value(self) -> str | None:
        """What the SIS last sent for this setting (None when it never sent one)."""
        return self.value.sis_value if self.is_synced else None


def student_setting_rows(student: Student) -> list[SettingRow]:
    """Each setting of each product the student has (directly or through a class)."""
    product_ids = {a.product.pk for a in student_products(student)}
    settings = ProductSetting.objects.filter(product_id__in=product_ids).select_related("product")
    values = {v.setting_id: v for v in StudentProductSetting.objects.filter(student=student)}
    return [SettingRow(setting=s, value=values.get(s.pk)) for s in settings]
