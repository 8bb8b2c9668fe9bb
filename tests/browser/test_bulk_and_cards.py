"""Bulk actions on the Students list and the login cards they print, in Chromium: 12 chosen
students' cards printed to PDF (8 a page, Letter and A4) whose QR codes decode to each
student's sign-in address, and students added to a class/group in one go."""

from __future__ import annotations

import pypdfium2
import zxingcpp
from playwright.sync_api import expect

from rostering.login_cards import sign_in_target
from rostering.models import ClassStudent, Origin
from tests import factories

from .conftest import ARTIFACTS, screenshot, sign_in

SIGN_IN = "https://rocket.example/signin"


def _school_with_students(n: int):
    district = factories.DistrictFactory(name="Maple District", slug="maple")
    school = factories.SchoolFactory(district=district, name="North Elementary")
    factories.EducatorFactory(organization=school, username="tess", first_name="Tess")
    rocket = factories.ProductFactory(name="Reading Rocket", sign_in_url=SIGN_IN)
    room = factories.ClassGroupFactory(school=school, name="Room 4", origin=Origin.MANUAL)
    factories.ClassProductFactory(class_group=room, product=rocket)
    students = [
        factories.StudentFactory(
            school=school,
            first_name=f"Kid{i:02d}",
            last_name=f"Card{i:02d}",
            username=f"kid{i:02d}.card",
        )
        for i in range(n)
    ]
    for student in students:
        ClassStudent.objects.create(class_group=room, student=student)
    return school, students


def _qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes' texts on each page of `pdf`."""
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=3).to_pil()
        pages.append([code.text for code in zxingcpp.read_barcodes(image)])
    return pages


def test_teacher_prints_the_cards_of_12_chosen_students_and_the_qr_codes_scan(
    transactional_db, page
):
    _school, students = _school_with_students(14)
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/students/")
    chosen = students[:12]
    for student in chosen:
        page.get_by_role("checkbox", name=f"Choose {student.full_name}").check()
    expect(page.get_by_role("button", name="Apply to 12 chosen")).to_be_visible()
    page.get_by_label("With the chosen students").select_option(label="Print login cards")
    screenshot(page, "students-bulk-print-chosen")
    page.get_by_role("button", name="Apply to 12 chosen").click()
    expect(page.get_by_role("heading", name="Login cards of the chosen students")).to_be_visible()
    card = page.get_by_role("article", name=chosen[0].full_name)
    expect(card).to_contain_text("kid00.card")
    expect(card).to_contain_text("tiger42")
    expect(card).to_contain_text("Reading Rocket")
    expect(card).to_contain_text(SIGN_IN)
    expect(page.get_by_role("article")).to_have_count(12)
    screenshot(page, "login-cards-chosen")

    expected = {sign_in_target(SIGN_IN, s.username) for s in chosen}
    for paper in ("Letter", "A4"):
        pdf = page.pdf(format=paper, print_background=True)
        (ARTIFACTS / f"login-cards-{paper.lower()}.pdf").write_bytes(pdf)
        codes = _qr_codes(pdf)
        assert [len(on_page) for on_page in codes] == [8, 4], paper  # 8 cards a page
        assert {text for on_page in codes for text in on_page} == expected, paper


def test_teacher_adds_chosen_students_to_a_class_in_one_go(transactional_db, page):
    school, students = _school_with_students(3)
    robins = factories.ClassGroupFactory(school=school, name="Robins", origin=Origin.MANUAL)
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/students/")
    page.get_by_role("checkbox", name="Choose every student on this page").check()
    expect(page.get_by_role("button", name="Apply to 3 chosen")).to_be_visible()
    page.get_by_role("checkbox", name=f"Choose {students[2].full_name}").uncheck()
    page.get_by_label("With the chosen students").select_option(label="Add to a class/group")
    page.get_by_label("Class/group", exact=True).select_option(label="Robins (North Elementary)")
    screenshot(page, "students-bulk-add-to-class")
    page.get_by_role("button", name="Apply to 2 chosen").click()
    expect(page.get_by_text("Added 2 students to Robins")).to_be_visible()
    screenshot(page, "students-bulk-added")
    assert set(robins.students.values_list("pk", flat=True)) == {students[0].pk, students[1].pk}


