"""OneRoster 1.1 / 1.2 CSV sets as an import: real-world sets import with warnings, broken
sets fail with errors naming file and row and write nothing, records are manual, a second
import changes nothing, and no locked field of a synced record moves."""

from __future__ import annotations

import pytest

from rostering.imports.engine import ImportRejected
from rostering.models import ClassGroup, Educator, Organization, Origin, Student
from rostering.oneroster import load_files, zip_files
from rostering.passwords import decrypt_password
from rostering.sync.models import ProductRule
from tests import factories
from tests.oneroster.csvset import set_files, zip_set
from tests.shared_data import SHARED_DATA

from .conftest import check, commit

DATA = SHARED_DATA
SETS = {
    "oat-sa v1.1 base": "oneroster-oat-sa-v1p1-base",
    "moodle v1.1 bulk full": "oneroster-moodle-enrol-fixtures/v1p1-bulk-full",
    "moodle v1.1 bulk minimal": "oneroster-moodle-enrol-fixtures/v1p1-bulk-minimal",
    "moodle v1.2 bulk": "oneroster-moodle-enrol-fixtures/v1p2-bulk",
    "moodle v1.2 delta": "oneroster-moodle-enrol-fixtures/v1p2-delta",
}
# What each real set makes in an empty district whose product rule gives "Science" classes
# Reading Stars: (organizations, educators, classes, students) created, and warnings it must
# show (file, words in the message).
EXPECTED = {
    "oat-sa v1.1 base": (
        (2, 0, 0, 2),
        [("orgs.csv", "should be blank in a bulk file"), ("classes.csv", "gets no product")],
    ),
    "moodle v1.1 bulk full": (
        (1, 2, 1, 3),
        [
            ("orgs.csv", "is not in orgs.csv"),
            ("users.csv", "thomas.joness) is a parent"),
            ("classes.csv", "History - 2 is marked tobedeleted"),
            ("enrollments.csv", "but this enrollment gives the role"),
        ],
    ),
    "moodle v1.1 bulk minimal": (
        (1, 2, 0, 3),
        [("classes.csv", 'classType "Scheduled"'), ("classes.csv", "gets no product")],
    ),
    "moodle v1.2 bulk": (
        (1, 3, 1, 3),
        [("userProfiles.csv", "holds roles data"), ("users.csv", "prefferedGivenName")],
    ),
    "moodle v1.2 delta": ((1, 0, 0, 1), [("enrollments.csv", "delta file")]),
}


def zipped(folder: str) -> bytes:
    return zip_files(load_files(DATA / folder))


def counts(district) -> tuple[int, int, int, int]:
    return (
        Organization.objects.filter(district=district).exclude(pk=district.pk).count(),
        Educator.objects.filter(district=district).count(),
        ClassGroup.objects.filter(district=district).count(),
        Student.objects.filter(district=district).count(),
    )


@pytest.fixture
def district(db, products):
    district = factories.DistrictFactory(name="Maple District", slug="maple")
    ProductRule.objects.create(
        district=district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=products["reading"],
    )
    return district


@pytest.mark.parametrize("name", list(SETS))
def test_real_set_imports_with_its_quirks_as_warnings(district, name, moodle_as_exported):
    content = zipped(SETS[name])
    made, warnings = EXPECTED[name]

    plan = check(district, content, kind="oneroster", name="set.zip")

    assert plan.errors == []
    assert counts(district) == (0, 0, 0, 0)  # the preview wrote nothing
    for file, words in warnings:
        assert any(w.column == file and words in w.message for w in plan.warnings), (file, words)
    result = commit(district, content, kind="oneroster", name="set.zip")
    assert counts(district) == made
    assert result.created == sum(made)
    assert set(Student.objects.values_list("origin", flat=True)) == {Origin.MANUAL}


@pytest.mark.parametrize("name", list(SETS))
def test_importing_a_real_set_again_changes_nothing(district, name, moodle_as_exported):
    content = zipped(SETS[name])
    commit(district, content, kind="oneroster", name="set.zip")

    again = commit(district, content, kind="oneroster", name="set.zip")

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == sum(EXPECTED[name][0])


# ---- a small set of Maple's own -------------------------------------------------------------


def maple_set(**changes) -> dict[str, str]:
    tables = {
        "orgs": [
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "North Elementary", "type": "school", "identifier": "N1"},
        ],
        "users": [
            {
                "sourcedId": "t1",
                "orgSourcedIds": "s1",
                "role": "teacher",
                "username": "tess.t",
                "givenName": "Tess",
                "familyName": "Teacher",
                "identifier": "T-1",
            },
            {
                "sourcedId": "u1",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "ana.lopez",
                "givenName": "Ana",
                "familyName": "Lopez",
                "identifier": "000123",
                "grades": "03",
            },
            {
                "sourcedId": "u2",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "ben.kim",
                "givenName": "Ben",
                "familyName": "Kim",
                "identifier": "000124",
                "grades": "4",  # SISes write 4 for 04
            },
        ],
        "classes": [
            {"sourcedId": "c1", "title": "Room 4", "schoolSourcedId": "s1", "subjects": "Science"}
        ],
        "enrollments": [
            {"sourcedId": "e1", "classSourcedId": "c1", "userSourcedId": "t1", "role": "teacher"},
            {"sourcedId": "e2", "classSourcedId": "c1", "userSourcedId": "u1", "role": "student"},
        ],
    }
    tables.update(changes)
    return set_files(**tables)


