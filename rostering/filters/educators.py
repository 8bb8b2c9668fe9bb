"""Search and filters of the Educators list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from rostering.models import Educator, Origin
from rostering.registry import EDUCATOR
from rostering.selectors.educators import organizations_offered
from rostering.selectors.search import words_found

from .classes import STATUS_CHOICES


class EducatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": "Name, username or ID", "type": "search"}
        ),
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=None, empty_label="All organizations", label="Organization", method="by_org"
    )
    educator_type = django_filters.ChoiceFilter(
        choices=Educator.EducatorType.choices,
        empty_label="Any type",
        label="Educator type",
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
        model = Educator
        fields = ["q", "organization", "educator_type", "origin", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organization"].queryset = organizations_offered(user, inactive=True)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return words_found(queryset, EDUCATOR, value)

    def by_org(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # EXISTS rather than a join, so an educator in several organizations is listed once.
        through = Educator.organizations.through
        return queryset.filter(
            Exists(through.objects.filter(educator_id=OuterRef("pk"), organization_id=value.pk))
        )

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=(value == "active"))

    def filter_qs(self) -> QuerySet:
        return self.qs if self.is_bound else self.queryset
