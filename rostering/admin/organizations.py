"""Districts and their schools; a district's sync configuration; re-running a district's sync."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from rostering import bulk, services
from rostering.models import Organization, SyncConfiguration
from rostering.ownership import LOCKED_MESSAGE

from .exports import OrganizationExport
from .importing import EngineImportExportMixin
from .mixins import ADMIN, ServiceAdmin, ServiceSaveAdmin, dry_run, error_text, lock_icon


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
        "is_active",
    )
    list_filter = (
        "org_type",
        "is_active",
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
        "is_active",
    )
    # Single sign-on is turned on with its provider, in "Single sign-on configurations".
    # Active or not: the actions below (the service's rules; a synced school's is the SIS's).
    readonly_fields = ("origin", "sis_sourced_id", "sso_enabled", "is_active")
    actions = ["rerun_sync", "deactivate", "reactivate"]

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
            # The registry's fields of an organization (its name, type, ID, parent).
            values = {"name": "", **self.created_values(form)}
            parent = values.pop("parent", None)
            district = data.get("district") or (parent.district_root if parent else None)
            return services.organization_create(
                actor=request.user,
                district=district,
                parent=parent or district,
                channel=ADMIN,
                **values,
            )
        changes = self.changed_values(form, original)
        return services.organization_update(
            actor=request.user, organization=original, channel=ADMIN, **changes
        )

    @admin.action(description="Deactivate the selected schools", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Reactivate the selected schools", permissions=["change"])
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, True)

    def _set_active(self, request, queryset, active: bool):
        outcome = bulk.set_organizations_active(
            actor=request.user, organizations=queryset, active=active, channel=ADMIN
        )
        self.report(request, outcome, "reactivate" if active else "deactivate")

    # -- deleting an empty school (support staff; refused while it holds anything) --------

    def has_delete_permission(self, request, obj=None):
        user = request.user
        return bool(user.is_active and (user.is_superuser or getattr(user, "is_support", False)))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one school at a time, through the service
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        org = self.get_object(request, object_id)
        if org is not None:
            try:
                dry_run(
                    lambda: services.organization_delete(
                        actor=request.user, organization=org, channel=ADMIN
                    )
                )
            except (ValidationError, PermissionDenied) as exc:
                text = error_text(exc) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, text)
                return redirect("admin:rostering_organization_change", org.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.organization_delete(actor=request.user, organization=obj, channel=ADMIN)

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
