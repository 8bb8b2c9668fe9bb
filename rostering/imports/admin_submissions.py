"""The assisted-import queue, for support staff.

The steps (run checks, import, mark verified, return) are rostering.imports.submissions; the
admin only calls them and shows what they answer. Checking and importing run in the
background worker: the actions queue them, and the submission's page shows the status and
reloads itself until the worker is done. Support can download each file the district sent,
read every error of every file, and open each file's full preview.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from rostering.liveness import fail_stale

from . import submissions
from .models import AssistedSubmission, ImportJob, SubmissionFile

REFRESH_SECONDS = 3


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    fields = ("kind", "file_name", "size", "download")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # The stored (encrypted) length: a few bytes more than the file, never loaded here.
        return super().get_queryset(request).defer("content").annotate(stored=Length("content"))

    @admin.display(description="size")
    def size(self, obj):
        stored = getattr(obj, "stored", None)
        return f"{stored / 1024:.1f} KB" if stored else "deleted"

    @admin.display(description="file")
    def download(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:imports_assistedsubmission_file", args=[obj.submission_id, obj.pk])
        return format_html('<a href="{}">Download</a>', url)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _errors_html(errors: list[dict]):
    if not errors:
        return "none"
    return format_html(
        '<details><summary>{} error(s)</summary><ol class="hr-problems">{}</ol></details>',
        len(errors),
        format_html_join(
            "",
            "<li>Row {}, {}: {}</li>",
            ((e.get("row"), e.get("column") or "file", e.get("message")) for e in errors),
        ),
    )


def _check_result_html(submission: AssistedSubmission):
    result = submission.check_result
    if not result:
        return "Not checked yet."
    job_ids = [item.get("job") for item in result.get("files", [])]
    found = {
        job.pk: job
        for job in ImportJob.objects.filter(pk__in=job_ids).only("pk", "errors", "status", "counts")
    }
    rows = []
    for item in result.get("files", []):
        job = found.get(item.get("job"))
        counts = (job.counts if job else None) or item.get("counts") or {}
        preview = (
            format_html(
                '<a href="{}">Open the full preview</a> ({})',
                reverse("imports:job", args=[job.pk]),
                job.get_status_display().lower(),
            )
            if job
            else "gone (run the checks again)"
        )
        rows.append(
            (
                item.get("file", ""),
                item.get("kind", ""),
                ", ".join(f"{k} {v}" for k, v in counts.items()),
                _errors_html(job.errors if job else []),
                preview,
            )
        )
    body = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
    )
    verdict = "Ready to import" if result.get("ok") else "Has errors: nothing can be imported yet"
    return format_html(
        '<p><strong>{}</strong></p><table class="hr-problems"><thead><tr><th>File</th>'
        "<th>Kind</th><th>Counts</th><th>Errors</th><th>Preview</th></tr></thead>"
        "<tbody>{}</tbody></table>",
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
        "background",
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
        "background",
        "note",
        "check_result_table",
        "created_at",
        "updated_at",
    )
    inlines = (SubmissionFileInline,)
    actions = ["run_checks", "run_import", "mark_verified", "return_to_district"]
    change_form_template = "admin/imports/assistedsubmission/change_form.html"

    def has_add_permission(self, request):
        return False  # districts send submissions from the portal

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:submission_id>/files/<int:file_id>/",
                self.admin_site.admin_view(self.download_file),
                name="imports_assistedsubmission_file",
            ),
            *super().get_urls(),
        ]

    def download_file(self, request, submission_id: int, file_id: int) -> HttpResponse:
        """One file as the district sent it (support staff who may see submissions only)."""
        submission = AssistedSubmission.objects.filter(pk=submission_id).first()
        if not self.has_view_permission(request, submission):
            raise PermissionDenied
        item = SubmissionFile.objects.filter(pk=file_id, submission_id=submission_id).first()
        if submission is None or item is None:
            raise Http404("No such file in this submission.")
        if not item.content:
            raise Http404("This file was deleted after the retention period.")
        response = HttpResponse(bytes(item.content), content_type="application/octet-stream")
        name = item.file_name.replace('"', "").replace("\r", "").replace("\n", "")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def changelist_view(self, request, extra_context=None):
        fail_stale()  # a submission whose worker is gone says so instead of waiting forever
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        fail_stale()
        obj = self.get_object(request, object_id)
        working = obj is not None and obj.status in submissions.ACTIVE
        extra_context = {**(extra_context or {}), "refresh_seconds": REFRESH_SECONDS * working}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="district's note")
    def short_note(self, obj):
        return (obj.note[:80] + "…") if len(obj.note) > 80 else obj.note

    @admin.display(description="checks")
    def checks(self, obj):
        if not obj.check_result:
            return "—"
        return "OK" if obj.check_result.get("ok") else "Errors"

    @admin.display(description="background work")
    def background(self, obj):
        if obj.status in submissions.ACTIVE:
            warning = submissions.worker_warning(obj)
            return warning or (
                f"{obj.get_status_display()} by the background worker; "
                "this page reloads until it is done."
            )
        return obj.failure_reason or "—"

    @admin.display(description="result of the checks")
    def check_result_table(self, obj):
        return _check_result_html(obj)

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
        self._each(
            request,
            queryset,
            submissions.submission_check,
            "queued for checking; each submission's page shows the result when the "
            "background worker is done",
        )

    @admin.action(description="Import the checked files", permissions=["change"])
    def run_import(self, request, queryset):
        self._each(
            request,
            queryset,
            submissions.submission_import,
            "queued for import; each submission's page shows when the background worker is done",
        )

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
