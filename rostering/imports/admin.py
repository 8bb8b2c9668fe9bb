"""Every kept import, for support staff; the assisted-import queue is admin_submissions.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from rostering.sync.admin import ReasonActionForm

from . import (
    admin_submissions,  # noqa: F401  (registers the assisted-import queue)
    jobs,
)
from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "district",
        "kind",
        "file_name",
        "status",
        "counts_summary",
        "created_by",
    )
    list_filter = ("status", "kind", ("district", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("district", "created_by")
    search_fields = ("file_name", "district__name")
    date_hierarchy = "created_at"
    fields = (
        "district",
        "kind",
        "school",
        "file_name",
        "status",
        "created_by",
        "created_at",
        "queued_at",
        "heartbeat_at",
        "committed_at",
        "undone_at",
        "counts_summary",
        "errors_list",
        "failure_reason",
        "undo_error",
    )
    readonly_fields = fields
    actions = ["cancel"]
    action_form = ReasonActionForm

    def get_queryset(self, request):
        return super().get_queryset(request).defer("file_content", "error_report", "changes", "result")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_cancel_permission(self, request) -> bool:
        """Cancelling a stuck import: support staff who see imports (nothing is written by a
        cancel, so the Support staff group's view_importjob is enough)."""
        return self.has_view_permission(request)

    @admin.action(
        description="Cancel the selected stuck imports (checking, queued, running or undoing)",
        permissions=["cancel"],
    )
    def cancel(self, request, queryset):
        reason = request.POST.get("reason", "")
        done = 0
        for job in queryset:
            if jobs.job_cancel(actor=request.user, job=job, reason=reason):
                done += 1
            else:
                messages.error(request, f"{job}: only an import still in progress can be cancelled.")
        if done:
            messages.success(request, f"{done} import(s) cancelled.")

    @admin.display(description="counts")
    def counts_summary(self, obj):
        return ", ".join(f"{k} {v}" for k, v in (obj.counts or {}).items()) or "—"

    @admin.display(description="errors")
    def errors_list(self, obj):
        errors = obj.errors or []
        if not errors:
            return "None"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>Row {}, {}: {}</li>",
                ((e.get("row"), e.get("column") or "file", e.get("message")) for e in errors),
            ),
        )
