"""Journey on Management > Organization: a district administrator deactivates a school (with
the confirm step, by keyboard), sees it marked inactive and gone from the Add student picker,
then reactivates it."""

from playwright.sync_api import expect

from tests import factories

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"


def test_district_admin_deactivates_and_reactivates_a_school(
    transactional_db, world, district_admin, page
):
    factories.StudentFactory(school=world.other_school, first_name="Ada", last_name="Stays")
    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/organization/")
    tree = page.get_by_role("list", name="Organizations")
    tree.get_by_role("button", name="Deactivate South Elementary").focus()
    page.keyboard.press("Enter")
    yes = page.get_by_role("button", name="Yes, deactivate")
    expect(yes).to_be_focused()
    expect(
        page.get_by_text("Deactivate South Elementary? Nothing new can be added to it")
    ).to_be_visible()
    screenshot(page, "organization-deactivate-confirm")
    page.keyboard.press("Enter")
    expect(page.get_by_text("South Elementary is inactive")).to_be_visible()
    south = tree.locator(f'li[data-org="{world.other_school.pk}"]')
    expect(south.get_by_test_id("inactive-badge")).to_have_text("Inactive")
    expect(south).to_contain_text("1 student")  # its records stay
    screenshot(page, "organization-school-inactive")

    page.goto("/manage/students/add/")
    expect(page.get_by_role("checkbox", name="North Elementary")).to_be_visible()
    expect(page.get_by_role("checkbox", name="South Elementary")).to_have_count(0)

    page.goto("/manage/organization/")
    page.get_by_role("button", name="Reactivate South Elementary").click()
    expect(page.get_by_text("South Elementary is active again")).to_be_visible()
    expect(south.get_by_test_id("inactive-badge")).to_have_count(0)
    screenshot(page, "organization-school-reactivated")


def test_organization_tree_with_an_inactive_school_at_phone_width(
    transactional_db, world, district_admin, phone_page
):
    world.other_school.is_active = False
    world.other_school.save()
    sign_in(phone_page, "dana", PASSWORD)
    phone_page.goto("/manage/organization/")
    expect(phone_page.get_by_role("button", name="Reactivate South Elementary")).to_be_visible()
    screenshot(phone_page, "organization-inactive-phone")
