"""The Classes/Groups list: formatting only (rows come from rostering.selectors.classes)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from rostering.models import ClassGroup

from .base import LockedNameColumn, SelectColumn

CSV_HEADER = [
    "Class/Group Name",
    "Organization",
    "External Assigned ID",
    "Origin",
    "Status",
    "Students",
    "Educators",
    "Product",
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


def csv_rows(class_groups: Iterable[ClassGroup]) -> Iterator[list]:
    """Rows matching CSV_HEADER (the import template's column names); products joined by ";"."""
    for cg in class_groups:
        yield [
            cg.name,
            cg.school.name,
            cg.external_id or "",
            cg.get_origin_display(),
            "Active" if cg.is_active else "Inactive",
            cg.student_count,
            cg.educator_count,
            "; ".join(_products(cg)),
        ]
