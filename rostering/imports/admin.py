"""The assisted-import queue and every kept import, for support staff.

The steps (run checks, import, mark verified, return) are rostering.imports.submissions;
the admin only calls them and shows what they answer.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html, format_html_join

from rostering.sync.admin import ReasonActionForm

from . import jobs, submissions
from .models import AssistedSubmission, ImportJob, SubmissionFile


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    fields = ("kind", "file_name", "size")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    @admin.display(description="size")
    def size(self, obj):
        return f"{len(obj.content or b'') / 1024:.1f} KB" if obj.pk else ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _check_result_html(result: dict):
    if not result:
        return "Not checked yet."
    rows = []
    for item in result.get("files", []):
        counts = item.get("counts") or {}
        errors = item.get("errors") or []
        first = "; ".join(
            f"row {e.get('row')}, {e.get('column') or 'file'}: {e.get('message')}"
            for e in errors[:5]
        )
        rows.append(
            (
                item.get("file", ""),
                item.get("kind", ""),
                ", ".join(f"{k} {v}" for k, v in counts.items()),
                first or "none",
            )
        )
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    verdict = "Ready to import" if result.get("ok") else "Has errors: nothing can be imported yet"
    return format_html(
        "<p><strong>{}</strong></p><table><thead><tr><th>File</th><th>Kind</th><th>Counts</th>"
        "<th>First errors</th></tr></thead><tbody>{}</tbody></table>",
        verdict,
        body,
    )


@admin.register(AssistedSubmission)
class AssistedSubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "district",
        "status",
        "submitted_by",
        "created_at",
        "short_note",
        "checks",
    )
    list_filter = ("status", ("district", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("district", "submitted_by")
    search_fields = ("district__name", "note")
    fields = (
        "district",
        "submitted_by",
        "status",
        "note",
        "check_result_table",
        "support_note",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "district",
        "submitted_by",
        "status",
        "note",
        "check_result_table",
        "created_at",
        "updated_at",
    )
    inlines = (SubmissionFileInline,)
    actions = ["run_checks", "run_import", "mark_verified", "return_to_district"]

    def has_add_permission(self, request):
        return False  # districts send submissions from the portal

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="district's note")
    def short_note(self, obj):
        return (obj.note[:80] + "…") if len(obj.note) > 80 else obj.note

    @admin.display(description="checks")
    def checks(self, obj):
        if not obj.check_result:
            return "—"
        return "OK" if obj.check_result.get("ok") else "Errors"

    @admin.display(description="result of the checks")
    def check_result_table(self, obj):
        return _check_result_html(obj.check_result)

    def _each(self, request, queryset, step, done, **kwargs):
        ok = 0
        for submission in queryset.select_related("district"):
            try:
                step(actor=request.user, submission=submission, **kwargs)
                ok += 1
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [str(exc)]))
                messages.error(request, f"Submission #{submission.pk}: {reason}")
        if ok:
            messages.success(request, f"{ok} submission(s) {done}.")

    @admin.action(description="Run the checks (writes nothing)", permissions=["change"])
    def run_checks(self, request, queryset):
        self._each(request, queryset, submissions.submission_check, "checked")

    @admin.action(description="Import the checked files", permissions=["change"])
    def run_import(self, request, queryset):
        self._each(request, queryset, submissions.submission_import, "imported")

    @admin.action(description="Mark verified with the district", permissions=["change"])
    def mark_verified(self, request, queryset):
        self._each(request, queryset, submissions.submission_mark_verified, "marked verified")

    @admin.action(
        description="Return to the district (uses each submission's support note)",
        permissions=["change"],
    )
    def return_to_district(self, request, queryset):
        for submission in queryset:
            try:
                submissions.submission_return(
                    actor=request.user, submission=submission, note=submission.support_note
                )
                messages.success(request, f"Submission #{submission.pk} returned.")
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [str(exc)]))
                messages.error(
                    request,
                    f"Submission #{submission.pk}: {reason} Write it in the support note first.",
                )

    def save_model(self, request, obj, form, change):
        # Only the support note is editable here; the steps change the status.
        AssistedSubmission.objects.filter(pk=obj.pk).update(support_note=obj.support_note)


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
                ((e.get("row"), e.get("column") or "file", e.get("message")) for e in errors[:200]),
            ),
        )
