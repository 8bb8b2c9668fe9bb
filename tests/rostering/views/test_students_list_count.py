"""The Students list's count is cached until the district's next roster write
(rostering/tables/counted.py): the next page after a form save or an import counts again."""

from __future__ import annotations

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.models import Student
from tests import factories
from tests.imports.engine.conftest import csv_bytes, student_row
from tests.rostering.views.test_students_add import ADD, student_data

LIST = reverse("rostering:student_list")


def _counts(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries)


def test_the_count_is_read_once_per_roster_version_and_filters(client, district_admin, world):
    factories.StudentFactory.create_batch(3, school=world.school)
    client.force_login(district_admin)
    with CaptureQueriesContext(connection) as first:
        assert client.get(LIST).context["total"] == 3
    with CaptureQueriesContext(connection) as again:
        assert client.get(LIST, {"page": 1, "per_page": 10}).context["total"] == 3
    assert _counts(first) == 1
    assert _counts(again) == 0
    assert len(again) == len(first) - 3  # and the drop-downs (test_students_list_choices)
    # Other filters are another count.
    assert client.get(LIST, {"school": world.other_school.pk}).context["total"] == 0


def test_a_form_save_changes_the_next_pages_count(client, district_admin, world):
    factories.StudentFactory.create_batch(2, school=world.school)
    client.force_login(district_admin)
    assert client.get(LIST).context["total"] == 2
    assert client.post(ADD, student_data(world.school)).status_code == 302
    assert client.get(LIST).context["total"] == 3


def test_an_import_changes_the_next_pages_count(client, district_admin, world, tmp_path):
    client.force_login(district_admin)
    assert client.get(LIST, {"school": world.school.pk}).context["total"] == 0
    path = tmp_path / "students.csv"
    path.write_bytes(csv_bytes([student_row(1, world.school), student_row(2, world.school)]))
    call_command("import_roster", "--district", "maple", "--type", "students", str(path))
    assert Student.objects.count() == 2
    assert client.get(LIST, {"school": world.school.pk}).context["total"] == 2


def test_the_count_is_each_users_own(client, district_admin, teacher, world):
    factories.StudentFactory(school=world.school)
    factories.StudentFactory(school=world.other_school)
    client.force_login(district_admin)
    assert client.get(LIST).context["total"] == 2
    client.force_login(teacher)
    assert client.get(LIST).context["total"] == 1


def test_the_lists_queries_stay_fixed_as_the_district_grows(client, district_admin, world):
    factories.StudentFactory.create_batch(3, school=world.school)
    client.force_login(district_admin)
    client.get(LIST)  # the session
    counts = []
    for more in (0, 60):
        factories.StudentFactory.create_batch(more, school=world.other_school)
        cache.clear()  # factories write past the district lock: count afresh
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST, {"per_page": 100})
        counts.append(len(queries))
    assert counts[0] == counts[1]
