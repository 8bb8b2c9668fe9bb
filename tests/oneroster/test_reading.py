"""Where a source's record carries a field is said once, in the registry (``Field.oneroster``,
``Field.clever``, ``Field.record`` / ``Field.rule``): the sync's plan, the OneRoster import and
the Clever reader all read it there. Walked field by field, the sync and the import write the
same value from the same set, and a problem's column is named in the source's own words."""

from __future__ import annotations

import pytest
from django.db import models, transaction

from rostering import registry
from rostering.models import ClassGroup, Educator, Organization, Student
from rostering.models.sync_config import SyncConfiguration
from rostering.oneroster.class_org_reading import class_readers, org_readers
from rostering.oneroster.field_columns import column_of
from rostering.oneroster.reader import read_snapshot
from rostering.ownership import SHAREABLE_FIELDS
from rostering.passwords import decrypt_password
from rostering.sync.engine import run_sync
from rostering.sync.models import ProductRule, SyncRun, SyncSource
from tests import factories
from tests.clever.files import (
    CleverSchool,
    CleverSection,
    CleverStudent,
    CleverTeacher,
    enrollment,
    write_clever,
)
from tests.imports.test_commands import import_json
from tests.oneroster.csvset import set_files, write_set


@pytest.fixture
def maple(world):
    """Maple's sync sends every optional field, and a product rule gives Science classes a
    product (the import leaves a class without one out)."""
    world.school.external_id = "N1"
    world.school.save()
    SyncConfiguration.objects.update_or_create(
        district=world.district,
        defaults={"shared_fields": {k: sorted(v) for k, v in SHAREABLE_FIELDS.items()}},
    )
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=factories.ProductFactory(),
    )
    return world


def _value(record, spec: registry.Field):
    """The field as the record holds it, comparable across two writes of it."""
    if spec.name == "password":
        return decrypt_password(record.password_encrypted) if record.password_encrypted else ""
    value = getattr(record, "class_groups" if spec.name == "classes" else spec.name)
    if hasattr(value, "all"):  # a relation: what it names
        return sorted(str(item) for item in value.all())
    return str(value) if isinstance(value, models.Model) else value


def _written(records: list[tuple[str, models.Model]], sent_in: str) -> dict:
    """{(kind, record, field): value} of every field of the records that the source sends
    (``sent_in``: "oneroster" or "clever")."""
    return {
        (kind, str(record), spec.name): _value(record, spec)
        for kind, record in records
        for spec in registry.KINDS[kind].fields
        if getattr(spec, sent_in)
    }


def _synced_then_imported(district, folder, import_type: str, read):
    """``read()`` after the sync writes from ``folder`` (then undone), and after the import
    writes from it."""
    with transaction.atomic():
        run = run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source_path=folder)
        assert run.status == SyncRun.Status.SUCCEEDED, run.errors
        synced = read()
        transaction.set_rollback(True)
    assert not Student.objects.filter(district=district).exists()
    status, summary = import_json("--district", district.slug, "--type", import_type, folder)
    assert status == 0, summary
    return synced, read()


def _assert_alike(synced: dict, imported: dict) -> None:
    assert imported.keys() == synced.keys()
    for key, value in synced.items():
        assert value not in ("", None, []), f"{key}: the set sends it, yet nothing was written"
        assert imported[key] == value, key


