"""The Educators list: formatting only (rows come from rostering.selectors.educators)."""

from __future__ import annotations

from collections.abc import Iterator

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html

from rostering import registry
from rostering.list_exports import choice_labels, registry_rows
from rostering.models import Educator

from .base import LockedNameColumn
from .classes import _status_badge

# The registry's listed fields (rostering.registry), then where each record comes from.
CSV_HEADER = [f.column for f in registry.EDUCATOR.listed_fields] + ["Origin", "Status"]


def _organizations(record: Educator) -> list[str]:
    return [org.name for org in record.organizations.all()]  # prefetched by the selector


class EducatorTable(tables.Table):
    name = LockedNameColumn(
        accessor="full_name", verbose_name="Name", order_by=("last_name", "first_name")
    )
    username = tables.Column()
    educator_type = tables.Column(verbose_name="Type")
    organizations = tables.Column(verbose_name="Organizations", empty_values=(), orderable=False)
    external_id = tables.Column(verbose_name="External Assigned ID", empty_values=(None, ""))
    is_active = tables.Column(verbose_name="Status")

    class Meta:
        model = Educator
        fields = ()
        sequence = (
            "name",
            "username",
            "educator_type",
            "organizations",
            "external_id",
            "is_active",
        )
        order_by = ("name",)
        attrs = {"class": "table table-hover align-middle mb-0"}
        empty_text = "No educators match."

    def render_organizations(self, record: Educator) -> str:
        return ", ".join(_organizations(record)) or "—"

    def render_is_active(self, value: bool) -> str:
        return _status_badge(value)

    def render_educator_type(self, record: Educator) -> str:
        return format_html("{}", record.get_educator_type_display())


def csv_rows(educators: QuerySet[Educator]) -> Iterator[list]:
    """Rows matching CSV_HEADER; several organizations joined by ";" as in the import template.
    A fixed number of queries, however many educators."""
    origins = choice_labels(Educator, "origin")
    return registry_rows(
        educators,
        registry.EDUCATOR.listed_fields,
        order=("last_name", "first_name", "pk"),
        extra=(
            ("origin", lambda o: origins.get(o, o)),
            ("is_active", lambda a: "Active" if a else "Inactive"),
        ),
    )
