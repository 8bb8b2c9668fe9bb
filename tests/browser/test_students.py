"""Journeys through Management > Students in Chromium, with screenshots kept."""

from playwright.sync_api import expect

from rostering.models import Origin, Student, StudentProduct, StudentProductSetting
from rostering.ownership import LOCKED_MESSAGE
from tests import factories
from tests.browser.labels import FIRST_NAME

from .conftest import screenshot, sign_in

LOCKED = LOCKED_MESSAGE


def _teacher_world():
    district = factories.DistrictFactory(name="Maple District", slug="maple")
    school = factories.SchoolFactory(district=district, name="North Elementary")
    factories.SchoolFactory(district=district, name="South Elementary")
    factories.EducatorFactory(organization=school, username="tess", first_name="Tess")
    return school


def test_teacher_finds_locked_fields_and_edits_a_local_product_setting(transactional_db, page):
    school = _teacher_world()
    tim = factories.StudentFactory(
        school=school,
        first_name="Tim",
        last_name="Berners",
        username="tim.b",
        grade="05",
        origin=Origin.SYNCED,
        sis_values={"grade": "05"},
    )
    setting = factories.ProductSettingFactory(
        product=factories.ProductFactory(name="Reading Rocket"), label="Language Support"
    )
    StudentProduct.objects.create(student=tim, product=setting.product)
    sign_in(page, "tess", "homeroom-test")

    page.goto(tim.get_absolute_url())
    first_name = page.get_by_label(FIRST_NAME)
    expect(first_name).to_be_disabled()
    expect(first_name).to_have_attribute("title", LOCKED)
    expect(page.locator("label[for=id_first_name] i.bi-lock-fill")).to_have_attribute(
        "title", LOCKED
    )
    expect(page.get_by_label("Grade")).to_be_enabled()
    page.get_by_label("Grade").select_option("06")
    expect(page.get_by_text('This differs from the SIS value "Grade 5"')).to_be_visible()
    screenshot(page, "students-synced-details")

    page.get_by_role("link", name="Product Settings").click()
    page.get_by_label("Language Support").select_option("Spanish")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved 1 product setting.")).to_be_visible()
    screenshot(page, "students-product-settings-saved")
    assert StudentProductSetting.objects.get(student=tim, setting=setting).value == "Spanish"
    tim.refresh_from_db()
    assert tim.first_name == "Tim" and tim.grade == "05"  # grade change was not saved


def test_teacher_adds_students_with_save_and_add_another(transactional_db, page):
    school = _teacher_world()
    group = factories.ClassGroupFactory(school=school, district=school.district, name="Robins")
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/students/")
    page.get_by_role("link", name="Add student").click()
    for first, username in (("Nia", "nia.n"), ("Omar", "omar.o")):
        expect(page.get_by_label("North Elementary")).to_be_checked()
        page.get_by_label(FIRST_NAME).fill(first)
        page.get_by_label("Last name").fill("Robin")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Class/group (optional)").select_option(label="Robins (North Elementary)")
        page.get_by_role("button", name="Save and add another").click()
        expect(page.get_by_text(f"Added {first} Robin to Robins.")).to_be_visible()
    expect(page.get_by_label("North Elementary")).to_be_checked()
    expect(page.get_by_label("Class/group (optional)")).to_have_value(str(group.pk))
    screenshot(page, "students-add-another")
    page.get_by_role("button", name="Save").first.click()  # empty form: errors in plain words
    expect(page.get_by_text("Enter the student's first name.")).to_be_visible()
    screenshot(page, "students-add-errors")
    assert set(Student.objects.filter(last_name="Robin").values_list("username", flat=True)) == {
        "nia.n",
        "omar.o",
    }
    assert group.students.count() == 2


def _list_world():
    school = _teacher_world()
    for i, (first, last) in enumerate(
        [("Ada", "Lovelace"), ("Tim", "Berners"), ("Grace", "Hopper"), ("Alan", "Turing")]
    ):
        factories.StudentFactory(
            school=school,
            first_name=first,
            last_name=last,
            origin=Origin.SYNCED if i % 2 else Origin.MANUAL,
        )


def test_student_list_with_lock_icons_at_desktop_width(transactional_db, page):
    _list_world()
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/students/")
    expect(page.get_by_test_id("student-count")).to_contain_text("4 students")
    row = page.locator("#student-table tr", has_text="Berners, Tim")
    expect(row.locator("i.bi-lock-fill")).to_have_attribute("title", "Created by your SIS sync")
    expect(
        page.locator("#student-table tr", has_text="Lovelace, Ada").locator("i.bi-lock-fill")
    ).to_have_count(0)
    screenshot(page, "students-list-1280")
    page.get_by_role("searchbox", name="Search").fill("hopper")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.get_by_test_id("student-count")).to_contain_text("1 student")
    screenshot(page, "students-list-search")


