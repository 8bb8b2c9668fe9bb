"""Signing in through a district's identity provider, against a real OpenID Connect provider
on localhost (tests/oidc_provider.py): the sign-in, and each refusal with its page."""

from __future__ import annotations

import base64
import hashlib
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests import factories
from tests.factories_sso import SignOnConfigurationFactory, SyncedEducatorFactory

User = get_user_model()


def start(client, slug="maple", **query):
    response = client.get(reverse("sso:start", args=[slug]), query)
    assert response.status_code == 302, response.content
    return response["Location"]


def sign_in(client, provider, sub, slug="maple"):
    """Start at the district, sign in at the provider as ``sub``, come back."""
    callback = provider.authorize(start(client, slug), sub)
    return client.get(callback)


def refusal(response) -> tuple[str, str]:
    return response.context["refusal"].reason, response.context["refusal"].message


def test_a_synced_teacher_signs_in_and_lands_on_the_home_page(
    client, maple_sso, oidc_provider, synced_teacher, caplog
):
    caplog.set_level(logging.INFO, logger="homeroom.sso")
    response = sign_in(client, oidc_provider, "tia@maple.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.context["user"] == synced_teacher.user
    assert "You are signed in as a teacher" in home.content.decode()
    assert client.session.get_expiry_age() == 12 * 3600
    stored = dict(client.session.items())
    assert not any("token" in key and "expiration" not in key for key in stored)
    assert stored.get("oidc_states") == {}  # the state is used up
    assert "SSO sign-in: district=maple claim=email value='tia@maple.org'" in caplog.text


def test_the_session_lifetime_is_a_setting(
    client, settings, maple_sso, oidc_provider, synced_teacher
):
    settings.SSO_SESSION_HOURS = 1
    sign_in(client, oidc_provider, "tia@maple.org")
    assert client.session.get_expiry_age() == 3600


def test_the_request_to_the_provider_carries_state_nonce_and_pkce(client, maple_sso, oidc_provider):
    location = start(client, login_hint="tia@maple.org")
    assert location.startswith(oidc_provider.issuer + "/oauth2/authorize?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    assert query["client_id"] == "homeroom-portal"
    assert query["login_hint"] == "tia@maple.org"
    assert query["code_challenge_method"] == "S256"
    kept = client.session["oidc_states"][query["state"]]
    assert kept["nonce"] == query["nonce"] and len(query["nonce"]) >= 32
    digest = hashlib.sha256(kept["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]


def test_the_district_sign_in_page_offers_the_provider(client, maple_sso):
    page = client.get(reverse("accounts:district_login", args=["maple"])).content.decode()
    assert "Sign in with your district account" in page
    assert reverse("sso:start", args=["maple"]) in page
    assert 'name="password"' in page


def test_an_unknown_identity_is_refused_and_no_account_is_made(
    client, maple_sso, oidc_provider, synced_teacher, caplog
):
    users = User.objects.count()
    response = sign_in(client, oidc_provider, "nobody@maple.org")
    assert response.status_code == 403
    reason, message = refusal(response)
    assert reason == "no_match"
    assert "No educator of Maple District has the email nobody@maple.org" in message
    assert User.objects.count() == users
    assert "_auth_user_id" not in client.session
    assert "SSO refused: district=maple reason=no_match claim=email" in caplog.text


def test_a_match_in_another_district_is_refused(client, world, maple_sso, oidc_provider):
    SyncedEducatorFactory(organization=world.outsider_school, email="olga@maple.org")
    response = sign_in(client, oidc_provider, "olga@maple.org")
    assert response.status_code == 403
    assert refusal(response)[0] == "other_district"
    assert "is not an educator of Maple District" in refusal(response)[1]
    assert "_auth_user_id" not in client.session


def test_an_inactive_educator_is_refused(client, maple_sso, oidc_provider, synced_teacher):
    synced_teacher.is_active = False
    synced_teacher.save()
    response = sign_in(client, oidc_provider, "tia@maple.org")
    assert response.status_code == 403
    assert refusal(response)[0] == "inactive"
    assert "_auth_user_id" not in client.session


def test_a_manual_educator_is_not_matched(client, world, maple_sso, oidc_provider):
    factories.EducatorFactory(organization=world.school, email="manny@maple.org")
    response = sign_in(client, oidc_provider, "manny@maple.org")
    assert refusal(response)[0] == "no_match"


def test_an_email_outside_the_allowed_domains_is_refused(client, world, maple_sso, oidc_provider):
    SyncedEducatorFactory(organization=world.school, email="gus@gmail.com")
    response = sign_in(client, oidc_provider, "gus@gmail.com")
    assert response.status_code == 403
    reason, message = refusal(response)
    assert reason == "domain_not_allowed"
    assert "accepts sign-ins from @maple.org only" in message


def test_matching_by_username_reads_preferred_username(
    client, maple_sso, oidc_provider, synced_teacher
):
    maple_sso.match_claim = "username"
    maple_sso.save()
    oidc_provider.set_user("tia-sub", email="tia@maple.org", preferred_username="TIA")
    response = sign_in(client, oidc_provider, "tia-sub")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(synced_teacher.user.pk)


def test_matching_by_sis_id_reads_the_sis_id_claim(
    client, maple_sso, oidc_provider, synced_teacher
):
    maple_sso.match_claim = "sis_id"
    maple_sso.save()
    oidc_provider.set_user("tia-sis", email="tia@maple.org", sis_id=synced_teacher.sis_sourced_id)
    oidc_provider.set_user("nosis", email="tia@maple.org")
    assert sign_in(client, oidc_provider, "tia-sis").status_code == 302
    client.logout()
    response = sign_in(client, oidc_provider, "nosis")
    assert refusal(response)[0] == "claim_missing"


def test_a_self_managed_district_offers_no_provider(client, world, oidc_provider, caplog):
    page = client.get(reverse("accounts:district_login", args=["oak"])).content.decode()
    assert reverse("sso:start", args=["oak"]) not in page
    response = client.get(reverse("sso:start", args=["oak"]))
    assert response.status_code == 403
    assert refusal(response)[0] == "sso_off"
    assert "Sign in with your username and password" in refusal(response)[1]
    assert "district=oak reason=sso_off" in caplog.text


def test_a_district_that_left_automated_rostering_refuses_the_callback(
    client, world, maple_sso, oidc_provider, synced_teacher
):
    callback = oidc_provider.authorize(start(client), "tia@maple.org")
    world.district.rostering_method = "assisted"
    world.district.save()
    response = client.get(callback)
    assert response.status_code == 403
    assert refusal(response)[0] == "sso_off"
    assert "_auth_user_id" not in client.session


def test_a_tampered_state_is_refused(client, maple_sso, oidc_provider, synced_teacher):
    callback = oidc_provider.authorize(start(client), "tia@maple.org")
    tampered = callback.replace("state=", "state=x")
    response = client.get(tampered)
    assert response.status_code == 400
    assert refusal(response)[0] == "state"
    assert "not valid any more" in refusal(response)[1]
    assert "_auth_user_id" not in client.session


def test_a_callback_cannot_be_replayed(client, maple_sso, oidc_provider, synced_teacher):
    callback = oidc_provider.authorize(start(client), "tia@maple.org")
    assert client.get(callback).status_code == 302
    client.logout()
    response = client.get(callback)
    assert response.status_code == 400
    assert refusal(response)[0] == "state"


def test_a_callback_in_another_browser_is_refused(client, maple_sso, oidc_provider, synced_teacher):
    from django.test import Client

    callback = oidc_provider.authorize(start(client), "tia@maple.org")
    response = Client().get(callback)
    assert response.status_code == 400
    assert refusal(response)[0] == "state"


def test_an_expired_token_is_refused(client, world, expiring_oidc_provider, synced_teacher):
    SignOnConfigurationFactory(district=world.district, issuer=expiring_oidc_provider.issuer)
    response = sign_in(client, expiring_oidc_provider, "tia@maple.org")
    assert response.status_code == 403
    reason, message = refusal(response)
    assert reason == "token_expired"
    assert "the token has expired" in message
    assert "_auth_user_id" not in client.session


def test_a_denial_at_the_provider_is_explained(client, maple_sso, oidc_provider):
    import requests

    location = start(client)
    answer = requests.post(location, data={"action": "deny"}, allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 403
    assert refusal(response)[0] == "provider_refused"
    assert "access_denied" in refusal(response)[1]


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"client_id": "another-app"}, "wrong_audience"), ({"issuer": "x"}, "wrong_issuer")],
)
def test_a_token_for_another_app_or_from_another_issuer_is_refused(
    world, maple_sso, oidc_provider, rf, change, reason
):
    """The library checks the signature and nonce only; the backend checks the rest."""
    from accounts.sso.backend import DistrictOIDCBackend
    from accounts.sso.matching import SignOnRefused
    from accounts.sso.providers import discover

    id_token = oidc_provider.id_token(client_id="homeroom-portal", sub="tia@maple.org")
    backend = DistrictOIDCBackend()
    endpoints = discover(maple_sso.issuer)
    backend.district, backend.configuration = world.district, maple_sso
    backend.issuer = change.get("issuer", endpoints.issuer)
    backend.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
    backend.OIDC_RP_CLIENT_ID = change.get("client_id", "homeroom-portal")
    with pytest.raises(SignOnRefused) as refused:
        backend.verify_token(id_token, nonce="n-0S6_WzA2Mj")
    assert refused.value.reason == reason
    backend.OIDC_RP_CLIENT_ID, backend.issuer = "homeroom-portal", endpoints.issuer
    assert backend.verify_token(id_token, nonce="n-0S6_WzA2Mj")["sub"] == "tia@maple.org"


def test_refusals_are_not_counted_as_wrong_passwords(client, maple_sso, oidc_provider):
    from axes.models import AccessAttempt

    for _ in range(3):
        sign_in(client, oidc_provider, "nobody@maple.org")
    assert not AccessAttempt.objects.exists()


def test_a_password_lock_does_not_stop_single_sign_on(
    client, settings, maple_sso, oidc_provider, synced_teacher
):
    settings.SIGNIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 2
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "tia", "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": "tia", "password": "x"})
    assert locked.status_code == 429
    response = sign_in(client, oidc_provider, "tia@maple.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(synced_teacher.user.pk)
