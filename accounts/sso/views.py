"""Signing in through a district's provider: the district's sign-in page, finding the district
by email, the redirect to the provider and the callback (mozilla-django-oidc's views, given
the district's provider), and the refusal page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from rostering.models import Organization

from .forms import FindDistrictForm, SignInForm
from .matching import SignOnRefused, refuse
from .providers import DiscoveryError, discover
from .services import active_configuration, district_for_email

DISTRICT_KEY = "district_id"  # in the library's per-state session entry


def _district(slug: str) -> Organization:
    district = Organization.objects.districts().filter(slug=slug).first()
    if district is None:
        raise Http404("No district has this sign-in address.")
    return district


def refusal_page(request: HttpRequest, refusal: SignOnRefused, district=None) -> HttpResponse:
    return render(
        request,
        "sso/refused.html",
        {"refusal": refusal, "district": district},
        status=refusal.status,
    )


def _sso_off(district: Organization) -> SignOnRefused:
    return refuse(
        district,
        "sso_off",
        f"{district} does not sign in through an identity provider in Homeroom (single "
        "sign-on comes with automated rostering). Sign in with your username and password.",
    )


class SignInView(auth_views.LoginView):
    """/accounts/login/ and /accounts/login/<district-slug>/: the password form, and, for a
    district with single sign-on, its provider's button."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.kwargs.get("slug")
        district = _district(slug) if slug else None
        configuration = active_configuration(district) if district else None
        context.update(
            district=district,
            sign_on=configuration,
            show_password=configuration is None or configuration.educator_passwords,
            find_form=FindDistrictForm() if district is None else None,
        )
        return context


def find_district(request: HttpRequest) -> HttpResponse:
    """The email typed on the sign-in page: on to its district's provider, or back."""
    form = FindDistrictForm(request.GET)
    district = district_for_email(form.data.get("email", "")) if form.is_valid() else None
    if district is None:
        messages.warning(
            request,
            "No district signs in with that email address here: sign in with your "
            "username and password.",
        )
        return redirect("accounts:login")
    query = {"login_hint": form.cleaned_data["email"]}
    if request.GET.get("next"):
        query["next"] = request.GET["next"]
    return redirect(reverse("sso:start", args=[district.slug]) + "?" + urlencode(query))


class StartView(OIDCAuthenticationRequestView):
    """Off to the district's provider, with state, nonce and PKCE kept in the session."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the provider is the district's, read in get()

    def get(self, request, slug):
        district = _district(slug)
        configuration = active_configuration(district)
        if configuration is None:
            return refusal_page(request, _sso_off(district), district)
        try:
            endpoints = discover(configuration.issuer)
        except DiscoveryError as exc:
            refusal = refuse(
                district,
                "provider_unreachable",
                f"{configuration.provider_label} cannot be reached right now ({exc}). Try "
                "again in a few minutes, or sign in with your username and password.",
                status=502,
            )
            return refusal_page(request, refusal, district)
        self.OIDC_OP_AUTH_ENDPOINT = endpoints.authorization
        self.OIDC_RP_CLIENT_ID = configuration.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state][DISTRICT_KEY] = district.pk
        request.session.modified = True
        return response

    def get_extra_params(self, request):
        hint = request.GET.get("login_hint", "").strip()
        return {"login_hint": hint} if hint else {}


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: the district is the one the sign-in was started for (kept with
    its state); the backend finds the educator or says why not."""

    def get(self, request):
        state = request.GET.get("state", "")
        entry = request.session.get("oidc_states", {}).get(state)
        district = None
        if entry is not None:
            district = Organization.objects.districts().filter(pk=entry.get(DISTRICT_KEY)).first()
        if district is None and request.GET.get("error"):
            # A provider may leave the state out of an error (the local test provider does).
            refusal = refuse(
                None,
                "provider_refused",
                f"Your identity provider did not sign you in ({request.GET['error']}). Start "
                "again from your district's sign-in page, or ask your district administrator.",
            )
            return refusal_page(request, refusal)
        if district is None:
            return refusal_page(
                request,
                refuse(
                    None,
                    "state",
                    "This sign-in is not valid any more: it was already used, changed, or "
                    "started in another browser. Start again from your district's sign-in "
                    "page.",
                    status=400,
                ),
            )
        configuration = active_configuration(district)
        if configuration is None:
            return refusal_page(request, _sso_off(district), district)
        request.sso_district, request.sso_configuration = district, configuration
        if request.GET.get("error"):
            super().get(request)  # forgets the state
            refusal = refuse(
                district,
                "provider_refused",
                f"{configuration.provider_label} did not sign you in "
                f"({request.GET['error']}). Start again, or ask your district administrator.",
            )
            return refusal_page(request, refusal, district)
        try:
            return super().get(request)
        except SuspiciousOperation:
            return refusal_page(
                request, refuse(district, "state", "This sign-in is not valid.", status=400)
            )

    def login_success(self):
        response = super().login_success()
        self.request.session.set_expiry(int(settings.SSO_SESSION_HOURS * 3600))
        self.request.session["signed_in_with"] = "sso"
        return response

    def login_failure(self):
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal is None:
            refusal = refuse(
                self.request.sso_district,
                "not_signed_in",
                "The sign-in did not complete. Start again from your district's sign-in page.",
            )
        return refusal_page(self.request, refusal, self.request.sso_district)
