"""Management > Organization > Rostering method: the district's method and the chooser.

Administrators see the method and may use the chooser; only district administrators change
the method (a POST from anyone else is 403, and the service refuses it too).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import permissions
from accounts.permissions import Feature
from rostering import services
from rostering.forms.classes import apply_service_errors
from rostering.forms.organization import ChooserForm, RosteringMethodForm
from rostering.models import Organization
from rostering.rostering_method import WHAT_IT_MEANS, recommend

from .organization import require_district_member


@login_required
def rostering_method(request: HttpRequest) -> HttpResponse:
    district = require_district_member(request)
    user = request.user
    permissions.require_feature(user, Feature.MANAGE_ORGANIZATION)
    can_change = permissions.has_feature(user, Feature.MANAGE_ROSTERING_METHOD)
    method_form = RosteringMethodForm(initial={"rostering_method": district.rostering_method})
    if request.method == "POST":
        permissions.require_feature(user, Feature.MANAGE_ROSTERING_METHOD)
        method_form = RosteringMethodForm(request.POST)
        if method_form.is_valid():
            method = method_form.cleaned_data["rostering_method"]
            had_sso = district.sso_enabled
            try:
                services.organization_update(
                    actor=user, organization=district, rostering_method=method
                )
            except ValidationError as exc:
                district.refresh_from_db()
                apply_service_errors(method_form, exc)
            else:
                label = Organization.RosteringMethod(method).label
                messages.success(request, f"{district} now uses {label} rostering.")
                if getattr(district, "sync_paused", False):
                    messages.warning(
                        request,
                        "The scheduled SIS sync is paused: it runs only with automated "
                        "rostering. Its settings are kept under SIS sync.",
                    )
                if had_sso and not district.sso_enabled:
                    messages.warning(
                        request,
                        "Single sign-on is now off: it comes with automated rostering only. "
                        "Educators sign in with their username and password.",
                    )
                return redirect("rostering:organization")

    answered = bool(set(request.GET) & {"head_count", "mobility", "updates", "current_method"})
    chooser = ChooserForm(request.GET if answered else None)
    recommendation = recommend(chooser.answers()) if answered and chooser.is_valid() else None
    if not can_change:
        for field in method_form.fields.values():
            field.disabled = True
    return render(
        request,
        "rostering/organization/rostering_method.html",
        {
            "district": district,
            "method_form": method_form,
            "can_change": can_change,
            "chooser": chooser,
            "recommendation": recommendation,
            "recommended_rows": WHAT_IT_MEANS[recommendation.method] if recommendation else (),
        },
    )
