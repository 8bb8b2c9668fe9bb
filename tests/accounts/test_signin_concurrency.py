"""A flood of sign-ins checks at most SIGNIN_CONCURRENT_HASHES passwords at once per web
process: one more waits for a slot, or is asked to try again (503) without counting as a
failure, while pages that check no password are served at once."""

from __future__ import annotations

import threading
import time

from axes.models import AccessAttempt
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from accounts import signin_concurrency

PASSWORD = "homeroom-test"  # the factories' password
LIMIT = 2


def sign_in(client, username="tess", password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _hold_every_slot() -> threading.BoundedSemaphore:
    """The process's slots taken, as by LIMIT sign-ins hashing right now."""
    slots = signin_concurrency.slots()
    for _ in range(LIMIT):
        assert slots.acquire(timeout=1)
    return slots


@override_settings(SIGNIN_CONCURRENT_HASHES=LIMIT, SIGNIN_WAIT_SECONDS=1.0)
def test_the_sign_in_past_the_limit_is_told_to_retry_while_a_page_is_served(
    client, teacher, district_admin
):
    reader = Client()
    reader.force_login(district_admin)
    reader.get(reverse("rostering:student_list"))  # warm
    slots = _hold_every_slot()
    try:
        started = time.perf_counter()
        refused = sign_in(client)
        waited = time.perf_counter() - started

        started = time.perf_counter()
        page = reader.get(reverse("rostering:student_list"))
        page_seconds = time.perf_counter() - started
    finally:
        for _ in range(LIMIT):
            slots.release()

    assert refused.status_code == 503 and refused["Retry-After"] == "5"
    assert waited >= 1.0  # it waited for a slot first
    html = refused.content.decode()
    assert "Many people are signing in at once" in html and 'name="password"' in html
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # not a failed sign-in: nothing was checked
    assert page.status_code == 200 and page_seconds < 1.0  # never waited for a slot

    assert sign_in(client).status_code == 302  # a slot is free again: signed in
    assert "_auth_user_id" in client.session


@override_settings(SIGNIN_CONCURRENT_HASHES=LIMIT, SIGNIN_WAIT_SECONDS=5)
def test_a_sign_in_waits_for_the_slot_a_finishing_one_frees(client, teacher):
    slots = _hold_every_slot()
    release = threading.Timer(0.4, slots.release)  # one of the two hashes finishes
    release.start()
    try:
        started = time.perf_counter()
        response = sign_in(client)
        waited = time.perf_counter() - started
    finally:
        release.join()
        slots.release()
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert 0.4 <= waited < 5


@override_settings(SIGNIN_CONCURRENT_HASHES=LIMIT, SIGNIN_WAIT_SECONDS=5)
def test_six_concurrent_sign_ins_never_check_more_than_the_limit_at_once(rf):
    running, peak, lock = 0, 0, threading.Lock()

    def slow_password_check(request):  # the view behind the middleware, hashing for 0.1 s
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.1)
        with lock:
            running -= 1
        return HttpResponse("signed in")

    middleware = signin_concurrency.SignInConcurrencyMiddleware(slow_password_check)
    results = []

    def attempt():
        results.append(middleware(rf.post(reverse("accounts:login"))).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 6  # each waited its turn
    assert peak == LIMIT
