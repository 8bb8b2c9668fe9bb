"""The Classes/Groups list: formatting only (rows come from rostering.selectors.classes)."""

from __future__ import annotations

from collections.abc import Iterator

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join

from rostering import registry
from rostering.list_exports import choice_labels, names_by_owner
from rostering.models import ClassGroup, ClassProduct

from .base import LockedNameColumn, SelectColumn

# The registry's template columns (so the file reads back into the Classes/Groups import),
# with the list's own counts: Students and Educators here are how many, not who.
CSV_HEADER = [
    *(registry.CLASS_GROUP[name].column for name in ("name", "school", "external_id")),
    "Origin",
    "Status",
    "Students",
    "Educators",
    registry.CLASS_GROUP["products"].column,
]


def _products(record: ClassGroup) -> list[str]:
    # product_links is prefetched by the selector; .all() reuses the prefetch.
    return [link.product.name for link in record.product_links.all()]


def _status_badge(active: bool) -> str:
    if active:
        return format_html('<span class="badge text-bg-success">{}</span>', "Active")
    return format_html('<span class="badge text-bg-secondary">{}</span>', "Inactive")


class ClassGroupTable(tables.Table):
    select = SelectColumn(field="class_group", page_label="Choose every class/group on this page")
    name = LockedNameColumn(verbose_name="Class/Group name")
    school = tables.Column(verbose_name="School", order_by=("school__name",))
    external_id = tables.Column(verbose_name="External Assigned ID", empty_values=(None, ""))
    student_count = tables.Column(verbose_name="Students", attrs={"td": {"class": "text-end"}})
    educator_count = tables.Column(verbose_name="Educators", attrs={"td": {"class": "text-end"}})
    products = tables.Column(verbose_name="Products", empty_values=(), orderable=False)
    is_active = tables.Column(verbose_name="Status")

    class Meta:
        model = ClassGroup
        fields = ()
        sequence = (
            "select",
            "name",
            "school",
            "external_id",
            "student_count",
            "educator_count",
            "products",
            "is_active",
        )
        order_by = ("name",)
        attrs = {"class": "table table-hover align-middle mb-0"}
        empty_text = "No classes/groups match."

    def render_products(self, record: ClassGroup) -> str:
        names = _products(record)
        if not names:
            return format_html('<span class="text-body-secondary">{}</span>', "None")
        return format_html_join(
            " ", '<span class="badge text-bg-light border">{}</span>', ((n,) for n in names)
        )

    def render_is_active(self, value: bool) -> str:
        return _status_badge(value)


def csv_rows(class_groups: QuerySet[ClassGroup]) -> Iterator[list]:
    """Rows matching CSV_HEADER (the import template's column names); products joined by ";".
    Two queries, however many classes/groups: their products, then the rows as values."""
    records = class_groups.prefetch_related(None).select_related(None)
    products = names_by_owner(
        ClassProduct.objects.filter(class_group__in=records.order_by().values("pk")),
        "class_group",
        "product__name",
    )
    origins = choice_labels(ClassGroup, "origin")
    rows = records.order_by("name", "pk").values_list(
        "pk",
        "name",
        "school__name",
        "external_id",
        "origin",
        "is_active",
        "student_count",
        "educator_count",
    )
    for pk, name, school, external_id, origin, active, students, educators in rows.iterator(
        chunk_size=2000
    ):
        yield [
            name,
            school,
            external_id or "",
            origins.get(origin, origin),
            "Active" if active else "Inactive",
            students,
            educators,
            products.get(pk, ""),
        ]
