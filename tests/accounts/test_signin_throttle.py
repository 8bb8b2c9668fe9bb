"""Repeated wrong passwords lock the account (from any address) and an address that fails too
often (for any accounts); the sign-in page says why and for how long; support lifts a lock."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

PASSWORD = "homeroom-test"  # the factories' password
ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this account. Try again in 15 minutes, "
    "or ask support to unlock it."
)


def sign_in(client, username, password, address="203.0.113.10", url=None, **extra):
    return client.post(
        url or reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, address="203.0.113.10", url=None):
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address, url=url)
        assert not signed_in(client)
    return response


def test_fifty_wrong_passwords_then_the_right_one_is_refused(client, teacher):
    fail(client, "tess", 50)

    response = sign_in(client, "tess", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert ACCOUNT_LOCKED in page
    assert 'name="password"' in page  # still the sign-in page, not an error page


def test_the_lock_is_said_from_the_failure_that_locks(client, teacher):
    responses = [sign_in(client, "tess", "wrong") for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Please enter a correct username and password" in responses[3].content.decode()
    assert ACCOUNT_LOCKED in responses[4].content.decode()


def test_other_users_still_sign_in_while_an_account_is_locked(client, teacher, school_admin):
    fail(client, "tess", 50)

    # Sam signs in from the same school network, and from home.
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    assert signed_in(client)
    client.logout()
    assert sign_in(client, "sam", PASSWORD, address="198.51.100.7").status_code == 302
    assert signed_in(client)


def test_a_locked_account_is_refused_from_another_address(client, teacher):
    fail(client, "tess", 5, address="203.0.113.10")

    response = sign_in(client, "tess", PASSWORD, address="198.51.100.7")

    assert response.status_code == 429
    assert not signed_in(client)
    assert ACCOUNT_LOCKED in response.content.decode()


def test_changing_the_case_of_the_username_buys_no_more_attempts(client, teacher):
    for spelling in ("tess", "Tess", "TESS", " tess", "tEss"):
        sign_in(client, spelling, "wrong")

    assert sign_in(client, "tess", PASSWORD).status_code == 429
    assert not signed_in(client)


def test_a_locked_address_cannot_try_other_accounts(client, teacher, school_admin):
    for n in range(30):  # default SIGNIN_ADDRESS_FAILURE_LIMIT: 30 failures, any accounts
        sign_in(client, f"guess{n}", "wrong", address="192.0.2.66")

    response = sign_in(client, "tess", PASSWORD, address="192.0.2.66")

    assert response.status_code == 429
    assert not signed_in(client)
    assert (
        "Too many failed sign-ins from your network address. Try again in 15 minutes, "
        "or ask support to unlock it."
    ) in response.content.decode()
    # The accounts themselves are not locked: from another address Tess signs in.
    assert sign_in(client, "tess", PASSWORD, address="198.51.100.7").status_code == 302


@override_settings(SIGNIN_FAILURE_LIMIT=3, AXES_FAILURE_LIMIT=3, SIGNIN_LOCKOUT_MINUTES=60)
def test_the_limit_and_the_wait_come_from_the_settings(client, teacher, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=60)
    fail(client, "tess", 3)

    response = sign_in(client, "tess", PASSWORD)

    assert response.status_code == 429
    assert "Try again in 60 minutes" in response.content.decode()


def test_a_locked_sign_in_never_runs_the_password_check(client, teacher):
    fail(client, "tess", 5)

    with mock.patch.object(ModelBackend, "authenticate", autospec=True) as check:
        response = sign_in(client, "tess", PASSWORD)

    assert response.status_code == 429
    check.assert_not_called()


def test_the_lock_ends_after_the_lockout_time(client, teacher):
    fail(client, "tess", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, "tess", PASSWORD).status_code == 302
    assert signed_in(client)


def test_support_lifts_the_lock_in_the_admin_and_the_teacher_signs_in(client, teacher, support):
    fail(client, "tess", 5)
    assert sign_in(client, "tess", PASSWORD).status_code == 429

    client.force_login(support)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "tess" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="tess")
    confirm = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk]}
    )
    assert confirm.status_code == 200  # "Are you sure?"
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(username="tess").exists()
    client.logout()

    assert sign_in(client, "tess", PASSWORD).status_code == 302
    assert signed_in(client)


def test_support_lifts_the_lock_from_the_command_line(client, teacher):
    fail(client, "tess", 5)

    call_command("axes_reset_username", "tess", verbosity=0)

    assert sign_in(client, "tess", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, support):
    url = reverse("admin:login")
    fail(client, "sky", 5, url=url)

    response = sign_in(client, "sky", PASSWORD, url=url)

    assert response.status_code == 429
    assert not signed_in(client)
    assert ACCOUNT_LOCKED in response.content.decode()


def test_a_forged_forwarded_header_is_ignored_unless_a_proxy_is_configured(client, teacher):
    for n in range(5):
        sign_in(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.10"}


@override_settings(SIGNIN_CLIENT_IP_HEADER="X-Forwarded-For")
def test_behind_a_proxy_the_address_comes_from_the_configured_header(client, teacher):
    sign_in(
        client,
        "tess",
        "wrong",
        address="10.1.1.1",  # the proxy
        HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44",  # forged by the client, then the proxy's
    )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.44"]


def test_attempts_keep_no_password(client, teacher):
    sign_in(client, "tess", "my-secret-guess-123")

    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess-123" not in attempt.post_data


@pytest.mark.parametrize("who", ["teacher", "school_admin", "district_admin", "support"])
def test_everyone_signs_in_normally(client, people, who):
    user = people[who]
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_test_client_login_still_works(client, teacher):
    fail(client, "tess", 2)
    assert client.login(username="tess", password=PASSWORD)


def test_support_staff_may_lift_locks_through_their_group(support):
    assert support.has_perm("axes.view_accessattempt")
    assert support.has_perm("axes.delete_accessattempt")
    assert not support.is_superuser
