"""The admin's Deactivate, Reactivate and Reset password actions are one engine batch for the
whole selection (rostering.bulk): each record gets the single service's verdict, refusals
are reported record by record, and the queries do not grow with the selection."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering import engine
from rostering.models import ClassGroup, Educator, Organization, Origin, Student
from rostering.passwords import decrypt_password
from tests import factories

from .conftest import admin_url


@pytest.fixture
def applies(monkeypatch):
    """The engine applies made (one batch each)."""
    calls = []
    real = engine.apply

    def spy(batch, **kwargs):
        calls.append(kwargs["channel"])
        return real(batch, **kwargs)

    monkeypatch.setattr(engine, "apply", spy)
    return calls


def _act(client, model, action, records, follow=True):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [r.pk for r in records]},
        follow=follow,
    )


def _queries(client, model, action, records) -> int:
    """The queries of the action's request (not of the list page it then redirects to)."""
    with CaptureQueriesContext(connection) as queries:
        response = _act(client, model, action, records, follow=False)
    assert response.status_code == 302
    return len(queries)


def _students(world, n, **extra):
    return [factories.StudentFactory(school=world.school, **extra) for _ in range(n)]


def _educators(world, n, **extra):
    return [factories.EducatorFactory(organization=world.school, **extra) for _ in range(n)]


MAKERS = {Student: _students, Educator: _educators}


@pytest.mark.parametrize("model", [Student, Educator])
def test_deactivating_is_one_batch_and_reports_each_refusal(support_client, world, applies, model):
    manual = MAKERS[model](world, 2)
    synced = MAKERS[model](world, 1, origin=Origin.SYNCED, first_name="Sid")[0]

    response = _act(support_client, model, "deactivate", [*manual, synced])

    assert applies == ["admin"]
    page = response.content.decode()
    assert f"Deactivated 2 {model._meta.verbose_name_plural}: " in page
    assert f"Not changed, {synced.full_name}: Synced from your SIS" in page
    assert [r.is_active for r in model.objects.filter(pk__in=[m.pk for m in manual])] == [
        False,
        False,
    ]
    synced.refresh_from_db()
    assert synced.is_active
    assert manual[0].history.latest().history_channel == "admin"


def test_a_deactivated_educator_can_no_longer_sign_in(support_client, world):
    reed = _educators(world, 1)[0]

    _act(support_client, Educator, "deactivate", [reed])

    reed.user.refresh_from_db()
    assert not reed.user.is_active
    _act(support_client, Educator, "reactivate", [reed])
    reed.user.refresh_from_db()
    assert reed.user.is_active


def test_reset_password_is_one_batch_and_shows_each_new_password(support_client, world, applies):
    kids = _students(world, 3)

    response = _act(support_client, Student, "reset_password", kids)

    assert applies == ["admin"]
    page = response.content.decode()
    for kid in kids:
        kid.refresh_from_db()
        assert f"({kid.username}): {decrypt_password(kid.password_encrypted)}" in page
        assert kid.history.latest().history_channel == "admin"


@pytest.mark.parametrize(
    "model, action",
    [
        (Student, "deactivate"),
        (Student, "reactivate"),
        (Student, "reset_password"),
        (Educator, "deactivate"),
        (Educator, "reactivate"),
    ],
)
def test_an_actions_queries_do_not_grow_with_the_selection(support_client, world, model, action):
    active = action != "reactivate"
    few = MAKERS[model](world, 2, is_active=active)
    many = MAKERS[model](world, 12, is_active=active)
    _act(support_client, model, action, MAKERS[model](world, 1, is_active=active))  # warm up

    assert _queries(support_client, model, action, many) == _queries(
        support_client, model, action, few
    )


def test_a_school_administrator_changes_only_their_schools_educators(
    world, school_admin, district_admin
):
    """The same scope as the single service (accounts.permissions.can_change_seen), asked of
    the whole selection at once."""
    from rostering import bulk

    colleague = _educators(world, 1)[0]
    boss = district_admin.educator

    outcome = bulk.set_active(
        actor=school_admin, students=[colleague, boss], active=False, model=Educator
    )

    assert outcome.done == [colleague]
    assert [(r.student, r.reason) for r in outcome.refused] == [
        (boss, "you may not change this educator")
    ]


def _classes(world, n, **extra):
    return [
        factories.ClassGroupFactory(school=world.school, district=world.district, **extra)
        for _ in range(n)
    ]


def _schools(world, n, **extra):
    return [factories.SchoolFactory(district=world.district, **extra) for _ in range(n)]


@pytest.mark.parametrize("model, make", [(ClassGroup, _classes), (Organization, _schools)])
def test_classes_and_schools_are_deactivated_in_one_batch_too(
    support_client, world, applies, model, make
):
    manual = make(world, 2)
    synced = make(world, 1, origin=Origin.SYNCED)[0]
    chosen = [*manual, synced]
    _act(support_client, model, "deactivate", make(world, 1))  # warm up
    applies.clear()

    few = _queries(support_client, model, "deactivate", chosen)
    more = make(world, 10)
    many = _queries(support_client, model, "deactivate", more)

    assert applies == ["admin", "admin"] and many == few
    assert not any(model.objects.filter(pk__in=[r.pk for r in manual + more], is_active=True))
    synced.refresh_from_db()
    assert synced.is_active
    page = support_client.get(admin_url(model, "changelist")).content.decode()
    assert f"{synced}: " in page and "SIS" in page  # the message, shown on the next page


def test_a_district_chosen_with_its_schools_is_refused_and_they_are_deactivated(
    support_client, world
):
    school = _schools(world, 1)[0]

    response = _act(support_client, Organization, "deactivate", [world.district, school])

    page = response.content.decode()
    assert "A district cannot be deactivated; support staff close districts." in page
    school.refresh_from_db()
    world.district.refresh_from_db()
    assert not school.is_active and world.district.is_active
