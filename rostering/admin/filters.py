"""List filters shared by the roster admins: district, then the schools of that district."""

from __future__ import annotations

from django.contrib import admin

from rostering.models import Organization


class DistrictFilter(admin.SimpleListFilter):
    title = "district"
    parameter_name = "district"
    field = "district_id"

    def lookups(self, request, model_admin):
        return list(Organization.objects.districts().order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class SchoolFilter(admin.SimpleListFilter):
    """Schools of the district chosen in the district filter (every school without one)."""

    title = "school"
    parameter_name = "school"

    def lookups(self, request, model_admin):
        schools = Organization.objects.exclude(org_type=Organization.OrgType.DISTRICT)
        district = request.GET.get(DistrictFilter.parameter_name)
        if district and district.isdigit():
            schools = schools.filter(district_id=district)
        return [(pk, name) for pk, name in schools.order_by("name").values_list("pk", "name")[:200]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        lookup = {
            "Student": "schools",
            "Educator": "organizations",
            "ClassGroup": "school",
        }[queryset.model.__name__]
        return queryset.filter(**{lookup: self.value()})
