"""Journey on Management > Organization: a district administrator answers the rostering-method
chooser, gets a recommendation with its reasons, and applies it."""

from playwright.sync_api import expect

from tests import factories

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password


def _answer_the_chooser(page) -> None:
    page.get_by_label("More than 200").check()
    page.get_by_label("Often").check()
    page.get_by_label("Daily or weekly").check()
    page.get_by_label("An SIS or an integration service").check()
    page.get_by_role("button", name="Recommend a method").click()


def test_district_admin_answers_the_chooser_and_applies_the_recommendation(
    transactional_db, world, district_admin, page
):
    factories.SchoolFactory(district=world.district, parent=world.school, name="North Annex")
    factories.SchoolFactory(district=world.district, name="Synced High", origin="synced")
    sign_in(page, "dana", PASSWORD)
    page.get_by_role("button", name="Management").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name="Organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organization")
    tree = page.get_by_role("list", name="Organizations")
    north = tree.locator(f'li[data-org="{world.school.pk}"]')
    expect(north).to_contain_text("North Annex")  # drawn below its parent school
    expect(tree.get_by_role("link", name="Edit North Annex")).to_be_visible()
    expect(page.get_by_test_id("current-method")).to_have_text("Self-managed")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("link", name="Bulk Create Students")).to_be_visible()
    screenshot(page, "organization-tree-district-admin")
    page.keyboard.press("Escape")

    page.get_by_role("link", name="Choose or change the method").click()
    _answer_the_chooser(page)
    recommendation = page.locator("#recommendation")
    expect(recommendation.get_by_role("heading", level=2)).to_have_text("We recommend: Automated")
    expect(recommendation).to_contain_text("Students move often")
    screenshot(page, "organization-chooser-recommendation")

    recommendation.get_by_role("button", name="Use Automated rostering").click()
    expect(page.get_by_text("Maple District now uses Automated rostering.")).to_be_visible()
    expect(page.get_by_test_id("current-method")).to_have_text("Automated")
    expect(page.get_by_role("main").get_by_role("link", name="SIS sync")).to_be_visible()
    screenshot(page, "organization-method-applied")
    world.district.refresh_from_db()
    assert world.district.rostering_method == "automated"


def test_the_chooser_at_phone_width(transactional_db, world, district_admin, phone_page):
    sign_in(phone_page, "dana", PASSWORD)
    phone_page.goto("/manage/organization/")
    expect(phone_page.get_by_role("list", name="Organizations")).to_contain_text(
        "North Elementary"
    )
    screenshot(phone_page, "organization-tree-phone")
    phone_page.goto("/manage/organization/rostering-method/")
    _answer_the_chooser(phone_page)
    expect(phone_page.locator("#recommendation")).to_contain_text("We recommend: Automated")
    screenshot(phone_page, "organization-chooser-phone")


def test_school_admin_renames_their_school(transactional_db, world, school_admin, page):
    sign_in(page, "sam", PASSWORD)
    page.goto("/manage/organization/")
    page.get_by_role("link", name="Edit North Elementary").click()
    page.get_by_label("Name").fill("North Elementary School")
    screenshot(page, "organization-edit-school")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved North Elementary School.")).to_be_visible()
    world.school.refresh_from_db()
    assert world.school.name == "North Elementary School"


def test_district_admin_turns_email_alerts_off(transactional_db, world, district_admin, page):
    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/organization/")
    alerts = page.get_by_label("Email the district's administrators")
    expect(alerts).to_be_checked()
    screenshot(page, "organization-email-alerts")
    alerts.uncheck()
    page.get_by_role("form", name="Email alerts").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Email alerts are off.")).to_be_visible()
    expect(page.get_by_label("Email the district's administrators")).not_to_be_checked()
    world.district.refresh_from_db()
    assert world.district.email_alerts is False