def test_every_field_oneroster_sends_is_written_alike_by_the_sync_and_the_import(
    maple, tmp_path
):
    folder = write_set(
        tmp_path / "set",
        extra_user_columns=("preferredGivenName", "preferredFirstName"),
        orgs=[
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "North Elementary", "type": "school", "identifier": "N1"},
            {
                "sourcedId": "s2",
                "name": "West Annex",
                "type": "school",
                "identifier": "W2",
                "parentSourcedId": "s1",
            },
        ],
        users=[
            {
                "sourcedId": "u1",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "ana.lopez",
                "givenName": "Ana",
                "familyName": "Lopez",
                "middleName": "Lee",
                "preferredGivenName": "Annie",
                "identifier": "1001",
                "email": "ana@example.org",
                "grades": "03",
                "password": "tiger42",
            },
            {
                "sourcedId": "t1",
                "orgSourcedIds": "s1",
                "role": "teacher",
                "username": "ruth.baker",
                "givenName": "Ruth",
                "familyName": "Baker",
                "preferredFirstName": "Ruthie",
                "identifier": "T1",
                "email": "ruth@example.org",
            },
            {
                "sourcedId": "a1",
                "orgSourcedIds": "s1,s2",
                "role": "administrator",
                "username": "sam.reyes",
                "givenName": "Sam",
                "familyName": "Reyes",
                "preferredGivenName": "Sammy",
                "identifier": "A1",
                "email": "sam@example.org",
            },
        ],
        courses=[{"sourcedId": "k1", "title": "Science 3", "courseCode": "SCI-3"}],
        classes=[
            {
                "sourcedId": "c1",
                "title": "Room 4",
                "schoolSourcedId": "s1",
                "courseSourcedId": "k1",
                "subjects": "Science,Reading",
                "grades": "03,4",
            }
        ],
        enrollments=[
            {"sourcedId": "e1", "classSourcedId": "c1", "userSourcedId": "u1", "role": "student"},
            {"sourcedId": "e2", "classSourcedId": "c1", "userSourcedId": "t1", "role": "teacher"},
        ],
    )
    district = maple.district

    def records():
        return [
            ("student", Student.objects.get(district=district, username="ana.lopez")),
            ("educator", Educator.objects.get(district=district, username="ruth.baker")),
            ("educator", Educator.objects.get(district=district, username="sam.reyes")),
            ("class_group", ClassGroup.objects.get(district=district, external_id="c1")),
            ("organization", Organization.objects.get(district=district, name="West Annex")),
        ]

    synced, imported = _synced_then_imported(
        district, str(folder), "oneroster", lambda: _written(records(), "oneroster")
    )

    _assert_alike(synced, imported)
    ana = [synced[("student", "Ana Lopez", n)] for n in ("first_name", "middle_name", "email")]
    assert ana == ["Ana", "Lee", "ana@example.org"]  # each from its own column
    # 1.2's preferredGivenName, or the information model's preferredFirstName.
    assert synced[("student", "Ana Lopez", "preferred_first_name")] == "Annie"
    assert synced[("educator", "Ruth Baker", "preferred_first_name")] == "Ruthie"
    assert synced[("educator", "Sam Reyes", "educator_type")] == "administrator"
    assert synced[("student", "Ana Lopez", "grade")] == "03"
    room = [synced[("class_group", "Room 4", n)] for n in ("subject", "course_code", "grades")]
    assert room == ["Science, Reading", "SCI-3", "03,04"]  # its subjects, its course's code


@pytest.fixture
def clever_valley(db):
    district = factories.DistrictFactory(name="Clever Valley", slug="clever-valley")
    SyncSource.objects.create(district=district, source_format=SyncSource.Format.CLEVER)
    SyncConfiguration.objects.update_or_create(
        district=district,
        defaults={"shared_fields": {k: sorted(v) for k, v in SHAREABLE_FIELDS.items()}},
    )
    factories.SchoolFactory(district=district, name="Oak School", external_id="N0")
    ProductRule.objects.create(
        district=district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=factories.ProductFactory(),
    )
    return district


def test_every_field_clever_sends_is_written_alike_by_the_sync_and_the_import(
    clever_valley, tmp_path
):
    school = CleverSchool.build(School_id="sch-oak", School_name="Oak School", School_number="N0")
    annex = CleverSchool.build(School_id="sch-elm", School_name="Elm Annex", School_number="E1")
    kid = CleverStudent.build(
        School_id="sch-oak",
        Student_id="s-1",
        Student_number="2001",
        First_name="Ana",
        Middle_name="Lee",
        Last_name="Lopez",
        Grade="Kindergarten",
        Username="ana.lopez",
        Student_email="ana@example.org",
        Password="tiger42",
    )
    teacher = CleverTeacher.build(
        School_id="sch-oak", Teacher_id="t-1", Teacher_number="T1", Username="ruth.baker"
    )
    section = CleverSection.build(
        School_id="sch-oak",
        Section_id="sec-1",
        Teacher_id="t-1",
        Name="Room 4",
        Grade="3",
        Course_number="SCI-3",
        Subject="Science",
    )
    folder = write_clever(
        tmp_path / "clever",
        schools=[school, annex],
        students=[kid],
        teachers=[teacher],
        sections=[section],
        enrollments=[enrollment(section, kid)],
    )

    def records():
        return [
            ("student", Student.objects.get(district=clever_valley, username="ana.lopez")),
            ("educator", Educator.objects.get(district=clever_valley, username="ruth.baker")),
            ("class_group", ClassGroup.objects.get(district=clever_valley, external_id="sec-1")),
            ("organization", Organization.objects.get(district=clever_valley, name="Elm Annex")),
        ]

    synced, imported = _synced_then_imported(
        clever_valley, str(folder), "clever", lambda: _written(records(), "clever")
    )

    _assert_alike(synced, imported)
    ana = [synced[("student", "Ana Lopez", n)] for n in ("first_name", "middle_name", "email")]
    assert ana == ["Ana", "Lee", "ana@example.org"]
    assert synced[("student", "Ana Lopez", "grade")] == "KG"  # Clever's word, read as a grade


