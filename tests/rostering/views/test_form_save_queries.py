"""Saving a student's (an educator's, a class/group's) Details asks each rule once: the External
and Alt External Assigned IDs' uniqueness in the district, the user's right to change the
record, the district's lock. The counts are fixed, so a second copy of a check cannot creep
back in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.rostering.views.test_students_detail import details


def engine_update(tables: int = 1) -> int:
    """The engine's UPDATE of one row per table: on PostgreSQL through a staging table (create,
    update from it, drop), one statement on SQLite."""
    return tables * (3 if connection.vendor == "postgresql" else 1)


# Session, user, scope (one: role, schools and those below them), the student (visible and
# changeable), its schools with the ones offered (one query); the transaction, the lock, the student re-read
# under it (changeable), the two IDs, the username; the engine's savepoint, update, history,
# release; the re-read; the release. A teacher's save runs the same queries.
ADMIN_SAVE = 16  # + engine_update()
TEACHER_SAVE = ADMIN_SAVE


@pytest.fixture
def ana(world):
    factories.StudentFactory(school=world.school, username="bo.b", external_id="S-2")
    return factories.StudentFactory(
        school=world.school, first_name="Ana", username="ana.l", external_id="S-1"
    )


@pytest.mark.parametrize(
    ("who", "count"), [("district_admin", ADMIN_SAVE), ("teacher", TEACHER_SAVE)]
)
def test_a_details_save_runs_a_fixed_number_of_queries(
    client, request, ana, django_assert_num_queries, who, count
):
    client.force_login(request.getfixturevalue(who))
    data = details(ana, first_name="Anita", external_id="S-3", alt_external_id="A-3")
    with django_assert_num_queries(count + engine_update()):
        response = client.post(reverse("rostering:student_detail", args=[ana.pk]), data)
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.first_name, ana.external_id, ana.alt_external_id) == ("Anita", "S-3", "A-3")


def test_a_taken_external_id_is_said_once_next_to_its_field(client, district_admin, ana):
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:student_detail", args=[ana.pk]), details(ana, external_id="S-2")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["external_id"]
    assert errors == [
        'Another student in this district already has the External Assigned ID "S-2". '
        "Each student needs its own; check for a duplicate record."
    ]
    ana.refresh_from_db()
    assert ana.external_id == "S-1"


def test_an_educators_details_save_runs_a_fixed_number_of_queries(
    client, world, district_admin, django_assert_num_queries
):
    tess = factories.EducatorFactory(
        organization=world.school, username="tess.t", external_id="T-1"
    )
    client.force_login(district_admin)
    data = {
        "first_name": "Tessa",
        "last_name": tess.last_name,
        "username": tess.username,
        "email": tess.email,
        "educator_type": tess.educator_type,
        "organizations": [world.school.pk],
        "external_id": "T-1",
        "alt_external_id": "",
        "password": "",
    }
    # 29 on SQLite when each check was asked twice; the educator and their sign-in are updated
    with django_assert_num_queries(21 + engine_update(tables=2)):
        response = client.post(reverse("rostering:educator_detail", args=[tess.pk]), data)
    assert response.status_code == 302
    tess.refresh_from_db()
    assert tess.first_name == "Tessa"


def test_a_class_details_save_runs_a_fixed_number_of_queries(
    client, world, teacher, django_assert_num_queries
):
    room = factories.ClassGroupFactory(school=world.school, name="Room 1", external_id="C-1")
    client.force_login(teacher)
    data = {"name": "Room 2", "school": world.school.pk, "external_id": "C-1", "is_active": "on"}
    with django_assert_num_queries(17 + engine_update()):  # 23 on SQLite when asked twice
        response = client.post(reverse("rostering:class_detail", args=[room.pk]), data)
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.name == "Room 2"


def _schools_save_queries(client, world, student) -> int:
    added = factories.SchoolFactory(district=world.district, name="Added School")
    data = details(student, schools=[*(s.pk for s in student.schools.all()), added.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("rostering:student_detail", args=[student.pk]), data)
    assert response.status_code == 302
    assert added in student.schools.all()
    return len(ctx.captured_queries)


def test_a_schools_change_runs_the_same_queries_however_many_schools(client, world, district_admin):
    """The form reads the student's schools and the ones it offers once, in one query."""
    client.force_login(district_admin)
    few = factories.StudentFactory(school=world.school, username="few.s")
    few_count = _schools_save_queries(client, world, few)
    more = [factories.SchoolFactory(district=world.district) for _ in range(6)]
    many = factories.StudentFactory(school=world.school, username="many.s")
    many.schools.add(*more[:4])
    assert _schools_save_queries(client, world, many) == few_count


@pytest.mark.parametrize("who", ["district_admin", "teacher"])
def test_a_school_the_form_does_not_offer_is_refused_when_posted_by_hand(
    client, request, world, ana, who
):
    client.force_login(request.getfixturevalue(who))
    hand_posted = [world.school.pk, world.outsider_school.pk]
    if who == "teacher":
        hand_posted = [world.school.pk, world.other_school.pk]  # South is not hers
    response = client.post(
        reverse("rostering:student_detail", args=[ana.pk]), details(ana, schools=hand_posted)
    )
    assert response.status_code == 200
    assert "not one of the available choices" in response.context["form"].errors["schools"][0]
    assert list(ana.schools.all()) == [world.school]
