"""Support staff compare two versions of a record from its history page: the fields that
differ, before and after; a password change as "password reset", never its tokens."""

from django.urls import reverse

from rostering import services
from tests import factories

from .conftest import admin_url


def compare_url(record, older, newer) -> str:
    url = reverse("admin:rostering_student_history_compare", args=[record.pk])
    return f"{url}?older={older.history_id}&newer={newer.history_id}"


def _cells(response) -> list[tuple[str, str, str]]:
    import re

    text = response.content.decode()
    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', text
    )
    return [tuple(cell.strip() for cell in row) for row in rows]


def test_support_compares_the_first_and_the_last_version(support_client, world, support):
    student = factories.StudentFactory(school=world.school, first_name="Timothy", grade="03")
    services.student_update(actor=support, student=student, first_name="Tim")
    services.student_update(actor=support, student=student, grade="04")
    services.student_set_password(actor=support, student=student, password="zebra-42-kite")
    first, *_middle, last = student.history.order_by("history_date", "history_id")

    history = support_client.get(admin_url(student, "history")).content.decode()
    assert "Compare the chosen versions" in history

    response = support_client.get(compare_url(student, first, last))
    assert response.status_code == 200
    cells = _cells(response)
    assert ("First name", "Timothy", "Tim") in cells
    assert ("Grade", "Grade 3", "Grade 4") in cells
    text = response.content.decode()
    assert "password reset" in text and "zebra-42-kite" not in text
    # The order the versions are picked in does not matter: older is always "Before".
    assert _cells(support_client.get(compare_url(student, last, first))) == cells


def test_two_versions_with_the_same_values_say_so(support_client, world, support):
    student = factories.StudentFactory(school=world.school, first_name="Ana")
    services.student_update(actor=support, student=student, first_name="Anna")
    services.student_update(actor=support, student=student, first_name="Ana")
    first, _anna, back = student.history.order_by("history_date", "history_id")
    response = support_client.get(compare_url(student, first, back))
    assert "The two versions have the same values." in response.content.decode()


def test_a_version_of_another_record_is_not_found(support_client, world):
    ana = factories.StudentFactory(school=world.school)
    ben = factories.StudentFactory(school=world.school)
    url = compare_url(ana, ana.history.get(), ben.history.get())
    assert support_client.get(url).status_code == 404


def test_a_district_admin_cannot_open_the_compare_page(client, world, district_admin):
    student = factories.StudentFactory(school=world.school)
    version = student.history.get()
    client.force_login(district_admin)
    response = client.get(compare_url(student, version, version))
    assert response.status_code in (302, 403)  # the admin is for support staff only
    assert "Fields that differ" not in response.content.decode()


def test_history_and_compare_show_grades_as_people_read_them(support_client, world, support):
    student = factories.StudentFactory(school=world.school, grade="KG")
    services.student_update(actor=support, student=student, grade="05")
    first, last = student.history.order_by("history_date", "history_id")

    history = support_client.get(admin_url(student, "history")).content.decode()
    assert "Kindergarten" in history and "Grade 5" in history
    assert ("Grade", "Kindergarten", "Grade 5") in _cells(
        support_client.get(compare_url(student, first, last))
    )
