"""The Students list's search and filters (django-filter); choices come from the user's scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from accounts import permissions
from rostering.models import Grade, Origin, Student
from rostering.registry import STUDENT
from rostering.selectors.search import word_found
from rostering.selectors.students import in_school

from .widgets import QuickSelect

# Every searched column (the registry's, rostering.selectors.search) in one upper-cased text,
# each separated by a space (a search word holds no space, so it never spans two columns). On
# PostgreSQL the trigram index of migration 0023 is on this very expression, so that one LIKE
# is answered from the index: a field searched anew needs a migration of that index too
# (tests/rostering/views/test_students_list.py fails until it is there).
_T = '"rostering_student".'
SEARCH_TEXT = (
    "UPPER("
    + " || ' ' || ".join(f"COALESCE({_T}{name}, '')" for name in STUDENT.searched)
    + ")"
)


def _search_text_holds(text: str) -> RawSQL:
    """PostgreSQL: ``text`` (case-insensitive) is inside SEARCH_TEXT, one test the trigram
    index answers."""
    pattern = f"%{connection.ops.prep_for_like_query(text)}%"
    return RawSQL(f"{SEARCH_TEXT} LIKE UPPER(%s)", [pattern], output_field=BooleanField())


def narrowed_by_search_index(qs: QuerySet, texts) -> QuerySet:
    """``qs`` kept to students holding each of ``texts`` in a searched column, through the
    trigram index on PostgreSQL; ``qs`` itself elsewhere.

    For a search whose own lookups (contains, starts with or equals, case-insensitive) are on
    columns of SEARCH_TEXT: any text such a lookup matches is inside one column, so inside
    SEARCH_TEXT, and this changes no result; it only lets the index find the rows on 100,000
    students (the members picker and the admin search use it; migration 0018).
    """
    if connection.vendor != "postgresql":
        return qs
    for text in texts:
        qs = qs.filter(_search_text_holds(text))
    return qs


def _contains(word: str) -> Q | RawSQL:
    """Students with ``word`` (case-insensitive) anywhere in a name, the username or an ID."""
    if connection.vendor == "postgresql":
        return _search_text_holds(word)
    return word_found(STUDENT, word)


def _exact_ids(word: str) -> QuerySet:
    """Students whose username or an ID is ``word``: a union of unique-index lookups."""
    by = Student.objects.order_by().values("pk")
    return by.filter(username=word).union(
        by.filter(external_id=word), by.filter(alt_external_id=word), all=True
    )


class StudentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": "Name, username or ID", "type": "search", "autocomplete": "off"}
        ),
    )
    school = django_filters.ModelChoiceFilter(
        label="School",
        queryset=None,
        method="by_school",
        empty_label="All schools",
        widget=QuickSelect,
    )
    grade = django_filters.ChoiceFilter(
        label="Grade", choices=Grade.choices, empty_label="All grades", widget=QuickSelect
    )
    origin = django_filters.ChoiceFilter(
        label="Origin",
        choices=[(Origin.MANUAL, "Manual"), (Origin.SYNCED, "Synced")],
        empty_label="Any origin",
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("active", "Active"), ("inactive", "Inactive")],
        method="by_status",
        empty_label="Any status",
        widget=QuickSelect,
    )

    class Meta:
        model = Student
        fields = ["q", "school", "grade", "origin", "status"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["school"].queryset = permissions.schools_for(request.user, inactive=True).only("pk", "name")
        for name in ("school", "grade", "origin", "status"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Each word must match a name, the username or an ID (case-insensitive, anywhere).

        A single word with a digit that equals a username or ID finds just that student through
        the unique indexes, without scanning the district (the common "look up this ID" case).
        """
        # "Adams, Harper" as the list shows names: the comma only separates words.
        words = value.replace(",", " ").split()[:4]
        if not words:
            return qs
        if len(words) == 1 and any(ch.isdigit() for ch in words[0]):
            exact = qs.filter(pk__in=_exact_ids(words[0]))
            if exact.exists():
                return exact
        for word in words:
            qs = qs.filter(_contains(word))
        # Sort the (few) matches after one scan instead of walking the name index over the whole
        # district checking each row: an expression key keeps the planner off that index.
        return qs.order_by(Concat("last_name", Value("")), "first_name", "username")

    def by_school(self, qs: QuerySet, name: str, value) -> QuerySet:
        return in_school(qs, value.pk)

    def by_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(is_active=value == "active")

    def filter_qs(self) -> QuerySet:
        """The filtered queryset (an invalid filter value is ignored, not an error page)."""
        return self.qs
