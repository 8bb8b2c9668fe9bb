"""Comparing two versions of a record in the admin: the history page lets support staff pick
any two versions, and this page lists the fields that differ, before and after (a password
change shows as "password reset", never its tokens). Both pages show a grade as the portal
does ("Grade 5", not "05")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.template_utils import HistoricalRecordContextHelper

from rostering.registry.normalisers import grade_label

# Fields whose stored code reads to people through a label function.
LABELS = {"grade": grade_label}


class LabelledValues(HistoricalRecordContextHelper):
    """simple-history's before/after values, with stored codes shown as their labels."""

    def prepare_delta_change_value(self, change, value):
        label = LABELS.get(change.field)
        if label is not None:
            return label(value)
        return super().prepare_delta_change_value(change, value)


class HistoryCompareMixin:
    """For a SimpleHistoryAdmin: <pk>/history/compare/?older=<history id>&newer=<history id>."""

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        # Before simple-history's "<pk>/history/<version>/", which would take "compare".
        return [compare, *super().get_urls()]

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledValues(self.model, historical_record)

    def _version(self, object_id, history_id):
        history = self.model.history.filter(**{self.model._meta.pk.attname: object_id})
        try:
            return history.select_related("history_user").get(history_id=int(history_id))
        except (ValueError, TypeError, history.model.DoesNotExist):
            raise Http404("No such version of this record.") from None

    def history_compare_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            # A deleted record's history is still compared (its versions stay).
            if not self.model.history.filter(**{self.model._meta.pk.attname: object_id}).exists():
                raise Http404("No such record.")
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        one = self._version(object_id, request.GET.get("older"))
        two = self._version(object_id, request.GET.get("newer"))
        older, newer = sorted((one, two), key=lambda v: (v.history_date, v.history_id))
        delta = newer.diff_against(older, foreign_keys_are_objs=True)
        helper = self.get_historical_record_context_helper(request, newer)
        changes = helper.context_for_delta_changes(delta)
        password_reset = getattr(older, "password_encrypted", None) != getattr(
            newer, "password_encrypted", None
        )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "object": obj or newer.instance,
            "object_id": object_id,
            "older": older,
            "newer": newer,
            "changes": changes,
            "password_reset": password_reset,
            "title": f"Compare two versions of {obj or newer.instance}",
        }
        return TemplateResponse(request, "admin/rostering/history_compare.html", context)
