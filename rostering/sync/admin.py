"""Sync runs for support staff: every run with its counts, warnings and errors (read-only),
approving or discarding a held run, and re-running a district's sync."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html, format_html_join

from rostering.admin.mixins import ServiceSaveAdmin

from .models import ProductRule, SettingRule, SyncRun, SyncSource
from .services import (
    SOURCE_FIELDS,
    held_run_approve,
    held_run_discard,
    product_rule_add,
    rule_remove,
    run_cancel,
    setting_rule_add,
    shared_fields_for,
    sync_enqueue,
    sync_settings_save,
)


def queue_sync_runs(request, districts) -> None:
    """Queue a run for each district through the Sync pages' service (the same refusals:
    no source yet, a run already queued or running, a held run waiting for a decision)."""
    queued = []
    for district in districts:
        if not district.is_district:
            messages.error(request, f"{district} is not a district; choose its district.")
            continue
        try:
            sync_enqueue(actor=request.user, district=district, dry_run=False)
        except ValidationError as exc:
            messages.error(request, f"{district}: {' '.join(exc.messages)}")
            continue
        queued.append(district.name)
    if queued:
        messages.success(request, f"Sync queued for {', '.join(queued)}.")


def _problems_table(problems: list[dict]):
    if not problems:
        return "None"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (p.get("file", ""), p.get("row", ""), p.get("record", ""), p.get("message", ""))
            for p in problems[:500]
        ),
    )
    more = f"<p>… and {len(problems) - 500} more.</p>" if len(problems) > 500 else ""
    return format_html(
        '<table class="hr-problems"><thead><tr><th>File</th><th>Row</th><th>Record</th><th>Problem</th></tr>'
        "</thead><tbody>{}</tbody></table>{}",
        rows,
        format_html(more) if more else "",
    )


COUNT_COLUMNS = ("created", "updated", "claimed", "deactivated", "unchanged")


def _counts_table(counts: dict):
    """A run's counts as a table: one row per kind of record, one column per action, then
    the organizations, memberships and product links in words."""
    if not counts:
        return "—"
    by_kind = counts.get("by_kind") or {}
    rows = [(kind.replace("_", " ").capitalize(), values) for kind, values in by_kind.items()]
    rows.append(("All", {c: counts.get(c, 0) for c in COUNT_COLUMNS}))
    body = format_html_join(
        "",
        "<tr><th scope=\"row\">{}</th>" + "<td>{}</td>" * len(COUNT_COLUMNS) + "</tr>",
        ((label, *(values.get(c, 0) for c in COUNT_COLUMNS)) for label, values in rows),
    )
    others = format_html_join(
        "",
        "<li>{}: {}</li>",
        (
            (key.replace("_", " ").capitalize(), ", ".join(f"{k} {v}" for k, v in value.items()))
            for key, value in counts.items()
            if isinstance(value, dict) and key != "by_kind"
        ),
    )
    head = format_html_join("", "<th scope=\"col\">{}</th>", ((c,) for c in COUNT_COLUMNS))
    return format_html(
        '<table class="hr-problems"><thead><tr><th scope="col">Records</th>{}</tr></thead>'
        "<tbody>{}</tbody></table><ul>{}</ul>",
        head,
        body,
        others,
    )


class ReasonActionForm(ActionForm):
    """The admin's action bar with a "reason" box, recorded by the cancel actions."""

    reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason (for cancel)",
        widget=forms.TextInput(attrs={"placeholder": "why it is cancelled"}),
    )


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "district",
        "status",
        "trigger",
        "dry_run",
        "counts_summary",
        "warning_count",
        "error_count",
        "created_by",
    )
    list_filter = ("status", "trigger", "dry_run", ("district", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("district", "created_by")
    search_fields = ("district__name", "=district__slug")
    date_hierarchy = "created_at"
    actions = ["approve", "discard", "cancel"]
    action_form = ReasonActionForm
    exclude = ("snapshot", "plan", "counts", "warnings", "errors")
    readonly_fields = (
        "district",
        "status",
        "trigger",
        "dry_run",
        "created_by",
        "decided_by",
        "created_at",
        "queued_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "source_name",
        "hold_reason",
        "failure_reason",
        "counts_table",
        "warnings_table",
        "errors_table",
        "plan_summary",
    )

    def get_queryset(self, request):
        # The kept snapshot is megabytes; lists and pages never show it.
        return super().get_queryset(request).defer("snapshot")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a run is a record of what happened: every field is read-only

    def has_decide_permission(self, request) -> bool:
        """Approving or discarding a held run (the Support staff group's change_syncrun)."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(description="counts")
    def counts_summary(self, obj):
        """The totals in words for the list ("created 3, updated 2"); the page has the table."""
        counts = obj.counts or {}  # in COUNT_COLUMNS' order: PostgreSQL's jsonb sorts keys
        totals = [(c, counts[c]) for c in COUNT_COLUMNS if isinstance(counts.get(c), int)]
        return ", ".join(f"{key} {value}" for key, value in totals if value) or "—"

    @admin.display(description="counts")
    def counts_table(self, obj):
        return _counts_table(obj.counts or {})

    @admin.display(description="warnings")
    def warning_count(self, obj):
        return len(obj.warnings or [])

    @admin.display(description="errors")
    def error_count(self, obj):
        return len(obj.errors or [])

    @admin.display(description="warnings")
    def warnings_table(self, obj):
        return _problems_table(obj.warnings or [])

    @admin.display(description="errors")
    def errors_table(self, obj):
        return _problems_table(obj.errors or [])

    @admin.display(description="what it would change (held or dry run)")
    def plan_summary(self, obj):
        if not obj.plan:
            return "—"
        summary = obj.plan.get("counts", obj.plan) if isinstance(obj.plan, dict) else obj.plan
        return format_html("<pre>{}</pre>", json.dumps(summary, indent=2, default=str)[:5000])

    def _decide(self, request, queryset, call, done):
        ok = 0
        for run in queryset.select_related("district"):
            try:
                call(actor=request.user, run=run)
                ok += 1
            except ValidationError as exc:
                messages.error(request, f"{run}: {' '.join(exc.messages)}")
        if ok:
            messages.success(request, f"{ok} held run(s) {done}.")

    @admin.action(
        description="Approve the selected held runs (queue them to be applied)",
        permissions=["decide"],
    )
    def approve(self, request, queryset):
        self._decide(request, queryset, held_run_approve, "approved and queued")

    @admin.action(
        description="Discard the selected held runs (apply nothing)", permissions=["decide"]
    )
    def discard(self, request, queryset):
        self._decide(request, queryset, held_run_discard, "discarded")

    @admin.action(
        description="Cancel the selected stuck runs (queued or running; give a reason)",
        permissions=["decide"],
    )
    def cancel(self, request, queryset):
        reason = request.POST.get("reason", "")
        done = 0
        for run in queryset.defer("snapshot"):
            if run_cancel(actor=request.user, run=run, reason=reason):
                done += 1
            else:
                messages.error(request, f"{run}: only a queued or running run can be cancelled.")
        if done:
            messages.success(request, f"{done} run(s) cancelled; their districts can sync again.")


@admin.register(SyncSource)
class SyncSourceAdmin(ServiceSaveAdmin):
    """A district's source and schedule, saved as the Sync page saves them."""

    list_display = ("district", "source_type", "schedule", "last_enqueued_at")
    list_filter = ("source_type", "schedule")
    list_select_related = ("district",)
    search_fields = ("district__name",)
    exclude = ("uploaded_snapshot",)
    readonly_fields = ("district", "uploaded_name", "last_enqueued_at")
    actions = ["rerun_sync"]

    def has_add_permission(self, request):
        return False  # set up from the district's Sync page

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "folder_path":
            # The admin shows help text as HTML: no angle brackets here.
            field.help_text = (
                "Only SYNC_FOLDER_ROOT/(the district's short name), or a folder inside it "
                "(rostering/sync/folders.py). The folder source is off while SYNC_FOLDER_ROOT "
                "is not set."
            )
        return field

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_services(self, request, obj, change):
        return sync_settings_save(
            actor=request.user,
            district=obj.district,
            values={name: getattr(obj, name) for name in SOURCE_FIELDS},
            shared_fields=shared_fields_for(obj.district),
        )

    @admin.action(description="Re-run the sync of these districts", permissions=["change"])
    def rerun_sync(self, request, queryset):
        queue_sync_runs(
            request, [source.district for source in queryset.select_related("district")]
        )


class RuleAdmin(ServiceSaveAdmin):
    """A district's product or setting rules, added and removed through the Sync pages'
    services (the same duplicate and value checks). Changing a rule replaces it."""

    list_filter = (("district", admin.RelatedOnlyFieldListFilter),)

    def get_readonly_fields(self, request, obj=None):
        return ("district",) if obj is not None else ()

    def add_rule(self, request, obj):
        raise NotImplementedError

    def save_through_services(self, request, obj, change):
        with transaction.atomic():
            if change:
                rule_remove(actor=request.user, district=obj.district, model=self.model, pk=obj.pk)
            return self.add_rule(request, obj)

    def delete_model(self, request, obj):
        rule_remove(actor=request.user, district=obj.district, model=self.model, pk=obj.pk)

    def delete_queryset(self, request, queryset):
        for rule in queryset.select_related("district"):
            self.delete_model(request, rule)


@admin.register(ProductRule)
class ProductRuleAdmin(RuleAdmin):
    list_display = ("district", "match_field", "pattern", "product")
    list_select_related = ("district", "product")

    def add_rule(self, request, obj):
        return product_rule_add(
            actor=request.user,
            district=obj.district,
            match_field=obj.match_field,
            pattern=obj.pattern,
            product=obj.product,
        )


@admin.register(SettingRule)
class SettingRuleAdmin(RuleAdmin):
    list_display = ("district", "column", "setting")
    list_select_related = ("district", "setting__product")

    def add_rule(self, request, obj):
        return setting_rule_add(
            actor=request.user,
            district=obj.district,
            column=obj.column,
            setting=obj.setting,
            value_map=obj.value_map or {},
        )