def test_student_list_at_phone_width(transactional_db, phone_page):
    _list_world()
    sign_in(phone_page, "tess", "homeroom-test")
    phone_page.goto("/manage/students/")
    expect(phone_page.locator("#student-table i.bi-lock-fill").first).to_be_visible()
    screenshot(phone_page, "students-list-phone")


def test_teacher_deactivates_after_confirming_and_undoes_it(transactional_db, page):
    school = _teacher_world()
    ada = factories.StudentFactory(school=school, first_name="Ada", last_name="Lovelace")
    sign_in(page, "tess", "homeroom-test")
    page.goto(ada.get_absolute_url())
    page.get_by_role("button", name="Deactivate").click()
    question = page.get_by_role("group", name="Deactivate Ada Lovelace?")
    expect(question).to_be_visible()
    expect(page.get_by_role("button", name="Yes, deactivate")).to_be_focused()
    screenshot(page, "students-deactivate-confirm")
    page.keyboard.press("Escape")  # changed my mind: nothing happens
    expect(question).to_have_count(0)
    expect(page.get_by_role("button", name="Deactivate")).to_be_focused()
    ada.refresh_from_db()
    assert ada.is_active

    page.keyboard.press("Enter")  # the button again, then confirm from the keyboard
    expect(page.get_by_role("button", name="Yes, deactivate")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ada Lovelace is deactivated.")).to_be_visible()
    screenshot(page, "students-deactivated-undo")
    ada.refresh_from_db()
    assert not ada.is_active
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Ada Lovelace is reactivated.")).to_be_visible()
    ada.refresh_from_db()
    assert ada.is_active


def test_teacher_adds_several_students_sees_every_problem_and_keeps_rows(transactional_db, page):
    school = _teacher_world()
    factories.StudentFactory(school=school, username="taken.kid")
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/students/add-several/")
    for n, (first, last, username) in enumerate(
        (
            ("Ada", "Bay", "ada.b"),
            ("Ben", "", "ben.c"),
            ("Cal", "Dee", "ada.b"),
            ("Dot", "Eve", "taken.kid"),
        ),
        start=1,
    ):
        page.get_by_label(f"Row {n}: First name").fill(first)
        page.get_by_label(f"Row {n}: Last name").fill(last)
        page.get_by_label(f"Row {n}: Username").fill(username)
    page.get_by_label("Row 1: Grade").select_option(label="Kindergarten")
    page.get_by_role("button", name="show 25").click()
    expect(page.locator("#bulk-rows tbody tr")).to_have_count(25)
    expect(page.get_by_label("Row 1: First name")).to_have_value("Ada")
    expect(page.get_by_label("Row 1: Grade")).to_have_value("KG")
    expect(page.get_by_label("Row 4: Username")).to_have_value("taken.kid")

    page.get_by_role("button", name="Save all students").click()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    # Every problem at once: a missing name, a repeat within the page, a taken username.
    expect(page.locator("#row-2").get_by_text("Enter the student's last name.")).to_be_visible()
    expect(page.locator("#row-3").get_by_text("Row 1 already uses this value.")).to_be_visible()
    expect(page.locator("#row-4").get_by_text("already taken")).to_be_visible()
    screenshot(page, "students-add-several-all-problems")
    assert not Student.objects.filter(username="ada.b").exists()

    page.get_by_label("Row 2: Last name").fill("Cole")
    page.get_by_label("Row 3: Username").fill("cal.d")
    page.get_by_label("Row 4: Username").fill("dot.e")
    page.get_by_role("button", name="Save all students").click()
    expect(page.get_by_text("Added 4 students")).to_be_visible()
    assert Student.objects.get(username="ada.b").grade == "KG"


def test_teacher_saves_a_student_who_is_also_at_another_school_and_keeps_it(transactional_db, page):
    """A teacher's scope applies to removals: South Elementary shows ticked and read-only,
    and saving the student (a new first name) keeps it."""
    school = _teacher_world()
    south = school.district.children.get(name="South Elementary")
    ana = factories.StudentFactory(
        schools=[school, south], school=school, first_name="Ana", last_name="Lopez"
    )
    sign_in(page, "tess", "homeroom-test")

    page.goto(ana.get_absolute_url())
    kept = page.get_by_label("South Elementary: outside your schools")
    expect(kept).to_be_checked()
    expect(kept).to_be_disabled()
    page.get_by_label(FIRST_NAME).fill("Anna")
    screenshot(page, "students-school-outside-your-schools")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Saved Anna Lopez.")).to_be_visible()
    assert set(ana.schools.values_list("name", flat=True)) == {
        "North Elementary",
        "South Elementary",
    }