@pytest.fixture
def north(district):
    return factories.SchoolFactory(district=district, name="North Elementary", external_id="N1")


def test_set_fills_schools_classes_and_teachers(district, north):
    plan = check(district, zip_set(maple_set()), kind="oneroster", name="maple.zip")

    assert plan.errors == []
    commit(district, zip_set(maple_set()), kind="oneroster", name="maple.zip")
    room = ClassGroup.objects.get(district=district, external_id="c1")
    ana = Student.objects.get(username="ana.lopez")
    assert room.school == north and room.origin == Origin.MANUAL
    assert list(room.educators.values_list("username", flat=True)) == ["tess.t"]
    assert list(room.students.values_list("username", flat=True)) == ["ana.lopez"]
    assert ana.external_id == "000123" and ana.grade == "03" and not ana.email
    assert Student.objects.get(username="ben.kim").grade == "04"
    assert list(ana.schools.all()) == [north]
    assert counts(district) == (1, 1, 1, 2)  # North Elementary was already there


def test_a_bad_email_or_grade_is_an_error_of_the_record_never_blanked(district, north):
    files = maple_set(
        users=[
            {
                "sourcedId": "u1",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "ana.lopez",
                "givenName": "Ana",
                "familyName": "Lopez",
                "email": "not-an-email",
            },
            {
                "sourcedId": "u2",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "ben.kim",
                "givenName": "Ben",
                "familyName": "Kim",
                "grades": "Fourth",
            },
        ],
        enrollments=[],
    )

    plan = check(district, zip_set(files), kind="oneroster", name="maple.zip")

    assert [(e.column, e.row, e.message.split(":")[0]) for e in plan.errors] == [
        ("users.csv", 2, "u1 (Email)"),
        ("users.csv", 3, "u2 (Grade)"),
    ]
    with pytest.raises(ImportRejected):
        commit(district, zip_set(files), kind="oneroster", name="maple.zip")
    assert not Student.objects.exists()


def test_broken_reference_is_an_error_naming_file_and_row_and_nothing_is_written(
    district, north
):
    files = maple_set(
        enrollments=[
            {"sourcedId": "e1", "classSourcedId": "c1", "userSourcedId": "t1", "role": "teacher"},
            {
                "sourcedId": "e2",
                "classSourcedId": "c1",
                "userSourcedId": "nobody",
                "role": "student",
            },
        ]
    )

    plan = check(district, zip_set(files), kind="oneroster", name="maple.zip")

    assert [(e.column, e.row) for e in plan.errors] == [("enrollments.csv", 3)]
    assert "nobody" in plan.errors[0].message
    with pytest.raises(ImportRejected):
        commit(district, zip_set(files), kind="oneroster", name="maple.zip")
    assert counts(district) == (1, 0, 0, 0)


def test_a_checker_error_names_the_users_row_and_record(district, north):
    factories.StudentFactory(school=factories.SchoolFactory(), username="ben.kim")  # elsewhere

    plan = check(district, zip_set(maple_set()), kind="oneroster", name="maple.zip")

    assert [(e.column, e.row) for e in plan.errors] == [("users.csv", 4)]
    assert plan.errors[0].message.startswith("u2 (Username):")
    assert "already taken" in plan.errors[0].message
    with pytest.raises(ImportRejected):
        commit(district, zip_set(maple_set()), kind="oneroster", name="maple.zip")
    assert counts(district) == (1, 0, 0, 0)


def test_an_import_never_changes_a_locked_field_of_a_synced_student(district, north):
    synced = factories.StudentFactory(
        school=north,
        username="ana.lopez",
        first_name="Anabel",
        last_name="Lopez",
        external_id="000123",
        origin=Origin.SYNCED,
    )

    plan = check(district, zip_set(maple_set()), kind="oneroster", name="maple.zip")

    assert any(e.column == "users.csv" and e.row == 3 for e in plan.errors)
    with pytest.raises(ImportRejected):
        commit(district, zip_set(maple_set()), kind="oneroster", name="maple.zip")
    synced.refresh_from_db()
    assert synced.first_name == "Anabel"
    assert counts(district) == (1, 0, 0, 1)


def test_a_file_that_is_not_a_oneroster_set_is_refused_clearly(district):
    plan = check(district, b"PK\x03\x04 broken", kind="oneroster", name="set.zip")

    assert len(plan.errors) == 1
    assert plan.errors[0].column == "set.zip"
    assert "not a zip file" in plan.errors[0].message


def test_a_set_without_users_is_refused(district):
    files = {"orgs.csv": maple_set()["orgs.csv"]}

    plan = check(district, zip_set(files), kind="oneroster", name="orgs-only.zip")

    assert "no users.csv" in plan.errors[0].message
    assert counts(district) == (0, 0, 0, 0)