def test_bulk_bar_at_phone_width(transactional_db, phone_page):
    _school_with_students(3)
    sign_in(phone_page, "tess", "homeroom-test")
    phone_page.goto("/manage/students/")
    phone_page.get_by_role("checkbox", name="Choose every student on this page").check()
    phone_page.get_by_label("With the chosen students").select_option(label="Assign a product")
    expect(phone_page.get_by_label("Product", exact=True)).to_be_visible()
    screenshot(phone_page, "students-bulk-phone")


def test_teacher_prints_the_cards_of_two_chosen_classes(transactional_db, page):
    school, students = _school_with_students(2)
    robins = factories.ClassGroupFactory(school=school, name="Robins", origin=Origin.MANUAL)
    wrens = factories.ClassGroupFactory(school=school, name="Wrens", origin=Origin.MANUAL)
    ClassStudent.objects.create(class_group=robins, student=students[0])
    ClassStudent.objects.create(class_group=wrens, student=students[1])
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/classes/")
    page.get_by_role("checkbox", name="Choose Robins").check()
    page.get_by_role("checkbox", name="Choose Wrens").check()
    screenshot(page, "classes-list-choose-for-cards")
    page.get_by_role("button", name="Print login cards of 2 chosen").click()
    expect(page.get_by_role("heading", name="Login cards: Robins, Wrens")).to_be_visible()
    expect(page.get_by_role("article")).to_have_count(2)
    screenshot(page, "classes-chosen-login-cards")


def test_teacher_deactivates_chosen_students_after_confirming_then_undoes_it(
    transactional_db, page
):
    _school, students = _school_with_students(3)
    sign_in(page, "tess", "homeroom-test")
    page.goto("/manage/students/")
    for student in students[:2]:
        page.get_by_role("checkbox", name=f"Choose {student.full_name}").check()
    page.get_by_label("With the chosen students").select_option(label="Deactivate")
    page.get_by_role("button", name="Apply to 2 chosen").click()
    yes = page.get_by_role("button", name="Yes, deactivate")
    expect(yes).to_be_focused()
    expect(page.get_by_text("Deactivate 2 chosen students?")).to_be_visible()
    screenshot(page, "students-bulk-deactivate-confirm")
    page.keyboard.press("Escape")  # Cancel puts the button back, nothing sent
    expect(page.get_by_role("button", name="Apply to 2 chosen")).to_be_focused()
    assert all(s.__class__.objects.get(pk=s.pk).is_active for s in students)

    page.get_by_role("button", name="Apply to 2 chosen").click()
    page.get_by_role("button", name="Yes, deactivate").press("Enter")
    expect(page.get_by_text("Deactivated 2 students")).to_be_visible()
    screenshot(page, "students-bulk-deactivated-with-undo")
    assert [s.__class__.objects.get(pk=s.pk).is_active for s in students] == [False, False, True]

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone:")).to_be_visible()
    screenshot(page, "students-bulk-deactivate-undone")
    assert all(s.__class__.objects.get(pk=s.pk).is_active for s in students)


def test_teacher_removes_a_student_from_a_class_tab_and_undoes_it(transactional_db, page):
    school, students = _school_with_students(2)
    room = students[0].class_groups.get()
    sign_in(page, "tess", "homeroom-test")
    page.goto(f"/manage/classes/{room.pk}/students/")
    page.get_by_role("button", name=f"Remove {students[0].full_name}").click()
    page.get_by_role("button", name="Yes, remove").click()
    expect(page.get_by_text(f"{students[0].full_name} removed from")).to_be_visible()
    screenshot(page, "class-student-removed-with-undo")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text(f"Undone: {students[0].full_name} back in {room.name}")).to_be_visible()
    screenshot(page, "class-student-removal-undone")
    assert ClassStudent.objects.filter(class_group=room, student=students[0]).exists()
