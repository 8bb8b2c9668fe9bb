"""The Students list table and its CSV export columns. Tables only format."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from rostering.models import Student

from .base import LockedNameColumn


def _wide(breakpoint: str) -> dict:
    """Column attrs that hide it below ``breakpoint``."""
    hidden = {"class": f"d-none d-{breakpoint}-table-cell"}
    return {"th": hidden, "td": hidden}


class StudentNameColumn(LockedNameColumn):
    """ "Last, First", linked, with the lock of a synced student."""

    def render(self, value, record):
        return super().render(f"{record.last_name}, {record.first_name}", record)


class SelectColumn(tables.Column):
    """A checkbox per row for the list's bulk actions, named for screen readers; the heading's
    box chooses every row of the page (static/js/bulk-select.js)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("attrs", {"th": {"class": "bulk-select"}, "td": {"class": "bulk-select"}})
        super().__init__(accessor="pk", orderable=False, empty_values=(), **kwargs)

    @property
    def header(self):
        return mark_safe(
            '<input class="form-check-input" type="checkbox" data-select-page '
            'aria-label="Choose every student on this page">'
        )

    def render(self, value, record):
        return format_html(
            '<input class="form-check-input" type="checkbox" name="student" value="{}" '
            'aria-label="Choose {}" data-select-row>',
            value,
            record.full_name,
        )


class StudentTable(tables.Table):
    select = SelectColumn()
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

    def render_grade(self, record):
        return record.get_grade_display()

    def render_schools(self, record):
        # record.schools.all() reads the list page's prefetch: no query per row.
        return ", ".join(school.name for school in record.schools.all()) or "—"

    def render_is_active(self, value):
        if value:
            return mark_safe('<span class="badge text-bg-success">Active</span>')
        return mark_safe('<span class="badge text-bg-secondary">Inactive</span>')


EXPORT_HEADER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Username",
    "External Assigned ID",
    "Alt External Assigned ID",
    "Grade",
    "Email",
    "Organizations",
    "Status",
    "Origin",
]


def export_rows(students: Iterable[Student]) -> Iterator[list]:
    for s in students:
        yield [
            s.first_name,
            s.middle_name,
            s.last_name,
            s.username,
            s.external_id or "",
            s.alt_external_id or "",
            s.grade,
            s.email,
            ";".join(school.name for school in s.schools.all()),
            "active" if s.is_active else "inactive",
            s.origin,
        ]