def test_a_teacher_cannot_import_a_oneroster_set(district, north):
    teacher = factories.EducatorFactory(organization=north, username="tina").user

    plan = check(district, zip_set(maple_set()), actor=teacher, kind="oneroster", name="m.zip")

    assert plan.errors and plan.errors[0].column == "orgs.csv"
    assert "does not allow" in plan.errors[0].message
    with pytest.raises(ImportRejected):
        commit(district, zip_set(maple_set()), actor=teacher, kind="oneroster", name="m.zip")
    assert Student.objects.count() == 0


def test_a_single_users_file_is_read_as_a_set_and_its_missing_schools_named(district, north):
    users = maple_set()["users.csv"].encode()

    plan = check(district, users, kind="oneroster", name="users.csv")

    # Every user, teacher and students alike, in one pass and in OneRoster's words (its
    # column, orgSourcedIds; not the template's "Organizations is empty").
    assert [(e.file, e.row, e.record, e.field) for e in plan.errors] == [
        ("users.csv", 2, "t1", "orgSourcedIds"),
        ("users.csv", 3, "u1", "orgSourcedIds"),
        ("users.csv", 4, "u2", "orgSourcedIds"),
    ]
    assert plan.errors[1].message == (
        "u1: s1 is not in orgs.csv; add the organization to orgs.csv or correct the user's "
        "orgSourcedIds."
    )
    assert Student.objects.count() == 0


# ---- passwords from the SIS (users.csv password): kept encrypted, counted ---------------------
def with_passwords(ana: str, ben: str) -> bytes:
    files = maple_set()
    lines = files["users.csv"].split("\r\n")
    header = lines[0].split(",")
    at = header.index("password")
    for i, line in enumerate(lines):
        cells = line.split(",")
        if "ana.lopez" in cells:
            cells[at] = ana
        elif "ben.kim" in cells:
            cells[at] = ben
        lines[i] = ",".join(cells)
    files["users.csv"] = "\r\n".join(lines)
    return zip_set(files)


def test_sis_passwords_are_kept_encrypted_and_counted(district, north):
    content = with_passwords("tiger42", "")

    plan = check(district, content, kind="oneroster", name="maple.zip")
    assert plan.errors == []
    assert plan.counts["passwords_set"] == 1
    commit(district, content, kind="oneroster", name="maple.zip")

    ana = Student.objects.get(username="ana.lopez")
    assert decrypt_password(ana.password_encrypted) == "tiger42"
    assert "tiger42" not in ana.password_encrypted
    assert Student.objects.get(username="ben.kim").password_encrypted == ""


def test_a_changed_password_updates_and_a_blank_one_keeps_it(district, north):
    commit(district, with_passwords("tiger42", "otter77"), kind="oneroster", name="maple.zip")

    plan = check(district, with_passwords("comet55", ""), kind="oneroster", name="maple.zip")
    assert plan.counts["passwords_set"] == 1
    commit(district, with_passwords("comet55", ""), kind="oneroster", name="maple.zip")

    passwords = {
        s.username: decrypt_password(s.password_encrypted) for s in Student.objects.all()
    }
    assert passwords == {"ana.lopez": "comet55", "ben.kim": "otter77"}
    again = check(district, with_passwords("comet55", ""), kind="oneroster", name="maple.zip")
    assert "passwords_set" not in again.counts


def test_a_too_short_sis_password_is_an_error_naming_the_row(district, north):
    plan = check(district, with_passwords("ab", ""), kind="oneroster", name="maple.zip")

    assert any(
        e.column in ("users.csv", "password") and "at least 4 characters" in e.message
        for e in plan.errors
    ), [(e.column, e.message) for e in plan.errors]


@pytest.mark.parametrize("sent, stored", [("0", "KG"), ("13", "13"), ("PS", "PS"), ("UG", "UG")])
def test_sis_grades_of_the_oneroster_vocabulary_are_imported(district, north, sent, stored):
    files = maple_set()
    files["users.csv"] = files["users.csv"].replace(",03,", f",{sent},", 1)

    commit(district, zip_set(files), kind="oneroster", name="maple.zip")

    assert Student.objects.get(username="ana.lopez").grade == stored


def test_a_disabled_user_is_not_imported_and_the_warning_says_why(district, north):
    files = maple_set()
    header, *rows = files["users.csv"].split("\r\n")
    at = header.split(",").index("enabledUser")
    for i, line in enumerate(rows):
        cells = line.split(",")
        if "ben.kim" in cells:
            cells[at] = "false"
        rows[i] = ",".join(cells)
    files["users.csv"] = "\r\n".join([header, *rows])

    plan = check(district, zip_set(files), kind="oneroster", name="maple.zip")
    commit(district, zip_set(files), kind="oneroster", name="maple.zip")

    assert not Student.objects.filter(username="ben.kim").exists()
    assert any("Ben Kim" in w.message and "enabledUser false" in w.message for w in plan.warnings)
