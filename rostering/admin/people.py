"""Students and educators: find anyone in any district, fix a record, see its history."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.text import smart_split, unescape_string_literal

from rostering import bulk, registry, services
from rostering.filters.students import narrowed_by_search_index
from rostering.models import (
    ClassEducator,
    ClassStudent,
    Educator,
    LinkChange,
    Organization,
    Student,
    StudentProduct,
    StudentProductSetting,
)
from rostering.selectors.search import admin_search_fields

from .exports import EducatorExport, StudentExport
from .filters import DistrictFilter, SchoolFilter
from .importing import EngineImportExportMixin
from .mixins import ADMIN, ReadOnlyInline, ServiceAdmin, ServiceInline, lock_icon

# Search (rostering.selectors.search): prefixes of names and usernames, exact IDs. Students (a
# big table) are found through their search index (StudentAdmin.get_search_results).


RESET_SHOWN = 50  # passwords reset (and shown) by one action


def search_terms(search_term: str) -> list[str]:
    """The terms Django's admin search splits ``search_term`` into (a quoted phrase is one)."""
    return [
        unescape_string_literal(bit) if bit[0] in "\"'" and bit[0] == bit[-1] else bit
        for bit in smart_split(search_term)
    ]


class StudentClassesInline(ReadOnlyInline):
    model = ClassStudent
    fields = ("class_group", "origin", "created_at")
    readonly_fields = fields
    verbose_name = "class/group membership"
    verbose_name_plural = "Classes/groups (change them on the class/group)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("class_group")


class StudentProductInline(ServiceInline):
    model = StudentProduct
    related = "product"
    fields = ("product", "origin", "created_at")
    readonly_fields = ("origin", "created_at")
    verbose_name = "product link"
    verbose_name_plural = "Products (a link the SIS sends comes back at the next sync)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def add(self, request, parent, row):
        services.student_add_product(
            actor=request.user, student=parent, product=row.product, channel=ADMIN
        )

    def remove(self, request, parent, row):
        services.student_remove_product(
            actor=request.user, student=parent, product=row.product, channel=ADMIN
        )


class StudentSettingInline(ServiceInline):
    model = StudentProductSetting
    related = "setting"
    fields = ("setting", "value", "origin")
    can_delete = False
    verbose_name = "product setting"
    verbose_name_plural = "Product settings (a setting the SIS sends reverts at the next sync)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("setting__product")

    def add(self, request, parent, row):
        services.student_set_product_setting(
            actor=request.user, student=parent, setting=row.setting, value=row.value, channel=ADMIN
        )

    change = add

    def remove(self, request, parent, row):
        raise ValidationError("A product setting is changed, not removed.")


def _details(kind: registry.Kind, names: tuple, *rest) -> tuple:
    """A person's fieldset: the ``names`` line, then the registry's other optional text
    fields the layout leaves out (a preferred first name) on a line of their own, then
    ``rest``: a new optional field of the registry is on the admin's page unasked."""
    named = set(names) | {
        n for item in rest for n in (item if isinstance(item, tuple) else (item,))
    }
    more = tuple(n for n in kind.plain_fields if n in kind.text_fields and n not in named)
    return (names, *((more,) if more else ()), *rest)


class PersonAdmin(ServiceAdmin):
    list_per_page = 50
    show_full_result_count = False  # a count of 100,000 rows on every search is not needed
    readonly_fields = ("district", "origin", "sis_sourced_id", "last_synced_at", "updated_at")
    list_select_related = ("district",)
    actions = ["deactivate", "reactivate"]

    @admin.display(description="name", ordering="last_name")
    def name(self, obj):
        return lock_icon(obj, f"{obj.last_name}, {obj.first_name}")

    def _set_active(self, request, queryset, active: bool):
        """Each admin (students, educators) calls its own service; this base offers none."""
        raise NotImplementedError

    @admin.action(description="Deactivate the selected records", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Reactivate the selected records", permissions=["change"])
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, True)


