"""The Students list table and its CSV export columns. Tables only format."""

from __future__ import annotations

from collections.abc import Iterator

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from rostering import registry
from rostering.list_exports import registry_rows
from rostering.models import Student
from rostering.selectors import students as selectors

from .base import LockedNameColumn, QuickRowsMixin, RecordUrls, SelectColumn


def _wide(breakpoint: str) -> dict:
    """Column attrs that hide it below ``breakpoint``."""
    hidden = {"class": f"d-none d-{breakpoint}-table-cell"}
    return {"th": hidden, "td": hidden}


class StudentNameColumn(LockedNameColumn):
    """ "Last, First", linked, with the lock of a synced student; "Jones, Mary (MJ)" for a
    student who goes by a preferred first name."""

    def render(self, record, table):
        name = f"{record.last_name}, {record.first_name}"
        preferred = record.preferred_first_name
        if preferred and preferred != record.first_name:
            name = f"{name} ({preferred})"
        return self.linked_name(name, record, table.student_url(record.pk))


# What a row shows (the list reads only these; schools come in the selector's prefetch).
ROW_FIELDS = ("pk", "district_id", "first_name", "last_name", "username", "external_id", "grade")
ROW_FIELDS += ("is_active", "origin", "preferred_first_name")


class StudentTable(QuickRowsMixin, tables.Table):
    select = SelectColumn(field="student", page_label="Choose every student on this page")
    name = StudentNameColumn(
        accessor="last_name",
        verbose_name="Name",
        order_by=("last_name", "first_name", "username"),
    )
    # On a phone the name, grade and status stay; the rest shows from wider screens up.
    username = tables.Column(order_by=("username",), attrs=_wide("md"))
    external_id = tables.Column(
        verbose_name="Student ID", order_by=("external_id",), attrs=_wide("lg")
    )
    grade = tables.Column(
        order_by=("grade", "last_name", "first_name"), attrs={"td": {"class": "text-nowrap"}}
    )
    schools = tables.Column(
        verbose_name="School", orderable=False, empty_values=(), attrs=_wide("sm")
    )
    is_active = tables.Column(
        verbose_name="Status", order_by=("-is_active", "last_name", "first_name")
    )

    class Meta:
        model = Student
        fields = ("select", "name", "username", "external_id", "grade", "schools", "is_active")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "student-table"}
        empty_text = "No students match. Clear the search or filters to see every student."
        per_page = 25

    @classmethod
    def for_page(cls, students: QuerySet[Student], **kwargs) -> StudentTable:
        """The table of ``students``, reading only the fields a row shows; their schools come
        in one query of the page's names (school_names), not a prefetch of models."""
        return cls(students.prefetch_related(None).only(*ROW_FIELDS), **kwargs)

    @cached_property
    def school_names(self) -> dict[int, list[str]]:
        return selectors.school_names(row.record.pk for row in self.paginated_rows)

    @cached_property
    def student_url(self) -> RecordUrls:
        return RecordUrls(Student)

    def render_schools(self, record):
        return ", ".join(self.school_names.get(record.pk, ())) or "—"

    def render_is_active(self, value):
        if value:
            return mark_safe('<span class="badge text-bg-success">Active</span>')
        return mark_safe('<span class="badge text-bg-secondary">Inactive</span>')


# The registry's listed fields (rostering.registry), then status and origin.
EXPORT_HEADER = [f.column for f in registry.STUDENT.listed_fields] + ["Status", "Origin"]


def export_rows(students: QuerySet[Student]) -> Iterator[list]:
    """Rows matching EXPORT_HEADER in the list's order, from a fixed number of queries."""
    return registry_rows(
        students,
        registry.STUDENT.listed_fields,
        order=("last_name", "first_name", "username", "pk"),
        extra=(("is_active", lambda a: "active" if a else "inactive"), ("origin", str)),
    )