def test_each_clever_column_a_problem_names_is_the_registrys():
    for kind in registry.KINDS.values():
        for spec in kind.fields:
            if len(spec.clever) != 1 or spec.unique is registry.Unique.DISTRICT:
                continue
            stem, _, column = spec.clever[0].partition(".")
            if stem != "enrollments":  # enrollments.csv is OneRoster's name too
                assert column_of(spec.name, kind.name, f"{stem}.csv") == column, spec.name


def test_a_refused_clever_value_is_told_in_clevers_column_by_the_sync_and_the_import(
    clever_valley, tmp_path
):
    school = CleverSchool.build(School_id="sch-oak", School_name="Oak School", School_number="N0")
    kid = CleverStudent.build(School_id="sch-oak", Student_id="s-1", Middle_name="x" * 101)
    folder = str(write_clever(tmp_path / "clever", schools=[school], students=[kid]))

    run = run_sync(district=clever_valley, trigger=SyncRun.Trigger.COMMAND, source_path=folder)
    status, summary = import_json("--district", "clever-valley", "--type", "clever", folder)

    (synced,) = [e for e in run.errors if e["record"] == "s-1"]
    (imported,) = [e for e in summary["errors"] if e["record"] == "s-1"]
    assert synced["field"] == imported["field"] == "Middle_name"
    assert "at most 100 fit" in synced["message"] and "at most 100 fit" in imported["message"]
    assert status != 0 and not Student.objects.filter(district=clever_valley).exists()


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("username", {"ana.lopez", "ruth.baker"}),
        ("email", {"ana@example.org", "ruth@example.org"}),
        ("identifier", {"1001", "T1"}),
        ("sourcedId", {"u1", "t1"}),
    ],
)
def test_the_sync_and_the_import_take_usernames_from_the_column_the_district_chose(
    maple, tmp_path, column, expected
):
    SyncSource.objects.update_or_create(
        district=maple.district, defaults={"username_field": column}
    )
    folder = write_set(
        tmp_path / "set",
        orgs=[
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "North Elementary", "type": "school", "identifier": "N1"},
        ],
        users=[
            {
                "sourcedId": "u1", "orgSourcedIds": "s1", "role": "student",
                "username": "ana.lopez", "givenName": "Ana", "familyName": "Lopez",
                "identifier": "1001", "email": "ana@example.org",
            },
            {
                "sourcedId": "t1", "orgSourcedIds": "s1", "role": "teacher",
                "username": "ruth.baker", "givenName": "Ruth", "familyName": "Baker",
                "identifier": "T1", "email": "ruth@example.org",
            },
        ],
        classes=[{"sourcedId": "c1", "title": "Room 4", "schoolSourcedId": "s1",
                  "subjects": "Science"}],
        enrollments=[
            {"sourcedId": "e1", "classSourcedId": "c1", "userSourcedId": "u1", "role": "student"},
            {"sourcedId": "e2", "classSourcedId": "c1", "userSourcedId": "t1", "role": "teacher"},
        ],
    )  # fmt: skip
    district = maple.district

    def usernames():
        students = Student.objects.filter(district=district).values_list("username", flat=True)
        educators = Educator.objects.filter(district=district).values_list("username", flat=True)
        return {*students, *educators}

    synced, imported = _synced_then_imported(district, str(folder), "oneroster", usernames)

    assert synced == imported == expected


def test_an_import_refuses_a_blank_username_column_naming_the_column_the_district_chose(
    maple, tmp_path
):
    SyncSource.objects.update_or_create(
        district=maple.district, defaults={"username_field": "email"}
    )
    folder = write_set(
        tmp_path / "set",
        orgs=[{"sourcedId": "s1", "name": "North Elementary", "type": "school",
               "identifier": "N1"}],
        users=[{"sourcedId": "u1", "orgSourcedIds": "s1", "role": "student",
                "username": "ana.lopez", "givenName": "Ana", "familyName": "Lopez",
                "identifier": "1001", "email": ""}],
    )  # fmt: skip

    status, summary = import_json("--district", "maple", "--type", "oneroster", str(folder))

    assert status == 1
    (error,) = summary["errors"]
    assert (error["file"], error["record"], error["field"]) == ("users.csv", "u1", "email")
    assert not Student.objects.filter(district=maple.district).exists()


