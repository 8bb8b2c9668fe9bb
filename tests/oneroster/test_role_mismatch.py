"""An enrollment whose role is not its user's (a student enrolled as a teacher, a teacher as a
student) is skipped with one warning naming that enrollment, in the same words on the sync and
on the OneRoster import (rostering.oneroster.records.role_mismatch)."""

from __future__ import annotations

from rostering.imports import engine
from rostering.models import ClassGroup
from rostering.sync.engine import run_sync
from rostering.sync.models import ProductRule, SyncRun, SyncSource
from tests import factories
from tests.oneroster.csvset import set_files, zip_set

ORGS = [
    {"sourcedId": "d1", "name": "Maple District", "type": "district"},
    {"sourcedId": "s1", "name": "North Elementary", "type": "school", "parentSourcedId": "d1"},
]
USERS = [
    {"sourcedId": "u1", "orgSourcedIds": "s1", "role": "student", "username": "sol.r",
     "givenName": "Sol", "familyName": "Reyes", "identifier": "0001"},
    {"sourcedId": "u2", "orgSourcedIds": "s1", "role": "teacher", "username": "tess.h",
     "givenName": "Tess", "familyName": "Hall", "identifier": "0002"},
    {"sourcedId": "u3", "orgSourcedIds": "s1", "role": "student", "username": "kid.3",
     "givenName": "Kid", "familyName": "Three", "identifier": "0003"},
]  # fmt: skip
CLASSES = [{"sourcedId": "c1", "title": "Room 4", "schoolSourcedId": "s1", "subjects": "Science"}]
ENROLLMENTS = [
    {"sourcedId": "e1", "classSourcedId": "c1", "userSourcedId": "u1", "role": "teacher"},
    {"sourcedId": "e2", "classSourcedId": "c1", "userSourcedId": "u2", "role": "student"},
    {"sourcedId": "e3", "classSourcedId": "c1", "userSourcedId": "u2", "role": "teacher"},
    {"sourcedId": "e4", "classSourcedId": "c1", "userSourcedId": "u3", "role": "student"},
]
SAID = {
    "e1": 'u1 is a student in users.csv, but this enrollment gives the role "teacher"; it '
    "was skipped. Correct the role here or the user's role.",
    "e2": 'u2 is a teacher in users.csv, but this enrollment gives the role "student"; it '
    "was skipped. Correct the role here or the user's role.",
}


def _set() -> bytes:
    return zip_set(set_files(orgs=ORGS, users=USERS, classes=CLASSES, enrollments=ENROLLMENTS))


def _room(district) -> tuple[set, set]:
    room = ClassGroup.objects.get(district=district, name="Room 4")
    return (
        set(room.students.values_list("username", flat=True)),
        set(room.educators.values_list("username", flat=True)),
    )


def test_the_sync_names_each_mismatched_enrollment_and_skips_it(world, tmp_path):
    SyncSource.objects.get_or_create(district=world.district)
    snapshot = tmp_path / "sis.zip"
    snapshot.write_bytes(_set())

    run = run_sync(
        district=world.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(snapshot)
    )

    said = {w["record"]: w for w in run.warnings if w.get("field") == "role"}
    assert {r: w["message"] for r, w in said.items()} == SAID
    assert (said["e1"]["file"], said["e1"]["row"]) == ("enrollments.csv", 2)
    assert _room(world.district) == ({"kid.3"}, {"tess.h"})


def test_the_oneroster_import_says_the_same_of_the_same_enrollments(world, district_admin):
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=factories.ProductFactory(name="Reading Stars", code="reading-stars"),
    )
    kw = dict(actor=district_admin, district=world.district, kind="oneroster", file_name="s.zip")

    plan = engine.check_file(**kw, content=_set())

    said = {w.record: w for w in plan.warnings if w.field == "role"}
    assert {r: w.detail for r, w in said.items()} == SAID
    assert (said["e2"].file, said["e2"].row) == ("enrollments.csv", 3)
    engine.commit_file(**kw, content=_set())
    assert _room(world.district) == ({"kid.3"}, {"tess.h"})
