"""Saving a student's Details asks each rule once: the External and Alt External Assigned IDs'
uniqueness in the district, the user's right to change the student, the district's lock. The
count is fixed, so a second copy of a check cannot creep back in."""

import pytest
from django.urls import reverse

from tests import factories
from tests.rostering.views.test_students_detail import details

# Session, user, scope (2), the student (visible and changeable), its schools, the posted
# schools; the transaction, the lock, the student re-read under it (changeable), the two IDs,
# the username; the engine's savepoint, update, history, release; the re-read; the release.
ADMIN_SAVE = 19
TEACHER_SAVE = ADMIN_SAVE + 1  # a teacher's scope also reads their school's rooms


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
    with django_assert_num_queries(count):
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
