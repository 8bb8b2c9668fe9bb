"""Students and educators saved from the portal's forms (and the admin, through the same
services) are written by the roster engine: a batch of one, its history stamped with the actor
and channel like an import's, the educator's sign-in kept in step; a form save's query count
stays the same however many schools and classes the student has."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering import engine, services
from tests import factories
from tests.rostering.views.test_students_detail import details


@pytest.fixture
def batches(monkeypatch):
    """The batches handed to engine.apply, with their channel (applied as usual)."""
    seen = []
    real = engine.apply

    def spy(batch, **kwargs):
        seen.append((batch, kwargs["channel"]))
        return real(batch, **kwargs)

    monkeypatch.setattr(engine, "apply", spy)
    return seen


def test_a_form_edit_of_a_students_schools_is_written_by_the_engine(
    client, world, district_admin, batches
):
    ana = factories.StudentFactory(school=world.school, first_name="Ana", username="ana.l")
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:student_detail", args=[ana.pk]),
        details(ana, schools=[world.other_school.pk]),
    )
    assert response.status_code == 302
    assert list(ana.schools.all()) == [world.other_school]
    [(batch, channel)] = batches
    assert channel == "form"
    assert {(c.link, c.other, c.added) for c in batch.links} == {
        ("student_school", world.school.pk, False),
        ("student_school", world.other_school.pk, True),
    }
    latest = ana.history.first()
    assert (latest.history_type, latest.history_channel) == ("~", "form")
    assert latest.history_user == district_admin


def test_a_new_student_from_the_form_has_one_history_row_from_the_engine(
    client, world, teacher, batches
):
    client.force_login(teacher)
    response = client.post(
        reverse("rostering:student_add"),
        {
            "first_name": "Ben",
            "last_name": "Ng",
            "username": "ben.ng",
            "schools": [world.school.pk],
            "password": "sunny-days-42",
        },
    )
    assert response.status_code == 302
    [(batch, channel)] = batches
    assert (len(batch.creates), channel) == (1, "form")
    ben = world.school.students.get(username="ben.ng")
    [row] = ben.history.all()
    assert (row.history_type, row.history_channel, row.history_user) == ("+", "form", teacher)


def _edit_count(client, world, district_admin, size: int) -> int:
    schools = [world.school] + [
        factories.SchoolFactory(district=world.district) for _ in range(size - 1)
    ]
    kid = factories.StudentFactory(school=world.school, schools=schools)
    for school in schools:
        room = factories.ClassGroupFactory(school=school)
        factories.ClassStudentFactory(class_group=room, student=kid)
    wanted = [s.pk for s in schools[:-1]] + [world.other_school.pk]  # one out, one in
    data = details(kid, first_name="Renamed", schools=wanted)
    url = reverse("rostering:student_detail", args=[kid.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    kid.refresh_from_db()
    assert kid.first_name == "Renamed" and world.other_school in kid.schools.all()
    return len(queries)


def test_a_student_form_saves_query_count_does_not_grow_with_schools_or_classes(
    client, world, district_admin
):
    client.force_login(district_admin)
    _edit_count(client, world, district_admin, 2)  # warm caches (content types, sessions)
    assert _edit_count(client, world, district_admin, 6) == _edit_count(
        client, world, district_admin, 2
    )


def test_an_educators_new_password_and_status_reach_their_sign_in_through_the_engine(
    world, district_admin, batches
):
    lee = factories.EducatorFactory(organization=world.school, username="lee.c")
    services.educator_update(
        actor=district_admin, educator=lee, password="a-new-long-passphrase", first_name="Leo"
    )
    assert authenticate(username="lee.c", password="a-new-long-passphrase") == lee.user
    assert lee.user.first_name == "Leo"
    services.educator_set_active(actor=district_admin, educator=lee, active=False, channel="admin")
    lee.user.refresh_from_db()
    assert not lee.user.is_active
    assert [channel for _batch, channel in batches] == ["form", "admin"]
    assert [h.history_channel for h in lee.history.all()[:2]] == ["admin", "form"]