@admin.register(Student)
class StudentAdmin(EngineImportExportMixin, PersonAdmin):
    import_kind = "students"
    search_fields = admin_search_fields(registry.STUDENT)
    object_history_template = "admin/rostering/object_history_with_links.html"

    def get_search_results(self, request, queryset, search_term):
        """The searched fields' matches, found on PostgreSQL through the students' search
        index."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return narrowed_by_search_index(queryset, search_terms(search_term)), may_have_duplicates

    def link_changes(self, object_id):
        return LinkChange.objects.filter(student_id=object_id)

    export_resource = StudentExport
    list_display = (
        "name",
        "username",
        "external_id",
        "grade",
        "district",
        "school_names",
        "is_active",
    )
    list_filter = (DistrictFilter, SchoolFilter, "origin", "is_active", "grade")
    fieldsets = (
        (
            None,
            {
                "fields": _details(
                    registry.STUDENT,
                    ("first_name", "middle_name", "last_name"),
                    "username",
                    "email",
                    ("external_id", "alt_external_id"),
                    "grade",
                    "schools",
                    "is_active",
                )
            },
        ),
        (
            "Where it comes from",
            {"fields": ("district", "origin", "sis_sourced_id", "last_synced_at", "updated_at")},
        ),
    )
    autocomplete_fields = ("schools",)
    inlines = (StudentClassesInline, StudentProductInline, StudentSettingInline)
    actions = PersonAdmin.actions + ["reset_password"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("schools", queryset=Organization.objects.only("name")))
        )

    @admin.display(description="schools")
    def school_names(self, obj):
        return ", ".join(school.name for school in obj.schools.all())

    def save_through_services(self, request, form, original):
        if original is None:
            values = self.created_values(form)
            return services.student_create(
                actor=request.user,
                district=_district_of(values.get("schools")),
                channel=ADMIN,
                **values,
            )
        changes = self.changed_values(form, original)
        return services.student_update(
            actor=request.user, student=original, channel=ADMIN, **changes
        )

    def _set_active(self, request, queryset, active):
        outcome = bulk.set_active(
            actor=request.user, students=queryset, active=active, channel=ADMIN
        )
        self.report(request, outcome, "reactivate" if active else "deactivate")

    @admin.action(description="Reset the password of the selected students", permissions=["change"])
    def reset_password(self, request, queryset):
        chosen = list(queryset[: RESET_SHOWN + 1])
        outcome = bulk.reset_passwords(
            actor=request.user, students=chosen[:RESET_SHOWN], channel=ADMIN
        )
        for student in outcome.done:
            password = outcome.passwords[student.pk]
            messages.success(request, f"New password of {student} ({student.username}): {password}")
        self.report(request, outcome, "reset_password")
        if len(chosen) > RESET_SHOWN:
            messages.warning(
                request, f"Only the first {RESET_SHOWN} passwords were reset; select fewer."
            )


def _district_of(orgs) -> Organization:
    """The district of the chosen schools (a new record belongs to their district)."""
    orgs = list(orgs or [])
    if not orgs:
        raise ValidationError({"schools": "Choose at least one school."})
    return orgs[0].district_root


class EducatorClassesInline(ReadOnlyInline):
    model = ClassEducator
    fields = ("class_group", "origin", "created_at")
    readonly_fields = fields
    verbose_name = "class/group"
    verbose_name_plural = "Classes/groups (change them on the class/group)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("class_group")


@admin.register(Educator)
class EducatorAdmin(EngineImportExportMixin, PersonAdmin):
    import_kind = "educators"
    search_fields = admin_search_fields(registry.EDUCATOR)
    object_history_template = "admin/rostering/object_history_with_links.html"

    def link_changes(self, object_id):
        return LinkChange.objects.filter(educator_id=object_id)

    export_resource = EducatorExport
    list_display = (
        "name",
        "username",
        "educator_type",
        "external_id",
        "district",
        "organization_names",
        "is_active",
    )
    list_filter = (DistrictFilter, SchoolFilter, "origin", "is_active", "educator_type")
    fieldsets = (
        (
            None,
            {
                "fields": _details(
                    registry.EDUCATOR,
                    ("first_name", "last_name"),
                    "username",
                    "email",
                    "educator_type",
                    ("external_id", "alt_external_id"),
                    "organizations",
                    "is_active",
                )
            },
        ),
        (
            "Where it comes from",
            {
                "fields": (
                    "district",
                    "user",
                    "origin",
                    "sis_sourced_id",
                    "last_synced_at",
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = PersonAdmin.readonly_fields + ("user",)
    autocomplete_fields = ("organizations",)
    inlines = (EducatorClassesInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("organizations", queryset=Organization.objects.only("name")))
        )

    @admin.display(description="organizations")
    def organization_names(self, obj):
        return ", ".join(org.name for org in obj.organizations.all())

    def save_through_services(self, request, form, original):
        if original is None:
            values = self.created_values(form)
            return services.educator_create(
                actor=request.user,
                district=_district_of(values.get("organizations")),
                channel=ADMIN,
                **values,
            )
        changes = self.changed_values(form, original)
        return services.educator_update(
            actor=request.user, educator=original, channel=ADMIN, **changes
        )

    def _set_active(self, request, queryset, active):
        outcome = bulk.set_active(
            actor=request.user, students=queryset, active=active, channel=ADMIN, model=Educator
        )
        self.report(request, outcome, "reactivate" if active else "deactivate")
