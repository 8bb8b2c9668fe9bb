"""Districts and their schools; a district's sync configuration; re-running a district's sync."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from rostering import services
from rostering.models import Organization, SyncConfiguration
from rostering.ownership import LOCKED_MESSAGE

from .importing import EngineImportExportMixin, OrganizationExport
from .mixins import ADMIN, ServiceAdmin, ServiceSaveAdmin, lock_icon


@admin.register(Organization)
class OrganizationAdmin(EngineImportExportMixin, ServiceAdmin):
    import_kind = "organizations"
    export_resource = OrganizationExport
    list_display = (
        "display_name",
        "org_type",
        "district",
        "external_id",
        "rostering_method",
        "sso_enabled",
    )
    list_filter = (
        "org_type",
        "rostering_method",
        "origin",
        ("district", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("district",)
    search_fields = ("name", "=external_id", "=slug")
    fields = (
        "name",
        "org_type",
        "district",
        "parent",
        "slug",
        "external_id",
        "rostering_method",
        "sso_enabled",
        "origin",
        "sis_sourced_id",
    )
    # Single sign-on is turned on with its provider, in "Single sign-on configurations".
    readonly_fields = ("origin", "sis_sourced_id", "sso_enabled")
    actions = ["rerun_sync"]
    ownership_fields = ("name", "external_id", "parent")

    @admin.display(description="name", ordering="name")
    def display_name(self, obj):
        return lock_icon(obj, obj.name)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["org_type", "district", "slug"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.origin == "synced":
            name, options = fieldsets[0]
            fieldsets = [
                (name, {**options, "description": f"Synced from the SIS. {LOCKED_MESSAGE}"})
            ]
        return fieldsets

    def save_through_services(self, request, form, original):
        data = form.cleaned_data
        if original is None:
            if data.get("org_type") == Organization.OrgType.DISTRICT:
                return services.district_create(
                    actor=request.user,
                    name=data.get("name", ""),
                    slug=data.get("slug") or "",
                    rostering_method=data.get("rostering_method", ""),
                    channel=ADMIN,
                )
            parent = data.get("parent")
            district = data.get("district") or (parent.district_root if parent else None)
            return services.organization_create(
                actor=request.user,
                district=district,
                name=data.get("name", ""),
                org_type=data.get("org_type"),
                parent=parent or district,
                external_id=data.get("external_id"),
                channel=ADMIN,
            )
        changes = self.changed_values(form, original)
        return services.organization_update(
            actor=request.user, organization=original, channel=ADMIN, **changes
        )

    @admin.action(description="Re-run the sync of the selected districts", permissions=["change"])
    def rerun_sync(self, request, queryset):
        from rostering.sync.admin import queue_sync_runs

        queue_sync_runs(request, queryset)


@admin.register(SyncConfiguration)
class SyncConfigurationAdmin(ServiceSaveAdmin):
    """Which optional fields each district's SIS sends (they become shared fields); saved as
    the district's Sync page saves them, with the same check of the field names."""

    list_display = ("district", "shared_summary", "updated_at")
    list_select_related = ("district",)
    search_fields = ("district__name",)
    readonly_fields = ("district", "updated_at")

    @admin.display(description="shared fields")
    def shared_summary(self, obj):
        return "; ".join(
            f"{kind}: {', '.join(fields)}" for kind, fields in sorted(obj.shared_fields.items())
        )

    def has_add_permission(self, request):
        return False  # made with the district

    def save_through_services(self, request, obj, change):
        from rostering.sync.services import sync_settings_save

        shared = obj.shared_fields
        if not isinstance(shared, dict) or not all(
            isinstance(names, list) for names in shared.values()
        ):
            raise ValidationError(
                {"shared_fields": 'Write it as {"student": ["grade"], "educator": ["email"]}.'}
            )
        sync_settings_save(actor=request.user, district=obj.district, values={}, shared_fields=shared)
        return SyncConfiguration.objects.get(district=obj.district)
