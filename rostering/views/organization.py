"""Management > Organization: the district's tree, adding a school, editing names and settings.

Everyone with a district role sees the tree of the organizations they belong to (teachers
read-only). Administrators edit the organizations in their scope; only district-wide
administrators add schools. Outside the user's organizations: 404; visible but not
changeable: 403 (accounts.permissions decides both).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import Feature
from rostering import services
from rostering.forms.classes import apply_service_errors
from rostering.forms.organization import OrganizationCreateForm, OrganizationEditForm
from rostering.models import Organization
from rostering.rostering_method import WHAT_IT_MEANS
from rostering.selectors import district_of
from rostering.selectors.organizations import organization_tree


def require_district_member(request: HttpRequest) -> Organization:
    """The user's district; support staff (no district) manage organizations in the admin."""
    district = district_of(request.user)
    if district is None:
        raise PermissionDenied("Support staff manage organizations in the support admin.")
    return district


def can_add_organization(user, district: Organization) -> bool:
    return permissions.has_feature(user, Feature.MANAGE_ORGANIZATION) and permissions.can_create_in(
        user, district_id=district.pk
    )


@login_required
def organization_home(request: HttpRequest) -> HttpResponse:
    district = require_district_member(request)
    user = request.user
    return render(
        request,
        "rostering/organization/home.html",
        {
            "district": district,
            "tree": organization_tree(user),
            "method_rows": WHAT_IT_MEANS.get(district.rostering_method, ()),
            "can_add": can_add_organization(user, district),
            "can_bulk_create": permissions.has_feature(user, Feature.BULK_CREATE_STUDENTS),
            "can_choose": permissions.has_feature(user, Feature.MANAGE_ORGANIZATION),
            "is_automated": district.rostering_method == Organization.RosteringMethod.AUTOMATED,
            "can_manage_alerts": permissions.has_feature(user, Feature.MANAGE_ALERTS),
        },
    )


@login_required
@require_POST
def organization_alerts(request: HttpRequest) -> HttpResponse:
    """Turn the district's email alerts on or off (district administrators)."""
    district = require_district_member(request)
    services.organization_update(
        actor=request.user,
        organization=district,
        email_alerts=request.POST.get("email_alerts") == "on",
    )
    state = "on" if district.email_alerts else "off"
    messages.success(request, f"Email alerts are {state}.")
    return redirect("rostering:organization")


@login_required
def organization_add(request: HttpRequest) -> HttpResponse:
    district = require_district_member(request)
    if not can_add_organization(request.user, district):
        raise PermissionDenied("Only district administrators add schools.")
    form = OrganizationCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(
                actor=request.user, district=district, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{org} added to {district}.")
            return redirect("rostering:organization")
    return render(request, "rostering/organization/add.html", {"form": form})


@login_required
@require_POST
def organization_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate or reactivate a school (administrators who may change it)."""
    require_district_member(request)
    org = permissions.get_visible_or_404(request.user, Organization, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        changed = services.organization_set_active(
            actor=request.user, organization=org, active=active
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not changed:
            messages.info(request, f"{org} was already {'active' if active else 'inactive'}.")
        elif active:
            messages.success(request, f"{org} is active again: it is offered in the pickers.")
        else:
            messages.success(
                request,
                f"{org} is inactive: it is no longer offered for new students, educators or "
                "classes/groups. Its records stay as they are.",
            )
    return redirect("rostering:organization")


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_district_member(request)
    user = request.user
    org = permissions.get_visible_or_404(user, Organization, pk=pk)
    permissions.require_feature(user, Feature.MANAGE_ORGANIZATION)
    permissions.require_change(user, org)
    form = OrganizationEditForm(request.POST or None, user=user, organization=org)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, "Nothing to save: no field was changed.")
            return redirect("rostering:organization")
        try:
            services.organization_update(actor=user, organization=org, **changes)
        except ValidationError as exc:
            org.refresh_from_db()
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {org}.")
            return redirect("rostering:organization")
    return render(
        request,
        "rostering/organization/edit.html",
        {"organization": org, "form": form},
    )