def test_a_person_without_an_identifier_keeps_the_sourced_id_as_alt_id_on_both_channels(
    maple, tmp_path
):
    """With the identifier as the External Assigned ID, a SIS user who has none still has
    an Alt External Assigned ID, the sourcedId, whichever channel wrote them: a later sync
    finds the record by it."""
    folder = write_set(
        tmp_path / "set",
        orgs=[{"sourcedId": "s1", "name": "North Elementary", "type": "school",
               "identifier": "N1"}],
        users=[{"sourcedId": "u1", "orgSourcedIds": "s1", "role": "student",
                "username": "ana.lopez", "givenName": "Ana", "familyName": "Lopez",
                "identifier": ""}],
    )  # fmt: skip

    def ids():
        return list(Student.objects.values_list("external_id", "alt_external_id"))

    synced, imported = _synced_then_imported(maple.district, str(folder), "oneroster", ids)

    assert synced == imported == [(None, "u1")]


# ---- classes/groups and organizations: the registry's readers ---------------------------

# The files a class's or an organization's own values come from (a class's rosters come
# from enrollments.csv as memberships, not as values of the class).
_OWN_FILES = {"class_group": ("classes", "courses"), "organization": ("orgs",)}


def _readers_of(snapshot) -> dict[str, dict]:
    return {
        "class_group": class_readers(snapshot.courses),
        "organization": org_readers(use_identifier=True),
    }


def test_the_readers_cover_every_class_and_organization_field_oneroster_sends():
    """Every class/group or organization field with a OneRoster column of its own files has a
    reader made from its registry entry alone (Field.record or Field.rule): the sync's plan
    and the OneRoster import read it with no other edit."""
    readers = _readers_of(read_snapshot(_class_set()))
    for kind_name, files in _OWN_FILES.items():
        kind = registry.KINDS[kind_name]
        sent = {
            spec.name
            for spec in kind.fields
            if any(column.partition(".")[0] in files for column in spec.oneroster)
        }
        assert sent and not sent - readers[kind_name].keys(), kind_name


ART = {"sourcedId": "s2", "name": "Art Department", "type": "department", "identifier": "AD2",
       "parentSourcedId": "s1"}  # fmt: skip
ROOM_4 = {"sourcedId": "c1", "title": "Room 4", "schoolSourcedId": "s1", "courseSourcedId": "k1",
          "subjects": "Science,Art", "grades": "03,4", "status": "tobedeleted"}  # fmt: skip


def _class_set() -> dict[str, bytes]:
    files = set_files(
        orgs=[
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "North Elementary", "type": "school", "identifier": "N1"},
            ART,
        ],
        users=[{"sourcedId": "u1", "orgSourcedIds": "s1", "role": "student",
                "username": "ana.lopez", "givenName": "Ana", "familyName": "Lopez"}],
        courses=[{"sourcedId": "k1", "title": "Science 3", "courseCode": "SCI-3"}],
        classes=[ROOM_4],
    )  # fmt: skip
    return {name: text.encode() for name, text in files.items()}


def test_each_class_and_organization_field_is_read_from_its_column():
    snapshot = read_snapshot(_class_set())
    readers = _readers_of(snapshot)

    room = {name: read(snapshot.classes["c1"]) for name, read in readers["class_group"].items()}
    art = {name: read(snapshot.orgs["s2"]) for name, read in readers["organization"].items()}

    assert room == {
        "name": "Room 4",
        "school": "s1",  # the SIS's reference: each channel resolves it
        "external_id": "c1",
        "subject": "Science, Art",  # the class's one subject, as the sync stores it
        "course_code": "SCI-3",  # its course's
        "grades": ["03", "4"],  # as sent: each channel's check gives the verdict
        "is_active": False,  # tobedeleted
    }
    assert art == {
        "name": "Art Department",
        "external_id": "AD2",
        "org_type": Organization.OrgType.DEPARTMENT,
        "parent": "s1",
    }


def test_the_oneroster_reader_fills_each_registry_attribute_of_a_class_and_an_org():
    """The record attributes the registry names (Field.record) for classes.csv and orgs.csv
    are copied from their columns by the reader itself (no list of them in reader.py)."""
    snapshot = read_snapshot(_class_set())
    sent = {"classes": (snapshot.classes["c1"], ROOM_4), "orgs": (snapshot.orgs["s2"], ART)}
    read = 0
    for kind in registry.KINDS.values():
        for spec in kind.fields:
            for column in spec.oneroster:
                stem, _, name = column.partition(".")
                if stem in sent and spec.record:
                    record, row = sent[stem]
                    value = getattr(record, spec.record)
                    wanted = row[name].split(",") if isinstance(value, list) else row[name]
                    assert value == wanted, f"{column} is not read into {spec.record}"
                    read += 1
    assert read >= 5  # title, school, sourcedId and grades of the class; the org's name ...
