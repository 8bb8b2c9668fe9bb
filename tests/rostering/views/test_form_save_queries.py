"""Saving a student's (an educator's, a class/group's) Details asks each rule once: the External
and Alt External Assigned IDs' uniqueness in the district, the user's right to change the
record, the district's lock. The counts are fixed, so a second copy of a check cannot creep
back in."""

import pytest
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.rostering.views.test_students_detail import details


def engine_update(tables: int = 1) -> int:
    """The engine's UPDATE of one row per table: on PostgreSQL through a staging table (create,
    update from it, drop), one statement on SQLite."""
    return tables * (3 if connection.vendor == "postgresql" else 1)


# Session, user, scope (one: role, schools and those below them), the student (visible and
# changeable), its schools, the posted schools; the transaction, the lock, the student re-read
# under it (changeable), the two IDs, the username; the engine's savepoint, update, history,
# release; the re-read; the release. A teacher's save runs the same queries.
ADMIN_SAVE = 17  # + engine_update()
TEACHER_SAVE = ADMIN_SAVE


@pytest.fixture
def ana(world):
    factories.StudentFactory(school=world.school, username="bo.b", external_id="S-2")
    return factories.StudentFactory(
        school=world.school, first_name="Ana", username="ana.l", external_id="S-1"
    )


@pytest.mark.parametrize(("who", "count"), [("district_admin", ADMIN_SAVE), ("teacher", TEACHER_SAVE)])
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
    tess = factories.EducatorFactory(organization=world.school, username="tess.t", external_id="T-1")
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
