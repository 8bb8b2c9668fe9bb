"""Classes/groups with their rosters and product links (each link shows its origin)."""

from __future__ import annotations

from django.contrib import admin

from rostering import bulk, services
from rostering.models import ClassEducator, ClassGroup, ClassProduct, ClassStudent, LinkChange

from .exports import ClassGroupExport
from .filters import DistrictFilter, SchoolFilter
from .importing import EngineImportExportMixin
from .mixins import ADMIN, ServiceAdmin, ServiceInline, lock_icon


class _SyncedRosterReadOnly:
    """A synced class/group takes its members from the SIS only: its roster is read-only."""

    def _synced(self, obj) -> bool:
        return obj is not None and obj.is_synced

    def has_add_permission(self, request, obj=None):
        return not self._synced(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._synced(obj) and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._synced(obj) and super().has_change_permission(request, obj)


class ClassStudentInline(_SyncedRosterReadOnly, ServiceInline):
    model = ClassStudent
    related = "student"
    fields = ("student", "origin", "created_at")
    readonly_fields = ("origin", "created_at")
    autocomplete_fields = ("student",)
    verbose_name = "student"
    verbose_name_plural = "Students"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student")

    def add(self, request, parent, row):
        services.class_group_add_students(
            actor=request.user, class_group=parent, students=[row.student], channel=ADMIN
        )

    def remove(self, request, parent, row):
        services.class_group_remove_students(
            actor=request.user, class_group=parent, students=[row.student], channel=ADMIN
        )


class ClassEducatorInline(_SyncedRosterReadOnly, ServiceInline):
    model = ClassEducator
    related = "educator"
    fields = ("educator", "origin", "created_at")
    readonly_fields = ("origin", "created_at")
    autocomplete_fields = ("educator",)
    verbose_name = "educator"
    verbose_name_plural = "Educators"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("educator")

    def add(self, request, parent, row):
        services.class_group_add_educators(
            actor=request.user, class_group=parent, educators=[row.educator], channel=ADMIN
        )

    def remove(self, request, parent, row):
        services.class_group_remove_educators(
            actor=request.user, class_group=parent, educators=[row.educator], channel=ADMIN
        )


class ClassProductInline(ServiceInline):
    """Editable even on a synced class/group; a link the SIS sends comes back if removed."""

    model = ClassProduct
    related = "product"
    fields = ("product", "origin", "created_at")
    readonly_fields = ("origin", "created_at")
    verbose_name = "product link"
    verbose_name_plural = "Products (a link the SIS sends comes back at the next sync)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def add(self, request, parent, row):
        services.class_group_add_product(
            actor=request.user, class_group=parent, product=row.product, channel=ADMIN
        )

    def remove(self, request, parent, row):
        services.class_group_remove_product(
            actor=request.user, class_group=parent, product=row.product, channel=ADMIN
        )


@admin.register(ClassGroup)
class ClassGroupAdmin(EngineImportExportMixin, ServiceAdmin):
    import_kind = "classes"
    object_history_template = "admin/rostering/object_history_with_links.html"

    def link_changes(self, object_id):
        return LinkChange.objects.filter(class_group_id=object_id)

    export_resource = ClassGroupExport
    list_display = (
        "display_name",
        "external_id",
        "district",
        "school",
        "subject",
        "grades",
        "is_active",
    )
    list_filter = (DistrictFilter, SchoolFilter, "origin", "is_active")
    list_select_related = ("district", "school")
    list_per_page = 50
    show_full_result_count = False
    search_fields = ("^name", "=external_id", "^course_code")
    readonly_fields = ("district", "origin", "sis_sourced_id", "last_synced_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "school",
                    "external_id",
                    ("subject", "course_code", "grades"),
                    "is_active",
                )
            },
        ),
        (
            "Where it comes from",
            {"fields": ("district", "origin", "sis_sourced_id", "last_synced_at", "updated_at")},
        ),
    )
    autocomplete_fields = ("school",)
    inlines = (ClassStudentInline, ClassEducatorInline, ClassProductInline)
    actions = ["deactivate", "reactivate"]

    @admin.display(description="class/group", ordering="name")
    def display_name(self, obj):
        return lock_icon(obj, obj.name)

    def save_through_services(self, request, form, original):
        if original is None:
            values = self.created_values(form)
            school = values.get("school")
            return services.class_group_create(
                actor=request.user,
                district=school.district_root if school else None,
                channel=ADMIN,
                **values,
            )
        changes = self.changed_values(form, original)
        return services.class_group_update(
            actor=request.user, class_group=original, channel=ADMIN, **changes
        )

    def _set_active(self, request, queryset, active):
        outcome = bulk.set_active(
            actor=request.user, students=queryset, active=active, channel=ADMIN, model=ClassGroup
        )
        self.report(request, outcome, "reactivate" if active else "deactivate")

    @admin.action(description="Deactivate the selected classes/groups", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Reactivate the selected classes/groups", permissions=["change"])
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, True)
