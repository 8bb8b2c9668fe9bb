"""Management > Students list: search, filters, lock icons, counts, CSV export, fixed queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.filters.students import SEARCH_TEXT
from rostering.models import Origin
from tests import factories

LIST = reverse("rostering:student_list")
EXPORT = reverse("rostering:student_export")


def names(response) -> list[str]:
    return [
        f"{s.last_name}, {s.first_name}"
        for s in (row.record for row in response.context["table"].page.object_list)
    ]


@pytest.fixture
def roster(world):
    return {
        "ada": factories.StudentFactory(
            school=world.school,
            first_name="Ada",
            last_name="Lovelace",
            username="ada.l",
            external_id="S-100",
            grade="03",
        ),
        "tim": factories.StudentFactory(
            school=world.school,
            first_name="Tim",
            last_name="Berners",
            username="tim.b",
            external_id="S-200",
            alt_external_id="ALT-9",
            grade="05",
            origin=Origin.SYNCED,
        ),
        "south": factories.StudentFactory(
            school=world.other_school,
            first_name="Sofia",
            last_name="South",
            username="sofia.s",
            grade="03",
        ),
        "gone": factories.StudentFactory(
            school=world.school,
            first_name="Gus",
            last_name="Gone",
            username="gus.g",
            is_active=False,
        ),
        "oak": factories.StudentFactory(
            school=world.outsider_school, first_name="Olive", last_name="Oak", username="olive.o"
        ),
    }


def test_teacher_sees_only_students_of_their_school(client, teacher, roster):
    client.force_login(teacher)
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(names(response)) == ["Berners, Tim", "Gone, Gus", "Lovelace, Ada"]
    assert response.context["total"] == 3


def test_district_admin_sees_every_school_but_not_other_districts(client, district_admin, roster):
    client.force_login(district_admin)
    response = client.get(LIST)
    assert "South, Sofia" in names(response)
    assert "Oak, Olive" not in names(response)
    assert response.context["total"] == 4


@pytest.mark.parametrize(
    "term, expected",
    [
        ("lovelace", ["Lovelace, Ada"]),
        ("TIM.B", ["Berners, Tim"]),
        ("S-100", ["Lovelace, Ada"]),
        ("alt-9", ["Berners, Tim"]),
        ("ada lovelace", ["Lovelace, Ada"]),
        ("Lovelace, Ada", ["Lovelace, Ada"]),  # as the list shows the name
    ],
)
def test_search_by_name_username_or_ids(client, district_admin, roster, term, expected):
    client.force_login(district_admin)
    response = client.get(LIST, {"q": term})
    assert names(response) == expected
    assert f"<strong>{len(expected)}</strong> student" in response.content.decode()


def test_filters_by_school_grade_origin_and_status(client, district_admin, world, roster):
    client.force_login(district_admin)
    assert names(client.get(LIST, {"school": world.other_school.pk})) == ["South, Sofia"]
    assert sorted(names(client.get(LIST, {"grade": "03", "school": world.school.pk}))) == [
        "Gone, Gus",
        "Lovelace, Ada",
    ]
    assert names(client.get(LIST, {"origin": "synced"})) == ["Berners, Tim"]
    assert names(client.get(LIST, {"status": "inactive"})) == ["Gone, Gus"]
    assert "Gone, Gus" not in names(client.get(LIST, {"status": "active"}))


def test_school_filter_offers_only_schools_in_scope(client, teacher, world, roster):
    client.force_login(teacher)
    response = client.get(LIST, {"school": world.other_school.pk})
    offered = list(response.context["filter"].form.fields["school"].queryset)
    assert offered == [world.school]
    # Another school's id is not a valid choice: it is ignored, never widening the list.
    assert "South, Sofia" not in names(response)


def test_sort_by_username_descending(client, district_admin, roster):
    client.force_login(district_admin)
    response = client.get(LIST, {"sort": "-username"})
    assert names(response)[0] == "Berners, Tim"  # tim.b > sofia.s > gus.g > ada.l
    assert names(response)[-1] == "Lovelace, Ada"


def test_pagination_shows_the_count_of_all_matches(client, district_admin, world):
    factories.StudentFactory.create_batch(12, school=world.school)
    client.force_login(district_admin)
    response = client.get(LIST, {"per_page": 10, "page": 2})
    assert len(response.context["table"].page.object_list) == 2
    assert response.context["total"] == 12


def test_synced_student_has_a_lock_with_hover_text_and_text_alternative(client, teacher, roster):
    client.force_login(teacher)
    html = client.get(LIST, {"q": "tim"}).content.decode()
    assert 'title="Created by your SIS sync"' in html
    assert '<span class="visually-hidden">Created by your SIS sync: </span>' in html
    manual = client.get(LIST, {"q": "ada"}).content.decode()
    assert '<span class="visually-hidden">Created by your SIS sync: </span>' not in manual


@pytest.mark.parametrize("per_page", [10, 100])
def test_list_runs_a_fixed_number_of_queries_whatever_the_page_size(
    client, teacher, world, per_page
):
    for i in range(100):
        factories.StudentFactory(
            school=world.school, origin=Origin.SYNCED if i % 3 else Origin.MANUAL
        )
    client.force_login(teacher)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == per_page
    # 12: the page, plus one each for the bulk bar's class/group and product choices.
    assert len(queries) <= 12, [q["sql"] for q in queries]


def test_query_count_is_the_same_for_10_and_100_rows(client, teacher, world):
    factories.StudentFactory.create_batch(100, school=world.school)
    client.force_login(teacher)
    client.get(LIST)
    counts = {}
    for per_page in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST, {"per_page": per_page})
        counts[per_page] = len(queries)
    assert counts[10] == counts[100]


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_is_the_filtered_list_and_formula_safe(client, district_admin, world, roster):
    factories.StudentFactory(
        school=world.school, first_name="=HYPERLINK(1)", last_name="@Evil", username="evil"
    )
    client.force_login(district_admin)
    response = client.get(EXPORT, {"school": world.school.pk, "status": "active"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:4] == ["First Name", "Last Name", "Username", "Student ID"]  # the template's
    usernames = [row[2] for row in rows[1:]]
    assert sorted(usernames) == ["ada.l", "evil", "tim.b"]
    evil = next(row for row in rows if row[2] == "evil")
    assert evil[0] == "'=HYPERLINK(1)" and evil[1] == "'@Evil"


def test_teacher_export_never_includes_other_schools(client, teacher, world, roster):
    client.force_login(teacher)
    rows = _csv(client.get(EXPORT, {"school": world.other_school.pk}))
    assert "sofia.s" not in [row[2] for row in rows]
    assert "olive.o" not in [row[2] for row in rows]


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_user_without_a_role_is_refused(client, db):
    client.force_login(factories.UserFactory())
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("per_page", [10, 100])
def test_search_by_id_runs_a_fixed_number_of_queries(client, teacher, world, per_page):
    factories.StudentFactory.create_batch(120, school=world.school)
    client.force_login(teacher)
    client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"per_page": per_page, "q": "0"})
    assert len(response.context["table"].page.object_list) == per_page
    # 12: the page, plus one each for the bulk bar's class/group and product choices.
    assert len(queries) <= 12, [q["sql"] for q in queries]


def test_exact_id_finds_only_that_student_and_partial_ids_still_match(
    client, district_admin, roster
):
    client.force_login(district_admin)
    assert names(client.get(LIST, {"q": "S-200"})) == ["Berners, Tim"]
    assert sorted(names(client.get(LIST, {"q": "S-"}))) == ["Berners, Tim", "Lovelace, Ada"]


@pytest.mark.parametrize("term", ["a_a", "%", "lovelace%"])
def test_search_takes_like_wildcards_literally(client, district_admin, roster, term):
    client.force_login(district_admin)
    response = client.get(LIST, {"q": term})
    assert names(response) == []


def test_a_search_word_never_spans_two_columns(client, district_admin, roster):
    client.force_login(district_admin)
    # "Ada" + "Lovelace" read together would hold "alove"; a word must be inside one column.
    assert names(client.get(LIST, {"q": "alove"})) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
def test_on_postgresql_the_search_expression_is_answered_by_its_trigram_index(roster):
    with connection.cursor() as cursor:
        # A small test table makes a full scan cheapest; forbid every plan but a bitmap scan
        # to see that the index of migration 0004 matches the list's search expression.
        for plan_kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{plan_kind} = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM rostering_student WHERE {SEARCH_TEXT} LIKE UPPER(%s)",
            ["%lovelace%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on student_search_text_trgm" in plan, plan
