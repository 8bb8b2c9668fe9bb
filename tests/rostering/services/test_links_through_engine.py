"""The class/group, membership, product and organization services check, and the engine
writes: a change made in the portal or the admin is one ``engine.apply`` with the person and
the channel, and its history (records, memberships, product links, settings) says so."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering import engine, services
from rostering.history import Channel
from rostering.models import ClassStudent, LinkChange, Organization, Origin
from tests import factories
from tests.admin.conftest import admin_url, change_form_data

Kind, Action = LinkChange.Kind, LinkChange.Action


@pytest.fixture
def applied(monkeypatch) -> list[tuple[str, object]]:
    """(channel, actor) of every engine.apply the services make."""
    calls = []
    real = engine.apply

    def spy(batch, *, district, actor, channel, **kwargs):
        calls.append((str(channel), actor))
        return real(batch, district=district, actor=actor, channel=channel, **kwargs)

    monkeypatch.setattr(engine, "apply", spy)
    return calls


def _ana_in_room_4(world):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    ana = factories.StudentFactory(school=world.school, first_name="Ana", last_name="Lopez")
    factories.ClassStudentFactory(class_group=room, student=ana)
    return room, ana


def _remove_in_portal(client, user, room, ana):
    client.force_login(user)
    client.post(reverse("rostering:class_student_remove", args=[room.pk]), {"student": ana.pk})


def _remove_in_admin(client, user, room, ana):
    client.force_login(user)
    url = admin_url(room)
    data = change_form_data(client.get(url))
    data["classstudent_set-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("remove", "who", "channel"),
    [
        (_remove_in_portal, "district_admin", Channel.FORM),
        (_remove_in_admin, "support", Channel.ADMIN),
    ],
)
def test_removing_a_student_from_a_class_is_in_both_admin_histories(
    client, world, people, support, applied, remove, who, channel
):
    room, ana = _ana_in_room_4(world)
    user = people[who]

    remove(client, user, room, ana)

    assert not ClassStudent.objects.filter(class_group=room, student=ana).exists()
    # The admin also runs the service once, rolled back, to show a refusal on its form.
    assert applied and all(call == (str(channel), user) for call in applied)
    row = LinkChange.objects.get(kind=Kind.CLASS_STUDENT, action=Action.REMOVED)
    assert (row.class_group, row.student, row.actor, row.channel) == (room, ana, user, channel)
    client.force_login(support)
    for record in (ana, room):
        page = client.get(admin_url(record, "history")).content.decode()
        section = page.split("Schools, classes and products", 1)[1]
        assert "removed from class/group Room 4" in section
        assert f"<td>{user}</td>" in section and f"<td>{channel}</td>" in section


def _queries_to_add(world, teacher, count: int) -> int:
    room = factories.ClassGroupFactory(school=world.school)
    kids = factories.StudentFactory.create_batch(count, school=world.school)
    with CaptureQueriesContext(connection) as ctx:
        added = services.class_group_add_students(actor=teacher, class_group=room, students=kids)
    assert added == count == room.students.count()
    assert LinkChange.objects.filter(class_group=room, action=Action.ADDED).count() == count
    return len(ctx.captured_queries)


def test_adding_30_students_to_a_class_takes_the_queries_of_adding_3(world, teacher):
    _queries_to_add(world, teacher, 1)  # the teacher's scope is read once, then kept
    assert _queries_to_add(world, teacher, 3) == _queries_to_add(world, teacher, 30)


def test_a_teacher_creating_a_class_is_in_its_history_and_teaches_it(world, teacher, applied):
    room = services.class_group_create(
        actor=teacher, district=world.district, name="  Room 7 ", school=world.school
    )

    assert applied == [("form", teacher)]
    assert room.pk and room.name == "Room 7" and room.district == world.district
    created = room.history.get()
    assert (created.history_type, created.history_user, created.history_channel) == (
        "+",
        teacher,
        "form",
    )
    link = LinkChange.objects.get(class_group=room)
    assert (link.kind, link.action, link.actor, link.channel) == (
        Kind.CLASS_EDUCATOR,
        Action.ADDED,
        teacher,
        "form",
    )
    assert room.educators.get().pk == link.educator_id


def test_a_class_update_is_one_history_row_with_the_change(world, district_admin, applied):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")

    services.class_group_update(
        actor=district_admin, class_group=room, name="Room 5", school=world.other_school
    )

    assert applied == [("form", district_admin)]
    room.refresh_from_db()
    assert (room.name, room.school) == ("Room 5", world.other_school)
    changed = room.history.filter(history_type="~").get()
    assert (changed.name, changed.history_user, changed.history_channel) == (
        "Room 5",
        district_admin,
        "form",
    )


def test_product_links_and_settings_in_the_portal_keep_who_and_how(world, teacher, applied):
    student = factories.StudentFactory(school=world.school)
    product = factories.ProductFactory()
    setting = factories.ProductSettingFactory(product=product)

    link = services.student_add_product(actor=teacher, student=student, product=product)
    row = services.student_set_product_setting(
        actor=teacher, student=student, setting=setting, value=setting.allowed_values[0]
    )
    again = services.student_set_product_setting(
        actor=teacher, student=student, setting=setting, value=setting.allowed_values[0]
    )
    assert services.student_remove_product(actor=teacher, student=student, product=product)

    assert link.origin == Origin.MANUAL and row.value == again.value == setting.allowed_values[0]
    assert applied == [("form", teacher)] * 3  # the unchanged setting wrote nothing
    history = LinkChange.objects.filter(student=student).order_by("pk")
    assert [(h.kind, h.action, h.actor, h.channel) for h in history] == [
        (Kind.STUDENT_PRODUCT, Action.ADDED, teacher, "form"),
        (Kind.STUDENT_SETTING, Action.ADDED, teacher, "form"),
        (Kind.STUDENT_PRODUCT, Action.REMOVED, teacher, "form"),
    ]


def test_the_sync_channel_takes_over_a_setting_and_a_product_link(world):
    student = factories.StudentFactory(school=world.school, origin=Origin.SYNCED)
    link = factories.StudentProductFactory(student=student)
    setting = factories.ProductSettingFactory(product=link.product)
    value = setting.allowed_values[0]
    factories.StudentProductSettingFactory(student=student, setting=setting, value=value)

    services.student_add_product(
        actor=None, student=student, product=link.product, channel=Channel.SYNC
    )
    row = services.student_set_product_setting(
        actor=None, student=student, setting=setting, value=value, channel=Channel.SYNC
    )

    link.refresh_from_db()
    assert link.origin == Origin.SYNCED
    assert (row.origin, row.sis_value, row.value) == (Origin.SYNCED, value, value)
    assert not LinkChange.objects.exists()  # the same link and value: nothing was added


def test_organizations_are_created_and_deleted_through_the_engine(world, support, applied):
    school = services.organization_create(
        actor=support, district=world.district, name="Made by Mistake", channel=Channel.ADMIN
    )
    assert school.parent == world.district and school.district == world.district
    services.organization_delete(actor=support, organization=school, channel=Channel.ADMIN)

    assert applied == [("admin", support)] * 2
    assert not Organization.objects.filter(pk=school.pk).exists()
    history = Organization.history.filter(id=school.pk).order_by("history_id")
    assert [(h.history_type, h.history_user, h.history_channel) for h in history] == [
        ("+", support, "admin"),
        ("-", support, "admin"),
    ]


def test_a_new_district_is_written_by_the_engine_too(support, applied):
    district = services.district_create(
        actor=support, name="Cedar", slug="cedar", channel=Channel.ADMIN
    )
    assert applied == [("admin", support)]
    assert district.is_district and district.district_id is None
    assert district.sync_configuration is not None
    created = district.history.get()
    assert (created.history_type, created.history_user, created.history_channel) == (
        "+",
        support,
        "admin",
    )
