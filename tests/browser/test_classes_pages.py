"""Journeys on the Classes/Groups pages: a teacher adds a class/group, three students (on the
Students helper's "Add student" page) and a product; synced classes are read-only."""

from playwright.sync_api import expect

from rostering.models import ClassGroup, Origin
from tests import factories
from tests.browser.labels import FIRST_NAME

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password


def test_teacher_adds_a_class_three_students_and_a_product(transactional_db, world, teacher, page):
    factories.ProductFactory(name="Lexia Core5 Reading", code="core5")
    factories.ProductFactory(name="Typing Club", code="typing")
    sign_in(page, "tess", PASSWORD)

    # The class/group first, so the students can be put in it as they are added.
    page.get_by_role("button", name="Management").click()
    page.get_by_role("link", name="Classes/Groups", exact=True).click()
    expect(page.get_by_text("0 classes/groups")).to_be_visible()
    page.get_by_role("link", name="Add class/group").click()
    page.get_by_label("Class/Group name").fill("Room 12 Readers")
    expect(page.get_by_label("School")).to_have_value(str(world.school.pk))
    screenshot(page, "classes-add-form")
    page.get_by_role("button", name="Save class/group").click()
    expect(page.get_by_text("Class/group “Room 12 Readers” added.")).to_be_visible()
    cg = ClassGroup.objects.get(name="Room 12 Readers")

    # Three students on the Add student page, "Save and add another" keeps school and class.
    page.goto("/manage/students/add/")
    page.get_by_label("Class/group (optional)").select_option(str(cg.pk))
    for first, last, username in (
        ("Ava", "Lopez", "ava.lopez"),
        ("Ben", "Okafor", "ben.okafor"),
        ("Chloe", "Nguyen", "chloe.nguyen"),
    ):
        page.get_by_label(FIRST_NAME).fill(first)
        page.get_by_label("Last name").fill(last)
        page.get_by_label("Username").fill(username)
        page.get_by_role("button", name="Save and add another").click()
        expect(page.get_by_text(f"Added {first} {last} to Room 12 Readers")).to_be_visible()
    screenshot(page, "classes-teacher-added-students")

    # The product, on the class's Products tab.
    page.goto(cg.get_absolute_url())
    page.get_by_role("link", name="Products").click()
    page.get_by_label("Product").select_option(label="Lexia Core5 Reading")
    page.get_by_role("button", name="Add product").click()
    expect(page.get_by_text("Lexia Core5 Reading added to “Room 12 Readers”.")).to_be_visible()
    expect(page.get_by_text("Added by hand", exact=True)).to_be_visible()
    screenshot(page, "classes-products-tab")

    page.get_by_role("link", name="Students").click()
    for name in ("Ava Lopez", "Ben Okafor", "Chloe Nguyen"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, "classes-students-tab")
    assert cg.students.count() == 3
    assert [p.name for p in cg.products.all()] == ["Lexia Core5 Reading"]

    page.get_by_role("link", name="Print login cards").click()
    expect(page.get_by_role("article", name="Ava Lopez")).to_contain_text("ava.lopez")
    screenshot(page, "classes-login-cards")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "classes-login-cards-print")

    page.goto("/manage/classes/")
    expect(page.get_by_role("link", name="Room 12 Readers")).to_be_visible()
    screenshot(page, "classes-list-teacher")


def test_synced_class_is_read_only_with_locks(transactional_db, world, teacher, page):
    cg = factories.ClassGroupFactory(
        school=world.school, name="SIS Math 3", origin=Origin.SYNCED, external_id="SEC-301"
    )
    factories.ClassStudentFactory.create_batch(2, class_group=cg, origin=Origin.SYNCED)
    factories.ClassGroupFactory(school=world.school, name="Hand-made group")
    sign_in(page, "tess", PASSWORD)
    page.goto("/manage/classes/")
    expect(
        page.locator("td", has=page.get_by_role("link", name="SIS Math 3")).locator(".bi-lock-fill")
    ).to_have_attribute("title", "Created by your SIS sync")
    screenshot(page, "classes-list-with-lock")

    page.get_by_role("link", name="SIS Math 3").click()
    name = page.locator("#id_name")
    expect(name).to_be_disabled()
    expect(name).to_have_attribute(
        "title", "Synced from your SIS: this must be changed in your SIS."
    )
    expect(page.get_by_role("button", name="Save details")).to_have_count(0)
    screenshot(page, "classes-synced-details")

    page.get_by_role("link", name="Students").click()
    expect(page.get_by_test_id("synced-roster-note")).to_contain_text("set by the SIS sync")
    expect(page.get_by_role("button", name="Remove")).to_have_count(0)
    screenshot(page, "classes-synced-students")


def test_class_pages_at_phone_width(transactional_db, world, teacher, phone_page):
    cg = factories.ClassGroupFactory(school=world.school, name="Room 3 Explorers")
    factories.ClassStudentFactory.create_batch(3, class_group=cg)
    factories.StudentFactory.create_batch(2, school=world.school)
    factories.ClassProductFactory(class_group=cg, product__name="Math Lab")
    sign_in(phone_page, "tess", PASSWORD)
    phone_page.goto("/manage/classes/")
    expect(phone_page.get_by_role("link", name="Room 3 Explorers")).to_be_visible()
    screenshot(phone_page, "classes-list-phone")
    phone_page.goto(f"/manage/classes/{cg.pk}/students/")
    expect(phone_page.get_by_role("button", name="Add ticked students")).to_be_visible()
    screenshot(phone_page, "classes-students-phone")
    phone_page.goto(f"/manage/classes/{cg.pk}/login-cards/")
    screenshot(phone_page, "classes-login-cards-phone")
