"""A preferred first name (the name a person goes by) is one registry entry: the portal form,
the admin, the template import, the OneRoster import and the sync all store it, the same way,
from what each is given. Its refusals (too long) are in tests/rostering/test_value_rules.py,
the sync's sharing of it in tests/sync/engine/test_preferred_first_name.py.

The SIS side is the real OneRoster 1.2 set in ../shared/data (v1p2-bulk), which sends it
misspelled, ``prefferedGivenName``: Mary Jones goes by "MJ"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering.imports import engine
from rostering.models import Educator, Student
from rostering.oneroster import load_files, zip_files
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from tests import factories
from tests.admin.conftest import change_form_data
from tests.rostering.test_value_rules import _template  # a one-row template file
from tests.shared_data import SHARED_DATA

V12_BULK = SHARED_DATA / "oneroster-moodle-enrol-fixtures/v1p2-bulk"
# As a person types it: spaces around it and an invisible character, which every channel drops.
TYPED = " MJ\u200b "
MARY = {"first_name": "Mary", "last_name": "Jones", "username": "mary.jones"}


def _mary(world):
    return Student.objects.get(district=world.district, username="mary.jones")


def via_form(client, world, teacher, **_):
    client.force_login(teacher)
    data = {**MARY, "preferred_first_name": TYPED, "schools": [world.school.pk], "save": "Save"}
    response = client.post(reverse("rostering:student_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    return _mary(world)


def via_admin(client, world, support, **_):
    client.force_login(support)
    url = reverse("admin:rostering_student_add")
    data = change_form_data(client.get(url))
    data.update({**MARY, "preferred_first_name": TYPED, "schools": [str(world.school.pk)]})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return _mary(world)


def via_template_import(world, district_admin, **_):
    row = {
        "First Name": "Mary",
        "Last Name": "Jones",
        "Username": "mary.jones",
        "Organizations": "North Elementary",
        "Nickname": TYPED,  # one of the column's accepted headers
    }
    result = engine.commit_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=_template(row),
    )
    assert result.created == 1
    return _mary(world)


def via_oneroster_import(world, **_):
    result = engine.commit_file(
        actor=None,
        district=world.district,
        kind="oneroster",
        file_name="v1p2-bulk.zip",
        content=zip_files(load_files(V12_BULK)),
    )
    assert result.created  # a set with errors is refused whole (ImportRejected)
    return _mary(world)


def via_sync(world, **_):
    SyncSource.objects.create(district=world.district)
    config = world.district.sync_configuration
    config.shared_fields["student"].append("preferred_first_name")  # the district sends it
    config.save()
    run = run_sync(
        district=world.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(V12_BULK)
    )
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    return _mary(world)


CHANNELS = {
    "portal form": via_form,
    "admin": via_admin,
    "template import": via_template_import,
    "OneRoster import": via_oneroster_import,
    "sync": via_sync,
}


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_preferred_first_name_is_stored_alike_on_every_channel(
    channel, client, world, teacher, district_admin, support, moodle_as_exported
):
    mary = CHANNELS[channel](
        client=client, world=world, teacher=teacher, district_admin=district_admin, support=support
    )

    assert mary.preferred_first_name == "MJ"
    assert mary.first_name == "Mary"  # her first name is her own still


def test_the_student_page_shows_and_edits_the_preferred_first_name(client, world, teacher):
    student = via_form(client, world, teacher)
    page = client.get(student.get_absolute_url())
    assert page.context["form"]["preferred_first_name"].value() == "MJ"
    assert "Preferred first name" in page.content.decode()

    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if name not in ("schools", "schools_kept")
    }
    data.update({"preferred_first_name": "Molly", "schools": [world.school.pk], "save": "Save"})
    client.post(student.get_absolute_url(), data)

    student.refresh_from_db()
    assert student.preferred_first_name == "Molly"


def test_an_educator_has_a_preferred_first_name_through_the_form_and_the_import(
    client, world, district_admin
):
    client.force_login(district_admin)
    data = {
        "first_name": "Ruth",
        "last_name": "Baker",
        "preferred_first_name": " Ruthie ",
        "username": "ruth.baker",
        "educator_type": "teacher",
        "organizations": [world.school.pk],
    }
    response = client.post(reverse("rostering:educator_add"), data)
    assert response.status_code == 302, response.context["form"].errors
    row = {
        "First Name": "Sam",
        "Last Name": "Reyes",
        "Username": "sam.reyes",
        "Educator Type": "Teacher",
        "Organizations": "North Elementary",
        "Preferred First Name": "Sammy",
    }
    engine.commit_file(
        actor=district_admin,
        district=world.district,
        kind="educators",
        file_name="educators.csv",
        content=_template(row),
    )

    names = dict(
        Educator.objects.filter(district=world.district).values_list(
            "username", "preferred_first_name"
        )
    )
    assert (names["ruth.baker"], names["sam.reyes"]) == ("Ruthie", "Sammy")


def test_the_list_and_the_login_card_name_a_student_as_they_go_by(client, world, teacher):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    factories.ClassStudentFactory(
        class_group=room,
        student__school=world.school,
        student__first_name="Mary",
        student__last_name="Jones",
        student__preferred_first_name="MJ",
    )
    factories.ClassStudentFactory(
        class_group=room,
        student__school=world.school,
        student__first_name="Ben",
        student__last_name="Kim",
    )
    client.force_login(teacher)

    listed = client.get(reverse("rostering:student_list")).content.decode()
    cards = client.get(reverse("rostering:class_login_cards", args=[room.pk])).content.decode()

    assert "Jones, Mary (MJ)" in listed and "Kim, Ben<" in listed
    assert ">MJ Jones<" in cards and ">Ben Kim<" in cards
