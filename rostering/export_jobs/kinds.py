"""The whole-list exports the portal offers, in one place: for each, the file name, the header,
the records a user may see under the list's search and filters, and their rows.

The list pages' Export CSV and the background job (rostering.export_jobs.jobs) both read
these, so a file written later by a worker holds what the page would have streamed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict

from accounts import permissions
from accounts.permissions import Feature
from accounts.roles import Role, scope_for
from rostering.filters.classes import ClassGroupFilter
from rostering.filters.educators import EducatorFilter
from rostering.filters.students import StudentFilter
from rostering.selectors import classes as class_selectors
from rostering.selectors import educators as educator_selectors
from rostering.selectors import students as student_selectors
from rostering.tables import classes as class_tables
from rostering.tables import educators as educator_tables
from rostering.tables import students as student_tables


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: str  # what the job page calls it: "Students"
    file_name: str
    header: list[str]
    records: Callable[[object, QueryDict], QuerySet]  # (user, the list's query) -> records
    rows: Callable[[QuerySet], Iterator[list]]
    list_url: str  # the list page's URL name, for the way back


def _students(user, params: QueryDict) -> QuerySet:
    if scope_for(user).role is Role.NONE:
        raise PermissionDenied("Your account has no role in a district.")
    found = StudentFilter(
        params or None,
        queryset=student_selectors.student_list(user),
        request=SimpleNamespace(user=user),  # the filter reads only the user's scope
    )
    return found.filter_qs()


def _valid_or_none(filterset) -> QuerySet:
    """As the list page: no filters is every record, an invalid filter none."""
    if not filterset.is_bound or filterset.is_valid():
        return filterset.qs
    return filterset.queryset.none()


def _educators(user, params: QueryDict) -> QuerySet:
    permissions.require_feature(user, Feature.VIEW_EDUCATORS)
    queryset = educator_selectors.educator_list(user)
    return _valid_or_none(EducatorFilter(params or None, queryset=queryset, user=user))


def _class_groups(user, params: QueryDict) -> QuerySet:
    queryset = class_selectors.class_group_list(user)
    return _valid_or_none(ClassGroupFilter(params or None, queryset=queryset, user=user))


KINDS = {
    kind.name: kind
    for kind in (
        ExportKind(
            name="students",
            label="Students",
            file_name="students.csv",
            header=student_tables.EXPORT_HEADER,
            records=_students,
            rows=student_tables.export_rows,
            list_url="rostering:student_list",
        ),
        ExportKind(
            name="educators",
            label="Educators",
            file_name="educators.csv",
            header=educator_tables.CSV_HEADER,
            records=_educators,
            rows=educator_tables.csv_rows,
            list_url="rostering:educator_list",
        ),
        ExportKind(
            name="classes",
            label="Classes/Groups",
            file_name="classes-groups.csv",
            header=class_tables.CSV_HEADER,
            records=_class_groups,
            rows=class_tables.csv_rows,
            list_url="rostering:class_list",
        ),
    )
}
