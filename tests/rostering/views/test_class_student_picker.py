"""The Students tab's picker: a word finds students by first or last name, username or an ID
(rostering.selectors.search, the same fields as the Students list), anywhere in it and ignoring case; every word must match. On PostgreSQL the search is found
through the students' search index (rostering 0018 dropped the per-column ones it used)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.filters.students import SEARCH_TEXT
from tests import factories


@pytest.fixture
def class_group(world):
    group = factories.ClassGroupFactory(school=world.school)
    for first, last, username, external_id, alt_id in [
        ("Ximena", "Ortiz", "xortiz", "S-1001", "ALT-77"),
        ("Bob", "Smith", "bsmith", "S-1002", None),
        ("Ana", "Lopez", "ana.l", "S-2001", "ALT-78"),
    ]:
        factories.StudentFactory(
            school=world.school,
            first_name=first,
            last_name=last,
            username=username,
            external_id=external_id,
            alt_external_id=alt_id,
        )
    return group


def _picked(client, group, q) -> list[str]:
    response = client.get(reverse("rostering:class_students", args=[group.pk]), {"q": q})
    return sorted(s.username for s in response.context["candidates"])


@pytest.mark.parametrize(
    "q, found",
    [
        ("IMEN", ["xortiz"]),  # inside a first name, any case
        ("mit", ["bsmith"]),  # inside a last name
        ("a.l", ["ana.l"]),  # inside a username, the dot taken literally
        ("s-100", ["bsmith", "xortiz"]),  # inside an External ID
        ("ana lopez", ["ana.l"]),  # every word must match, each in its own column
        ("ana smith", []),
        ("alt-77", ["xortiz"]),  # the Alt External ID, as every search of students
        ("zlo", []),  # "Ortiz" + "Lopez"? a word never spans two columns
        ("s_1001", []),  # LIKE wildcards are plain characters
        ("%", []),
    ],
)
def test_the_picker_finds_students_by_name_username_or_external_id(
    client, teacher, class_group, q, found
):
    client.force_login(teacher)
    assert _picked(client, class_group, q) == found


def test_a_member_is_no_longer_offered(client, teacher, class_group):
    client.force_login(teacher)
    student = class_group.school.students.get(username="bsmith")
    factories.ClassStudentFactory(class_group=class_group, student=student)
    assert _picked(client, class_group, "s-100") == ["xortiz"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
def test_on_postgresql_the_picker_asks_the_search_index(client, teacher, class_group):
    # The Students list's tests show that the index answers this very expression on its own.
    client.force_login(teacher)
    url = reverse("rostering:class_students", args=[class_group.pk])
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"q": "ortiz"})
    assert any(f"{SEARCH_TEXT} LIKE UPPER(" in q["sql"] for q in ctx.captured_queries)
