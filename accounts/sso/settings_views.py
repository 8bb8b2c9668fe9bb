"""Management > Organization > Single sign-on: district administrators set their district's
provider. Others: 403 (school administrators, teachers); the page shows only the viewer's own
district, so another district's settings are out of reach."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions
from accounts.permissions import Feature
from rostering.forms.classes import apply_service_errors
from rostering.models import Organization
from rostering.selectors import district_of

from .services import configuration_of, sign_on_update
from .settings_forms import SignOnSettingsForm


@login_required
def sign_on_settings(request: HttpRequest) -> HttpResponse:
    permissions.require_feature(request.user, Feature.MANAGE_SINGLE_SIGN_ON)
    district = district_of(request.user)
    if district is None:
        raise PermissionDenied("Support staff set single sign-on in the support admin.")
    configuration = configuration_of(district)
    form = SignOnSettingsForm(initial=SignOnSettingsForm.initial_for(configuration))
    if request.method == "POST":
        form = SignOnSettingsForm(request.POST)
        if form.is_valid():
            try:
                sign_on_update(actor=request.user, district=district, **form.cleaned_data)
            except ValidationError as exc:
                district.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                district.refresh_from_db()
                state = "on" if district.sso_enabled else "off"
                messages.success(request, f"Single sign-on for {district} is {state}.")
                return redirect("sso:settings")
    return render(
        request,
        "sso/settings.html",
        {
            "district": district,
            "form": form,
            "configuration": configuration,
            "is_automated": district.rostering_method == Organization.RosteringMethod.AUTOMATED,
            "sign_in_url": request.build_absolute_uri(
                reverse("accounts:district_login", args=[district.slug])
            ),
            "callback_url": request.build_absolute_uri(reverse("sso:callback")),
        },
    )
