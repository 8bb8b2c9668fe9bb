"""Search and filters of the Classes/Groups list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from accounts import permissions
from rostering.models import ClassGroup, Origin

STATUS_CHOICES = (("active", "Active"), ("inactive", "Inactive"))


class ClassGroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": "Name or External Assigned ID", "type": "search"}
        ),
    )
    school = django_filters.ModelChoiceFilter(
        queryset=None, empty_label="All schools", label="School"
    )
    origin = django_filters.ChoiceFilter(
        choices=Origin.choices, empty_label="Any origin", label="Origin"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        empty_label="Any status",
        label="Status",
        method="by_status",
    )

    class Meta:
        model = ClassGroup
        fields = ["q", "school", "origin", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = permissions.schools_for(user, inactive=True).order_by("name")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(external_id__icontains=value))

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=(value == "active"))

    def filter_qs(self) -> QuerySet:
        """The filtered queryset (the whole of it when the filter form is invalid)."""
        return self.qs if self.is_bound else self.queryset
