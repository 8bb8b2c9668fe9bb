"""Single sign-on in the browser: a synced teacher of the (automated) demo district signs in
at the local OpenID Connect provider and lands on the portal; a stranger is refused."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.oidc_provider import oidc_provider  # noqa: F401

from .conftest import screenshot


@pytest.fixture
def demo_with_sso(transactional_db, settings, oidc_provider):  # noqa: F811
    settings.DEMO_OIDC_ISSUER = oidc_provider.issuer
    call_command("seed_demo", verbosity=0)


def authorize_at_provider(page, sub: str, name: str) -> None:
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.locator("input[name=sub]").fill(sub)
    screenshot(page, name)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state("networkidle")


def test_a_synced_teacher_signs_in_with_the_district_provider(demo_with_sso, page):
    page.goto("/accounts/login/demo/")
    expect(page.get_by_test_id("sign-in-district")).to_have_text("Demo Unified School District")
    screenshot(page, "sso-district-sign-in")
    page.get_by_role("link", name="Sign in with your district account").click()
    authorize_at_provider(page, "mbrooks.lin@demo-usd.example.org", "sso-provider-authorize")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Unified School District")
    expect(page.get_by_text("Welcome, Marcus. You are signed in as a teacher")).to_be_visible()
    screenshot(page, "sso-signed-in-home")
    page.get_by_role("link", name="Classes/Groups and their products").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Classes/Groups")
    expect(page.locator("table tbody tr").first).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text("Lincoln Elementary")
    screenshot(page, "sso-teacher-classes")


def test_an_identity_the_sis_never_sent_is_refused_with_a_page(demo_with_sso, page):
    page.goto("/accounts/login/")
    page.get_by_label("Your school email").fill("stranger@demo-usd.example.org")
    screenshot(page, "sso-sign-in-email")
    page.get_by_role("button", name="Continue with my school email").click()
    authorize_at_provider(page, "stranger@demo-usd.example.org", "sso-provider-stranger")
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.get_by_test_id("refusal")).to_contain_text(
        "No educator of Demo Unified School District has the email stranger@demo-usd.example.org"
    )
    screenshot(page, "sso-refused-unknown")


def test_the_district_administrator_sees_the_single_sign_on_settings(demo_with_sso, page):
    from .conftest import sign_in

    sign_in(page, "demo-district-admin", "homeroom-demo")
    page.goto("/manage/organization/")
    expect(page.get_by_test_id("sso-state")).to_have_text("Single sign-on: on")
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_label("Educators may sign in through our identity provider")).to_be_checked()
    expect(page.get_by_label("Client ID")).to_have_value("homeroom-demo")
    expect(page.get_by_label("Client secret")).to_have_value("")
    expect(page.get_by_test_id("callback-url")).to_contain_text("/accounts/sso/callback/")
    screenshot(page, "sso-settings")
    page.get_by_label("Allowed email domains").fill("demo-usd.example.org, lincoln.example.org")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Single sign-on for Demo Unified School District is on.")
    ).to_be_visible()
