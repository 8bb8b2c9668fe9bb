"""DESIGN.md: one verdict on every channel, for "a student of another school" and "a teacher
in another school's class".

A class/group's students and educators belong to its school (rostering.memberships). Sol is
a student of South Elementary and Tess a teacher there; Room 4 is North Elementary's. Putting
either of them in Room 4 is refused on every channel — the portal page, the Django admin, the
template imports, the OneRoster import, the sync — with the same sentence, each in its own
place (the page's message or form error; row and column; the SIS enrollment), and nobody is
enrolled.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from rostering.imports import engine
from rostering.memberships import not_at_school
from rostering.models import ClassEducator, ClassGroup, ClassStudent
from rostering.sync.engine import run_sync
from rostering.sync.models import ProductRule, SyncRun, SyncSource
from tests import factories
from tests.admin.conftest import admin_url, change_form_data
from tests.oneroster.csvset import set_files, zip_set

PEOPLE = {
    # case: (role in OneRoster, template column of the classes import, first, last, username)
    "a student of another school": ("student", "Students", "Sol", "Reyes", "sol.reyes"),
    "a teacher in another school's class": ("teacher", "Educators", "Tess", "Hall", "tess.hall"),
}
SENTENCE = {
    case: not_at_school(f"{first} {last}", "North Elementary", "Room 4")
    for case, (_role, _column, first, last, _username) in PEOPLE.items()
}


@pytest.fixture
def schools(world):
    world.school.external_id = "N1"
    world.school.save()
    world.other_school.external_id = "S1"
    world.other_school.save()
    return world


def _person(world, case):
    """Sol or Tess, attached to South Elementary only (Room 4 is North's)."""
    role, _column, first, last, username = PEOPLE[case]
    names = {"first_name": first, "last_name": last, "username": username}
    if role == "student":
        return factories.StudentFactory(school=world.other_school, **names)
    return factories.EducatorFactory(organization=world.other_school, **names)


def _room_4(world):
    return factories.ClassGroupFactory(school=world.school, name="Room 4", external_id="c1")


def _nobody_enrolled(world) -> bool:
    in_district = {"class_group__district": world.district}
    return (
        not ClassStudent.objects.filter(**in_district).exists()
        and not ClassEducator.objects.filter(**in_district)
        .exclude(educator__username="dana")
        .exists()
    )


# ---- the channels ---------------------------------------------------------------------------


def via_portal(client, world, district_admin, case, **_):
    """The student's Classes tab (the class posted by hand: only classes of her schools are
    offered) or the class's Educators tab (Tess posted by hand)."""
    person, room = _person(world, case), _room_4(world)
    client.force_login(district_admin)
    if PEOPLE[case][0] == "student":
        url = reverse("rostering:student_classes", args=[person.pk])
        response = client.post(url, {"class_group": room.pk}, follow=True)
        return [str(m) for m in response.context["messages"]]
    url = reverse("rostering:class_educators", args=[room.pk])
    response = client.post(url, {"educators": [person.pk]})
    assert response.status_code == 200
    return response.context["form"].errors["educators"]


def via_admin(client, world, support, case, **_):
    """Room 4's change page in the Django admin: a new row of its students or educators."""
    person, room = _person(world, case), _room_4(world)
    client.force_login(support)
    url = admin_url(room)
    data = change_form_data(client.get(url))
    kind = PEOPLE[case][0] if PEOPLE[case][0] == "student" else "educator"
    prefix = f"class{kind}_set"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-{kind}"] = str(person.pk)
    data[f"{prefix}-{total}-class_group"] = str(room.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    inlines = {i.formset.prefix: i.formset for i in response.context["inline_admin_formsets"]}
    return list(inlines[prefix].non_form_errors())


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def via_template_import(world, district_admin, case, **_):
    """The Classes/Groups template: Room 4's row names Sol (or Tess)."""
    _role, column, _first, _last, username = PEOPLE[case]
    _person(world, case)
    products = factories.ProductFactory(name="Reading Stars", code="reading-stars")
    row = {
        "Class/Group Name": "Room 4",
        "Organization": "North Elementary",
        "Product": products.name,
        column: username,
    }
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="classes",
        file_name="classes.csv",
        content=_csv([row]),
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, column)]
    return [plan.errors[0].message]


def via_students_template_import(world, district_admin, case, **_):
    """The Students template: Sol's row names Room 4 (students only)."""
    _room_4(world)
    row = {
        "First Name": "Sol",
        "Last Name": "Reyes",
        "Username": "sol.reyes",
        "Organizations": "South Elementary",
        "Classes/Groups": "Room 4",
    }
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=_csv([row]),
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Classes/Groups")]
    return [plan.errors[0].message]


ORGS = [
    {"sourcedId": "d1", "name": "Maple District", "type": "district"},
    {
        "sourcedId": "s1",
        "name": "North Elementary",
        "type": "school",
        "identifier": "N1",
        "parentSourcedId": "d1",
    },
    {
        "sourcedId": "s2",
        "name": "South Elementary",
        "type": "school",
        "identifier": "S1",
        "parentSourcedId": "d1",
    },
]


