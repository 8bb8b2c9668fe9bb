"""Names keep no invisible or direction-control characters, whichever channel stores them: a
right-to-left override can make a name display as something else than it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering import services
from rostering.imports import engine
from rostering.models import ClassGroup, Educator, Organization, Student
from rostering.text import clean_text
from tests.oneroster.csvset import set_files, zip_set
from tests.sync.engine.conftest import district, school, sis  # noqa: F401
from tests.sync.engine.conftest import student as sis_student

CONTROLS = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff",  # invisible
]  # fmt: skip
# "Ana" and "Lopez" wrapped in overrides, isolates and zero-width characters.
FIRST = "\u202eAna\u202c\u200b"
LAST = "\u2066Lo\u200dpez\u2069\ufeff"


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_clean_text_drops_each_control(control):
    assert clean_text(f" An{control}a{control} ") == "Ana"


def test_clean_text_keeps_what_people_type():
    assert clean_text("  Zoë O\u2019Brien-García\u00a0") == "Zoë O\u2019Brien-García"
    assert clean_text("\u05d3\u05e0\u05d4") == "\u05d3\u05e0\u05d4"  # Hebrew stays Hebrew
    assert clean_text(" pass\u202e word ", trim=False) == " pass word "


def test_the_student_form_stores_the_name_without_controls(client, teacher, world):
    client.force_login(teacher)
    client.post(
        reverse("rostering:student_add"),
        {
            "first_name": FIRST,
            "last_name": LAST,
            "username": "ana\u202e.lopez",
            "grade": "02",
            "schools": [world.school.pk],
            "save": "Save",
        },
    )

    ana = Student.objects.get(username="ana.lopez")
    assert (ana.first_name, ana.last_name) == ("Ana", "Lopez")


def test_the_educator_class_and_organization_services_store_names_without_controls(
    world, district_admin
):
    educator = services.educator_create(
        actor=district_admin,
        district=world.district,
        first_name=FIRST,
        last_name=LAST,
        username="ana.t",
        organizations=[world.school],
    )
    group = services.class_group_create(
        actor=district_admin, district=world.district, name="\u202eRoom 4\u202c", school=world.school
    )
    org = services.organization_create(
        actor=district_admin, district=world.district, name="\u2067West\u2069 Elementary"
    )
    services.organization_update(
        actor=district_admin, organization=world.school, name="North\u202e Elementary"
    )

    educator = Educator.objects.get(pk=educator.pk)
    assert (educator.first_name, educator.last_name) == ("Ana", "Lopez")
    assert ClassGroup.objects.get(pk=group.pk).name == "Room 4"
    assert Organization.objects.get(pk=org.pk).name == "West Elementary"
    assert Organization.objects.get(pk=world.school.pk).name == "North Elementary"


def test_the_template_import_stores_the_name_without_controls(world):
    content = (
        "First Name,Last Name,Username,Student ID,Organizations\r\n"
        f"{FIRST},{LAST},ana.lopez,\u202e000123,{world.school.name}\r\n"
    ).encode()

    engine.commit_file(
        actor=None, district=world.district, kind="students", file_name="s.csv", content=content
    )

    ana = Student.objects.get(username="ana.lopez")
    assert (ana.first_name, ana.last_name, ana.external_id) == ("Ana", "Lopez", "000123")


def test_the_oneroster_import_stores_names_without_controls(world):
    files = set_files(
        orgs=[
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "\u202eNorth Elementary", "type": "school"},
        ],
        users=[
            {
                "sourcedId": "u1",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "ana.lopez",
                "givenName": FIRST,
                "familyName": LAST,
                "identifier": "000123",
                "grades": "03",
            }
        ],
        classes=[],
        enrollments=[],
    )

    engine.commit_file(
        actor=None,
        district=world.district,
        kind="oneroster",
        file_name="maple.zip",
        content=zip_set(files),
    )

    ana = Student.objects.get(username="ana.lopez")
    assert (ana.first_name, ana.last_name) == ("Ana", "Lopez")
    assert [s.name for s in ana.schools.all()] == ["North Elementary"]


def test_the_sync_stores_names_without_controls(sis):  # noqa: F811
    sis.users = [sis_student(1, givenName=FIRST, familyName=LAST, username="kid\u200b1")]
    sis.classes = [
        {"sourcedId": "cls-1", "title": "\u202eClass 1\u202c", "schoolSourcedId": "sch-1",
         "classType": "scheduled"}
    ]  # fmt: skip

    sis.sync()

    kid = Student.objects.get(username="kid1")
    assert (kid.first_name, kid.last_name) == ("Ana", "Lopez")
    assert ClassGroup.objects.get(sis_sourced_id="cls-1").name == "Class 1"
