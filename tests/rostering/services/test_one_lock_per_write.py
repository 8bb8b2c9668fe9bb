"""A service write takes its district's lock once: the service takes it before it checks
(so the check reads what a writer before it left), and the engine's apply that writes the
batch in the same transaction finds it held (rostering.locks)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering import locks, services
from tests import factories
from tests.rostering.views.test_students_detail import details


@pytest.fixture
def lock_queries(monkeypatch):
    """The districts whose lock was taken by a query, one entry per query."""
    taken = []
    real = locks._take

    def counting(district):
        district_id = real(district)
        taken.append(district_id)
        return district_id

    monkeypatch.setattr(locks, "_take", counting)
    return taken


def test_a_student_edit_form_save_takes_the_lock_once(client, world, district_admin, lock_queries):
    ana = factories.StudentFactory(school=world.school, first_name="Ana", username="ana.l")
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:student_detail", args=[ana.pk]),
        details(ana, first_name="Anita", schools=[world.school.pk, world.other_school.pk]),
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.first_name == "Anita"
    assert lock_queries == [world.district.pk]


def _student_create(world, actor):
    services.student_create(
        actor=actor,
        district=world.district,
        first_name="Bo",
        last_name="Berg",
        username="bo.berg",
        schools=[world.school],
    )


def _educator_update(world, actor):
    tess = factories.EducatorFactory(organization=world.school, username="tess.t")
    services.educator_update(actor=actor, educator=tess, first_name="Tessa")


def _class_add_students(world, actor):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    ana = factories.StudentFactory(school=world.school)
    services.class_group_add_students(actor=actor, class_group=room, students=[ana])


def _class_create(world, actor):
    services.class_group_create(
        actor=actor, district=world.district, name="Room 5", school=world.school
    )


def _student_product(world, actor):
    ana = factories.StudentFactory(school=world.school)
    services.student_add_product(actor=actor, student=ana, product=factories.ProductFactory())


def _school_rename(world, actor):
    services.organization_update(actor=actor, organization=world.school, name="North Primary")


@pytest.mark.parametrize(
    "write",
    [
        _student_create,
        _educator_update,
        _class_add_students,
        _class_create,
        _student_product,
        _school_rename,
    ],
)
def test_each_service_write_takes_the_lock_once(world, district_admin, lock_queries, write):
    write(world, district_admin)
    assert lock_queries == [world.district.pk]