def _sis(case) -> dict:
    role, _column, first, last, username = PEOPLE[case]
    users = [
        {
            "sourcedId": "u1",
            "orgSourcedIds": "s2",
            "role": role,
            "username": username,
            "givenName": first,
            "familyName": last,
            "identifier": "0001",
        },
        # Others the SIS sends right, so that the run rosters most of what it was sent.
        {
            "sourcedId": "u2",
            "orgSourcedIds": "s1",
            "role": "student",
            "username": "kid2",
            "givenName": "Kid",
            "familyName": "Two",
            "identifier": "0002",
        },
        {
            "sourcedId": "u3",
            "orgSourcedIds": "s1",
            "role": "teacher",
            "username": "teach3",
            "givenName": "Teach",
            "familyName": "Three",
            "identifier": "0003",
        },
    ]
    classes = [
        {
            "sourcedId": "c1",
            "title": "Room 4",
            "schoolSourcedId": "s1",
            "subjects": "Science",
            "classCode": "R4",
        },
    ]
    enrollments = [
        {
            "sourcedId": "e1",
            "classSourcedId": "c1",
            "schoolSourcedId": "s1",
            "userSourcedId": "u1",
            "role": role,
        },
        {
            "sourcedId": "e2",
            "classSourcedId": "c1",
            "schoolSourcedId": "s1",
            "userSourcedId": "u2",
            "role": "student",
        },
        {
            "sourcedId": "e3",
            "classSourcedId": "c1",
            "schoolSourcedId": "s1",
            "userSourcedId": "u3",
            "role": "teacher",
        },
    ]
    return set_files(orgs=ORGS, users=users, classes=classes, enrollments=enrollments)


def via_oneroster_import(world, district_admin, case, **_):
    product = factories.ProductFactory(name="Reading Stars", code="reading-stars")
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=product,
    )
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="oneroster",
        file_name="maple.zip",
        content=zip_set(_sis(case)),
    )
    [error] = plan.errors
    # The SIS record and the column it became: Sol's row of students, or Room 4's row.
    prefix = "u1 (Classes/Groups): " if PEOPLE[case][0] == "student" else "c1 (Educators): "
    assert error.message.startswith(prefix)
    return [error.message.removeprefix(prefix)]


def via_sync(world, tmp_path, case, **_):
    SyncSource.objects.get_or_create(district=world.district)
    snapshot = tmp_path / "maple-sis.zip"
    snapshot.write_bytes(zip_set(_sis(case)))
    run = run_sync(
        district=world.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(snapshot)
    )
    assert run.status != SyncRun.Status.FAILED, run.failure_reason
    [problem] = [e for e in run.errors if e["record"] == "e1"]  # the SIS enrollment
    assert (problem["file"], problem["row"]) == ("enrollments.csv", 2)
    room = ClassGroup.objects.get(district=world.district, name="Room 4")
    assert room.students.count() + room.educators.count() == 2  # Kid Two and Teach Three
    ClassStudent.objects.filter(class_group=room).delete()  # for the common check below
    ClassEducator.objects.filter(class_group=room).delete()
    return [problem["message"].removesuffix(" Skipped.")]


CHANNELS = {
    "portal": via_portal,
    "admin": via_admin,
    "template import": via_template_import,
    "OneRoster import": via_oneroster_import,
    "sync": via_sync,
}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("case", PEOPLE)
def test_the_membership_rule_gives_the_same_verdict_in_the_same_words_on_every_channel(
    case, channel, client, schools, district_admin, support, tmp_path
):
    messages = CHANNELS[channel](
        client=client,
        world=schools,
        district_admin=district_admin,
        support=support,
        tmp_path=tmp_path,
        case=case,
    )

    assert messages == [SENTENCE[case]]
    assert _nobody_enrolled(schools)


def test_the_students_template_gives_the_same_sentence(schools, district_admin):
    messages = via_students_template_import(schools, district_admin, "a student of another school")

    assert messages == [SENTENCE["a student of another school"]]


def test_the_sync_enrols_someone_it_moves_to_the_class_school_in_the_same_run(schools, tmp_path):
    """The person's schools are taken as the sync leaves them: Tess, at South today, whom
    the SIS now lists at North, joins Room 4 with no problem reported."""
    world = schools
    tess = _person(world, "a teacher in another school's class")
    files = _sis("a teacher in another school's class")
    files["users.csv"] = files["users.csv"].replace("u1,,,,s2,", "u1,,,,s1,")
    SyncSource.objects.get_or_create(district=world.district)
    snapshot = tmp_path / "maple-sis.zip"
    snapshot.write_bytes(zip_set(files))

    run = run_sync(
        district=world.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(snapshot)
    )

    assert not [e for e in run.errors if e["record"] == "e1"], run.errors
    room = ClassGroup.objects.get(district=world.district, name="Room 4")
    assert room.educators.filter(pk=tess.pk).exists()
    assert set(tess.organizations.values_list("name", flat=True)) == {"North Elementary"}
