"""The sign-in page with single sign-on: the district's link, finding the district by email,
and passwords turned off for a district's educators (support staff keep theirs)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from tests import factories

LOGIN = reverse("accounts:login")


def post_password(client, username, password="homeroom-test", url=LOGIN):
    return client.post(url, {"username": username, "password": password})


def test_the_general_sign_in_page_asks_for_a_school_email(client, maple_sso):
    page = client.get(LOGIN).content.decode()
    assert "Continue with my school email" in page
    assert 'name="password"' in page


def test_a_school_email_leads_to_its_districts_provider(client, maple_sso, oidc_provider):
    response = client.get(reverse("sso:find"), {"email": "Tia@Maple.org"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("sso:start", args=["maple"])
    assert parse_qs(location.query)["login_hint"] == ["Tia@Maple.org"]


def test_an_email_no_district_signs_in_goes_back_with_a_message(client, maple_sso):
    response = client.get(reverse("sso:find"), {"email": "ana@elsewhere.org"}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "No district signs in with that email address here" in response.content.decode()


def test_an_unknown_district_link_is_not_found(client, db):
    assert client.get(reverse("accounts:district_login", args=["nowhere"])).status_code == 404


def test_passwords_stay_unless_the_district_turns_them_off(client, maple_sso, synced_teacher):
    synced_teacher.user.set_password("homeroom-test")
    synced_teacher.user.save()
    assert post_password(client, "tia").status_code == 302


def test_with_passwords_off_an_educator_is_sent_to_the_provider(
    client, world, maple_sso, synced_teacher, district_admin
):
    maple_sso.educator_passwords = False
    maple_sso.save()
    synced_teacher.user.set_password("homeroom-test")
    synced_teacher.user.save()
    response = post_password(client, "tia")
    assert response.status_code == 200
    assert "Maple District signs educators in with your district only" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert post_password(client, "dana").status_code == 200  # the district's admin too
    district_page = client.get(reverse("accounts:district_login", args=["maple"]))
    assert 'name="password"' not in district_page.content.decode()
    assert "Sign in with your district account" in district_page.content.decode()


def test_with_passwords_off_a_wrong_password_says_only_that(client, maple_sso, synced_teacher):
    maple_sso.educator_passwords = False
    maple_sso.save()
    response = post_password(client, "tia", password="wrong")
    assert "Please enter a correct username and password" in response.content.decode()


def test_support_staff_and_superusers_keep_their_password(client, maple_sso, support):
    maple_sso.educator_passwords = False
    maple_sso.save()
    assert post_password(client, "sky").status_code == 302
    client.logout()
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert post_password(client, "root").status_code == 302


def test_password_sign_in_is_still_throttled(client, settings, maple_sso, synced_teacher):
    settings.SIGNIN_FAILURE_LIMIT = 2
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        post_password(client, "tia", password="wrong")
    synced_teacher.user.set_password("homeroom-test")
    synced_teacher.user.save()
    assert post_password(client, "tia").status_code == 429
