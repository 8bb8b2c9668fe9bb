"""Sign-in throttling (django-axes): repeated wrong passwords lock the account, and an address
that fails too often is locked for every account, for a while; support staff lift a lock in
the admin ("Access attempts") or with ``manage.py axes_reset_username`` / ``axes_reset_ip``.

Every password sign-in (the portal's, the admin's, any other that calls ``authenticate`` with
its request) goes through ``SignInThrottleBackend`` first. A locked sign-in stops there, before
Django's ``ModelBackend`` runs the password hasher, so an attack costs the server a query per
attempt instead of a slow hash, and the portal stays fast for everyone else.

Settings (portal/settings/base.py): SIGNIN_FAILURE_LIMIT per account, SIGNIN_ADDRESS_FAILURE_LIMIT
per address, SIGNIN_LOCKOUT_MINUTES, SIGNIN_CLIENT_IP_HEADER.
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Max, Sum
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this account. Try again in {wait}, or ask support to unlock it."
)
ADDRESS_LOCKED = (
    "Too many failed sign-ins from your network address. Try again in {wait}, "
    "or ask support to unlock it."
)


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuses a sign-in while its account or address is locked (first in
    AUTHENTICATION_BACKENDS). ``authenticate`` without a request (the test client's
    ``login()``, a shell) has no address to count and is not a web sign-in: it passes on to
    the next backend. Every web sign-in form passes its request (Django's AuthenticationForm
    does), so it is always counted. A single sign-on callback is no password sign-in: the
    district's identity provider checked the person, so password locks neither stop it nor
    count its refusals (accounts/sso)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or is_single_sign_on(request):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_single_sign_on(request) -> bool:
    """True for the callback of a district's single sign-on (set by accounts.sso.views)."""
    return getattr(request, "sso_district", None) is not None


def username_of(request, credentials: dict | None) -> str | None:
    """The account a sign-in is for, as the lock counts it: "Ana.Lopez " and "ana.lopez" are
    one account, so changing the case does not buy an attacker more attempts."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    if raw is None:
        return None
    return str(raw).strip().lower() or None


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind a proxy and only when
    SIGNIN_CLIENT_IP_HEADER names the header the proxy sets (e.g. X-Forwarded-For), the
    address the proxy saw (the last one it appended). A client can put anything in such a
    header itself, so it is read only when the operator says a proxy sets it."""
    header = settings.SIGNIN_CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        value = request.META.get(key, "")
        addresses = [part.strip() for part in value.split(",") if part.strip()]
        if addresses:
            return addresses[-1][:45]
    return request.META.get("REMOTE_ADDR")


def _recent_attempts(request):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempt_time = getattr(request, "axes_attempt_time", None)
    if attempt_time is not None:
        since = attempt_time - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def _failures(attempts) -> tuple[int, object]:
    row = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return row["failures"] or 0, row["last"]


def lock_state(request, credentials: dict | None) -> tuple[str | None, object]:
    """("account" or "address", when the lock ends) when this sign-in is locked, else
    (None, None). The account locks at SIGNIN_FAILURE_LIMIT recent failures, the address at
    SIGNIN_ADDRESS_FAILURE_LIMIT (higher: a school signs in from one address)."""
    recent = _recent_attempts(request)
    username = username_of(request, credentials)
    if username:
        failures, last = _failures(recent.filter(username=username))
        if failures >= settings.SIGNIN_FAILURE_LIMIT:
            return "account", last + settings.AXES_COOLOFF_TIME
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if address:
        failures, last = _failures(recent.filter(ip_address=address))
        if failures >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT:
            return "address", last + settings.AXES_COOLOFF_TIME
    return None, None


class SignInThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits instead of one: per account and per address."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and is_single_sign_on(request):
            return None  # refused by single sign-on, not a wrong password
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT (= SIGNIN_FAILURE_LIMIT).
        kind, _until = lock_state(request, credentials)
        if kind is not None:
            return settings.AXES_FAILURE_LIMIT
        username = username_of(request, credentials)
        if not username:
            return 0
        failures, _last = _failures(_recent_attempts(request).filter(username=username))
        return failures


def lockout_message(request, credentials: dict | None) -> str:
    kind, until = lock_state(request, credentials)
    seconds = (until - timezone.now()).total_seconds() if until else 0
    minutes = max(1, math.ceil(seconds / 60))
    wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return (ADDRESS_LOCKED if kind == "address" else ACCOUNT_LOCKED).format(wait=wait)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page it was (the portal's or the admin's) again, with the lock explained
    as the form's error instead of "wrong password"; 429 Too Many Requests."""
    message = lockout_message(request, credentials)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and form is not None:
        form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class([message])})
        response = TemplateResponse(
            request,
            original_response.template_name,
            context,
            status=429,
            using=original_response.using,
        )
        return response.render()
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
