"""The portal's rules hold on every roster record the admin edits, not only on students: a
locked field posted by hand is refused, and deactivate/reactivate run through the services."""

import pytest

from rostering.models import ClassGroup, Educator, Origin, Student
from tests import factories

from .conftest import admin_url, change_form_data


def _student(world, origin):
    return factories.StudentFactory(school=world.school, origin=origin, first_name="Tim")


def _educator(world, origin):
    return factories.EducatorFactory(organization=world.school, origin=origin, first_name="Tim")


def _class(world, origin):
    return factories.ClassGroupFactory(
        school=world.school, district=world.district, origin=origin, name="Tim's class"
    )


def _school(world, origin):
    return factories.SchoolFactory(district=world.district, origin=origin, name="Tim School")


# (make a record, a field the SIS owns, the value on the record, the value posted by hand)
LOCKED = {
    "student": (_student, "first_name", "Tim", "Timothy"),
    "educator": (_educator, "first_name", "Tim", "Timothy"),
    "class": (_class, "name", "Tim's class", "Hacked class"),
    "school": (_school, "name", "Tim School", "Hacked School"),
}


@pytest.mark.parametrize("kind", LOCKED)
def test_a_locked_field_posted_by_hand_is_refused_on_every_kind_of_record(
    support_client, world, kind
):
    make, field, value, posted = LOCKED[kind]
    record = make(world, Origin.SYNCED)
    url = admin_url(record)
    page = support_client.get(url)
    assert field not in page.context["adminform"].form.fields  # shown as text
    data = change_form_data(page)
    data[field] = posted
    versions = record.history.count()

    response = support_client.post(url, data)

    assert response.status_code == 200
    assert "Synced from your SIS: this must be changed in your SIS." in response.content.decode()
    record.refresh_from_db()
    assert getattr(record, field) == value
    assert record.history.count() == versions


@pytest.mark.parametrize("kind", ["student", "educator"])
def test_the_same_field_of_a_manual_record_is_changed_with_channel_admin(
    support_client, support, world, kind
):
    make, field, _value, posted = LOCKED[kind]
    record = make(world, Origin.MANUAL)
    url = admin_url(record)
    data = change_form_data(support_client.get(url))
    data[field] = posted

    response = support_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert getattr(record, field) == posted
    latest = record.history.latest()
    assert (latest.history_channel, latest.history_user) == ("admin", support)


ACTIVE = {
    "student": (Student, _student, "student"),
    "educator": (Educator, _educator, "educator"),
    "class": (ClassGroup, _class, "class/group"),
}


def _act(client, model, action, records):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [r.pk for r in records]},
        follow=True,
    ).content.decode()


@pytest.mark.parametrize("kind", ACTIVE)
def test_deactivate_then_reactivate_from_the_list_goes_through_the_services(
    support_client, support, world, kind
):
    model, make, noun = ACTIVE[kind]
    record = make(world, Origin.MANUAL)

    page = _act(support_client, model, "deactivate", [record])

    record.refresh_from_db()
    assert not record.is_active and f"Deactivated 1 {noun}: " in page
    assert record.history.latest().history_channel == "admin"

    page = _act(support_client, model, "reactivate", [record])

    record.refresh_from_db()
    assert record.is_active and f"Reactivated 1 {noun}: " in page
    assert record.history.latest().history_user == support


@pytest.mark.parametrize("kind", ACTIVE)
def test_deactivating_a_synced_record_is_refused_with_the_reason(support_client, world, kind):
    model, make, _plural = ACTIVE[kind]
    record = make(world, Origin.SYNCED)

    page = _act(support_client, model, "deactivate", [record])

    record.refresh_from_db()
    assert record.is_active
    assert "must be changed in your SIS" in page
