"""Journeys on the Educators pages: a teacher is kept out; a district administrator adds one."""

from playwright.sync_api import expect

from rostering.models import Educator
from tests import factories
from tests.browser.labels import FIRST_NAME

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password

# Each filter box whose chosen option or placeholder is wider than the box can show.
CUT_OFF = """() => {
  const form = document.querySelector('form[role=search]');
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
  document.body.appendChild(probe);
  const cut = [];
  for (const box of form.querySelectorAll('select, input[type=search]')) {
    const style = getComputedStyle(box);
    probe.style.font = style.font;
    probe.textContent = box.tagName === 'SELECT'
      ? box.options[box.selectedIndex].text : (box.value || box.placeholder);
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (probe.offsetWidth > room) cut.push(box.name);
  }
  probe.remove();
  return cut;
}"""


def _cut_off_filter_boxes(page) -> list[str]:
    return page.evaluate(CUT_OFF)


def test_teacher_cannot_see_educators(transactional_db, world, teacher, page):
    sign_in(page, "tess", PASSWORD)
    page.get_by_role("button", name="Management").click()
    menu = page.locator(".dropdown-menu.show")
    expect(menu.get_by_role("link", name="Classes/Groups")).to_be_visible()
    expect(menu.get_by_role("link", name="Educators")).to_have_count(0)
    screenshot(page, "educators-teacher-menu-without-educators")
    response = page.goto("/manage/educators/")
    assert response.status == 403
    screenshot(page, "educators-teacher-refused")


def test_district_admin_adds_an_educator(transactional_db, world, district_admin, page):
    factories.EducatorFactory(organization=world.school, first_name="Ada", last_name="Existing")
    sign_in(page, "dana", PASSWORD)
    page.get_by_role("button", name="Management").click()
    page.get_by_role("link", name="Educators", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Educators")
    assert _cut_off_filter_boxes(page) == []
    screenshot(page, "educators-list-district-admin")

    page.get_by_role("link", name="Add educator").click()
    page.get_by_label(FIRST_NAME).fill("Nora")
    page.get_by_label("Last name").fill("Newton")
    page.get_by_label("Username").fill("nora.newton")
    page.get_by_label("Email").fill("nora@maple.example.org")
    page.get_by_label("Educator type").select_option("teacher")
    page.get_by_label("North Elementary").check()
    page.get_by_label("Password").fill("maple-leaves-2026")
    screenshot(page, "educators-add-form")
    page.get_by_role("button", name="Save educator").click()

    expect(page.get_by_text("Educator Nora Newton added.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nora Newton")
    screenshot(page, "educators-added-detail")
    nora = Educator.objects.get(username="nora.newton")
    assert list(nora.organizations.all()) == [world.school]

    # The new educator signs in with the password the administrator set.
    page.get_by_role("button", name="Dana Districtadmin").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "nora.newton", "maple-leaves-2026")
    expect(page.get_by_text("You are signed in as a teacher")).to_be_visible()


def test_educator_pages_at_phone_width(transactional_db, world, district_admin, phone_page):
    synced = factories.EducatorFactory(
        organization=world.school, origin="synced", first_name="Sid", last_name="Synced"
    )
    sign_in(phone_page, "dana", PASSWORD)
    phone_page.goto("/manage/educators/")
    expect(phone_page.get_by_role("link", name="Sid Synced")).to_be_visible()
    assert _cut_off_filter_boxes(phone_page) == []
    # One line of headings: no empty band above the names from a heading wrapped off-screen.
    heading_row = phone_page.locator("table thead tr").bounding_box()
    name_link = phone_page.get_by_role("link", name="Name", exact=True).bounding_box()
    assert heading_row["height"] < 2 * name_link["height"] + 20, heading_row
    screenshot(phone_page, "educators-list-phone")
    phone_page.goto(synced.get_absolute_url())
    expect(phone_page.get_by_label(FIRST_NAME)).to_be_disabled()
    screenshot(phone_page, "educators-synced-detail-phone")
