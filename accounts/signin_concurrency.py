"""At most SIGNIN_CONCURRENT_HASHES sign-ins of one web process check a password at once.

A password hash is deliberately slow (PBKDF2, about 0.3 s of CPU); a flood of sign-in POSTs
would otherwise take every thread of every web process and starve the other pages. A sign-in
past the limit waits up to SIGNIN_WAIT_SECONDS for a slot, then gets the sign-in page again
with "try again in a few seconds" (503, Retry-After), and is not counted as a failed attempt.
Pages that check no password never wait.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.contrib import messages
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)

# The views whose POST checks a password.
SIGN_IN_VIEWS = frozenset({"accounts:login", "accounts:district_login", "admin:login"})
BUSY = (
    "Many people are signing in at once. Wait a few seconds, then sign in again; your "
    "password was not checked."
)


def _checks_a_password(request) -> bool:
    if request.method != "POST":
        return False
    try:
        return resolve(request.path_info).view_name in SIGN_IN_VIEWS
    except Resolver404:
        return False


_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def limit() -> int:
    return max(1, int(settings.SIGNIN_CONCURRENT_HASHES))


def slots() -> threading.BoundedSemaphore:
    """This process's sign-in slots (one semaphore per limit, so a changed setting applies)."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(limit(), threading.BoundedSemaphore(limit()))


class SignInConcurrencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _checks_a_password(request):
            return self.get_response(request)
        held = slots()
        if not held.acquire(timeout=float(settings.SIGNIN_WAIT_SECONDS)):
            return self._busy(request)
        try:
            return self.get_response(request)
        finally:
            held.release()

    def _busy(self, request):
        log.warning("event=signin_busy path=%s limit=%s", request.path, limit())
        messages.warning(request, BUSY)
        request.method = "GET"  # the sign-in page again, with the message
        response = self.get_response(request)
        response.status_code = 503
        response["Retry-After"] = "5"
        response._has_been_logged = True  # logged above as a warning, not a server error
        return response
