"""Management > Organization > Single sign-on, the admin's configuration, and seed_demo's."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.sso.models import SignOnConfiguration
from rostering.models import Educator, Organization
from tests.factories_sso import SignOnConfigurationFactory

SETTINGS = reverse("sso:settings")


def automated(district):
    Organization.objects.filter(pk=district.pk).update(rostering_method="automated")
    district.refresh_from_db()


def form(issuer, **overrides):
    data = {
        "enabled": "on",
        "provider": "other",
        "issuer": issuer,
        "client_id": "maple-portal",
        "client_secret": "maple-very-secret",
        "allowed_domains": "maple.org, MAPLE-schools.org",
        "match_claim": "email",
        "educator_passwords": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_district_admin_turns_single_sign_on_on(client, world, district_admin, oidc_provider):
    automated(world.district)
    client.force_login(district_admin)
    response = client.post(SETTINGS, form(oidc_provider.issuer), follow=True)
    assert "Single sign-on for Maple District is on." in [
        str(m) for m in response.context["messages"]
    ]
    world.district.refresh_from_db()
    assert world.district.sso_enabled is True
    configuration = SignOnConfiguration.objects.get(district=world.district)
    assert configuration.domains == ["maple-schools.org", "maple.org"]
    assert bytes(configuration.client_secret) == b"maple-very-secret"
    assert "maple-very-secret" not in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret FROM sso_signonconfiguration WHERE id = %s", [configuration.pk]
        )
        stored = bytes(cursor.fetchone()[0])
    assert b"maple-very-secret" not in stored and stored


def test_a_blank_secret_keeps_the_stored_one(client, world, district_admin, oidc_provider):
    SignOnConfigurationFactory(district=world.district, issuer=oidc_provider.issuer)
    client.force_login(district_admin)
    client.post(SETTINGS, form(oidc_provider.issuer, client_secret=""))
    configuration = SignOnConfiguration.objects.get(district=world.district)
    assert bytes(configuration.client_secret) == b"local-test-secret"
    assert configuration.client_id == "maple-portal"


def test_single_sign_on_needs_automated_rostering(client, world, district_admin, oidc_provider):
    client.force_login(district_admin)
    page = client.get(SETTINGS).content.decode()
    assert "Single sign-on comes with automated rostering" in page
    response = client.post(SETTINGS, form(oidc_provider.issuer))
    assert response.status_code == 200
    assert "automated rostering only" in str(response.context["form"].errors["enabled"])
    world.district.refresh_from_db()
    assert world.district.sso_enabled is False
    assert not SignOnConfiguration.objects.exists()


def test_turning_it_on_without_a_secret_is_refused(client, world, district_admin, oidc_provider):
    automated(world.district)
    client.force_login(district_admin)
    response = client.post(SETTINGS, form(oidc_provider.issuer, client_secret=""))
    assert "fill in the client secret" in str(response.context["form"].errors["enabled"])
    world.district.refresh_from_db()
    assert world.district.sso_enabled is False


def test_an_issuer_without_openid_configuration_is_refused(client, world, district_admin):
    automated(world.district)
    client.force_login(district_admin)
    response = client.post(SETTINGS, form("http://127.0.0.1:9/"))
    assert "could not be read" in str(response.context["form"].errors["issuer"])
    assert not SignOnConfiguration.objects.exists()


def test_a_domain_another_district_uses_is_refused(client, world, district_admin, oidc_provider):
    SignOnConfigurationFactory(
        district=world.other_district, issuer=oidc_provider.issuer, allowed_domains="oak.org"
    )
    automated(world.district)
    client.force_login(district_admin)
    response = client.post(SETTINGS, form(oidc_provider.issuer, allowed_domains="OAK.org"))
    assert "oak.org already signs in to another district" in str(
        response.context["form"].errors["allowed_domains"]
    )


@pytest.mark.parametrize("role", ["teacher", "school_admin"])
def test_teachers_and_school_admins_cannot_read_or_change_it(
    client, world, people, role, oidc_provider
):
    SignOnConfigurationFactory(district=world.district, issuer=oidc_provider.issuer)
    client.force_login(people[role])
    assert client.get(SETTINGS).status_code == 403
    response = client.post(SETTINGS, form(oidc_provider.issuer, enabled=None))
    assert response.status_code == 403
    world.district.refresh_from_db()
    assert world.district.sso_enabled is True
    assert SignOnConfiguration.objects.get(district=world.district).client_id == "homeroom-portal"


def test_another_districts_admin_sees_and_changes_only_their_own(
    client, world, outsider, oidc_provider
):
    SignOnConfigurationFactory(district=world.district, issuer=oidc_provider.issuer)
    client.force_login(outsider)
    page = client.get(SETTINGS)
    assert page.context["district"] == world.other_district
    assert "homeroom-portal" not in page.content.decode()
    client.post(SETTINGS, form(oidc_provider.issuer, enabled=None, client_id="oak-portal"))
    maple = SignOnConfiguration.objects.get(district=world.district)
    assert maple.client_id == "homeroom-portal"
    assert SignOnConfiguration.objects.get(district=world.other_district).client_id == "oak-portal"


def test_the_service_refuses_another_districts_admin(world, outsider, oidc_provider):
    from django.core.exceptions import PermissionDenied

    from accounts.sso.services import sign_on_update

    with pytest.raises(PermissionDenied):
        sign_on_update(actor=outsider, district=world.district, enabled=False, provider="google")
    assert not SignOnConfiguration.objects.exists()


def test_support_staff_set_it_in_the_admin(client, world, support, oidc_provider):
    automated(world.district)
    client.force_login(support)
    url = reverse("admin:sso_signonconfiguration_add")
    data = form(oidc_provider.issuer)
    data["new_client_secret"] = data.pop("client_secret")
    response = client.post(url, {"district": world.district.pk, **data})
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.district.refresh_from_db()
    assert world.district.sso_enabled is True
    assert bytes(world.district.sign_on.client_secret) == b"maple-very-secret"


def test_the_admin_shows_the_services_refusal(client, world, support, oidc_provider):
    client.force_login(support)
    url = reverse("admin:sso_signonconfiguration_add")
    response = client.post(url, {"district": world.district.pk, **form(oidc_provider.issuer)})
    assert response.status_code == 200
    assert "automated rostering only" in str(response.context["adminform"].form.errors)
    assert not SignOnConfiguration.objects.exists()


def test_seed_demo_configures_the_demo_district_for_a_given_provider(
    client, settings, db, oidc_provider
):
    settings.DEMO_OIDC_ISSUER = oidc_provider.issuer
    call_command("seed_demo", verbosity=0)
    demo = Organization.objects.get(slug="demo")
    assert demo.sso_enabled and demo.sign_on.issuer == oidc_provider.issuer
    response = client.get(reverse("sso:start", args=["demo"]))
    callback = oidc_provider.authorize(response["Location"], "mbrooks.lin@demo-usd.example.org")
    assert client.get(callback).status_code == 302
    marcus = Educator.objects.get(username="mbrooks.lin")
    assert client.session["_auth_user_id"] == str(marcus.user_id)


def test_seed_demo_leaves_sign_on_off_without_a_provider(db):
    call_command("seed_demo", verbosity=0)
    demo = Organization.objects.get(slug="demo")
    assert demo.sso_enabled is False
    assert not SignOnConfiguration.objects.exists()


def test_make_runs_seed_configures_an_already_seeded_demo(settings, db, oidc_provider):
    call_command("seed_demo", verbosity=0)
    settings.DEMO_OIDC_ISSUER = oidc_provider.issuer
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Organization.objects.get(slug="demo").sso_enabled is True
