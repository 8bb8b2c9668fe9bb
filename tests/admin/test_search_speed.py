"""Support staff find any student of any district by name or ID in seconds: the Students list
search never counts the whole table, and on PostgreSQL every search term is answered from an
index (the students' search index of rostering 0004), not by reading 100,000 rows. A term
matches the start of a name or username, or a whole ID, as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering.models import Student
from tests import factories

from .conftest import admin_url

SEARCHES = ["lopez", "ana lopez", "ana.l", "445566", "ALT-9"]


def _student_queries(client, q):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(admin_url(Student, "changelist"), {"q": q})
    assert response.status_code == 200
    return [
        query["sql"]
        for query in ctx.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "rostering_student"' in query["sql"]
    ]


@pytest.fixture
def students(world):
    factories.StudentFactory(
        school=world.outsider_school,
        first_name="Ana",
        last_name="Lopez",
        username="ana.l",
        external_id="445566",
        alt_external_id="ALT-9",
    )
    for n in range(3):  # names Faker cannot make match a search ("Lopez" is a common name)
        factories.StudentFactory(school=world.school, first_name="Kim", last_name=f"Park{n}")


@pytest.mark.parametrize("q", SEARCHES)
def test_a_search_finds_the_student_and_never_counts_every_student(
    support_client, students, q
):
    queries = _student_queries(support_client, q)
    assert queries
    counts = [sql for sql in queries if "COUNT(" in sql]
    assert counts and all("WHERE" in sql for sql in counts), counts
    page = support_client.get(admin_url(Student, "changelist"), {"q": q})
    assert [s.username for s in page.context["cl"].result_list] == ["ana.l"]


@pytest.mark.parametrize(
    "q, found",
    [
        ('"ana.l"', ["ana.l"]),  # a quoted term, as Django's admin search reads it
        ("opez", []),  # names and usernames match from their start
        ("4455", []),  # IDs match whole
        ("alt", []),
        ('"ana lopez"', []),  # one term: no column starts with it
    ],
)
def test_a_search_matches_starts_of_names_and_whole_ids(support_client, students, q, found):
    page = support_client.get(admin_url(Student, "changelist"), {"q": q})
    assert [s.username for s in page.context["cl"].result_list] == found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
@pytest.mark.parametrize("q", SEARCHES)
def test_on_postgresql_a_search_reads_indexes_not_the_whole_students_table(
    support_client, students, q
):
    for sql in _student_queries(support_client, q):
        with connection.cursor() as cursor:
            # Small test tables make a full scan cheapest; forbid it to see whether an index
            # can answer at all (if none can, PostgreSQL scans anyway and the plan says so).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on rostering_student " not in plan + " ", plan
