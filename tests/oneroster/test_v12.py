"""Issue 11: a OneRoster 1.2 CSV set (roles.csv, userProfiles.csv, 1.2's users.csv columns,
``metadata.*`` extensions) reads to the same records as the 1.1 set it is written from, and
problems name the column (``field``) a user would fix."""

from __future__ import annotations

from rostering.oneroster import read_snapshot
from rostering.oneroster.files import load_files

from .csvset import PROFILES_V12, as_v12, csv_text, set_files, zip_set

ORGS = [
    {"sourcedId": "dist", "name": "Cedar District", "type": "district"},
    {"sourcedId": "sch-1", "name": "North", "type": "school", "parentSourcedId": "dist"},
    {"sourcedId": "sch-2", "name": "South", "type": "school", "parentSourcedId": "dist"},
]
USERS = [
    {
        "sourcedId": "stu-1",
        "orgSourcedIds": "sch-1",
        "role": "student",
        "username": "ana",
        "givenName": "Ana",
        "familyName": "Lopez",
        "identifier": "1001",
        "grades": "03",
        "password": "Blue-Kite-42",
    },
    {
        "sourcedId": "tch-1",
        "orgSourcedIds": "sch-1,sch-2",
        "role": "teacher",
        "username": "ms.reed",
        "givenName": "Rita",
        "familyName": "Reed",
        "identifier": "T1",
    },
    {
        "sourcedId": "adm-1",
        "orgSourcedIds": "dist",
        "role": "districtAdministrator",
        "username": "dora",
        "givenName": "Dora",
        "familyName": "Diaz",
    },
]
CLASSES = [{"sourcedId": "cls-1", "title": "Science 3", "schoolSourcedId": "sch-1"}]
ENROLLMENTS = [
    {"sourcedId": "e1", "classSourcedId": "cls-1", "userSourcedId": "stu-1", "role": "student"},
    {"sourcedId": "e2", "classSourcedId": "cls-1", "userSourcedId": "tch-1", "role": "teacher"},
]


def v11(**changes) -> dict[str, str]:
    tables = {"orgs": ORGS, "users": USERS, "classes": CLASSES, "enrollments": ENROLLMENTS}
    return set_files(**{**tables, **changes})


def people(snapshot) -> dict:
    return {
        key: (u.kind, u.org_sourced_ids, u.username, u.given_name, u.grades, u.password)
        for key, u in snapshot.users.items()
    }


def test_a_12_set_reads_to_the_same_users_classes_and_enrollments_as_its_11_set():
    old = read_snapshot({n: t.encode() for n, t in v11().items()})
    new = read_snapshot(zip_set(as_v12(v11())))

    assert new.version == "1.2"
    assert people(new) == people(old)
    assert people(new)["tch-1"][:2] == ("teacher", ["sch-1", "sch-2"])
    assert people(new)["adm-1"][0] == "administrator"
    assert new.users["stu-1"].password == "Blue-Kite-42"  # from its userProfiles credential
    assert list(new.classes) == list(old.classes)
    assert [(e.class_sourced_id, e.user_sourced_id, e.role) for e in new.enrollments] == [
        (e.class_sourced_id, e.user_sourced_id, e.role) for e in old.enrollments
    ]
    assert new.errors == []
    assert new.users["stu-1"].extensions == {"metadata.district.house": "Oak"}
    # 1.2's columns and the extension are known: none of them is a warning.
    assert not [w for w in new.warnings if w.file == "users.csv"], new.warnings


def profiles(*rows: dict) -> str:
    return csv_text(PROFILES_V12, list(rows))


def credential(user: str, password: str, n: int = 1, **extra) -> dict:
    return {
        "sourcedId": f"p-{user}-{n}",
        "userSourcedId": user,
        "profileType": "app",
        "vendorId": "v",
        "credentialType": "password",
        "password": password,
        **extra,
    }


def read_12(profile_text: str, *, users_password: bool = False):
    files = as_v12(v11(), passwords_in_profiles=not users_password)
    files["userProfiles.csv"] = profile_text
    return read_snapshot({n: t.encode() for n, t in files.items()})


def test_a_students_one_password_credential_is_kept_and_what_is_not_simple_is_ignored():
    two = read_12(profiles(credential("stu-1", "One-1"), credential("stu-1", "Two-2", 2)))
    assert two.users["stu-1"].password == ""  # two passwords: which one? neither
    teacher = read_12(profiles(credential("tch-1", "Secret-9")))
    assert teacher.users["tch-1"].password == ""  # only students' passwords are kept
    token = read_12(profiles(credential("stu-1", "abc", credentialType="oauth token")))
    assert token.users["stu-1"].password == ""
    gone = read_12(profiles(credential("stu-1", "Old-1", status="tobedeleted")))
    assert gone.users["stu-1"].password == ""
    for snapshot in (two, teacher, token, gone):
        assert snapshot.errors == []
        assert not [w for w in snapshot.warnings if w.file == "userProfiles.csv"]


def test_users_csv_password_wins_over_a_profile_credential():
    snapshot = read_12(profiles(credential("stu-1", "Other-7")), users_password=True)
    assert snapshot.users["stu-1"].password == "Blue-Kite-42"


def test_a_12_user_without_a_roles_row_is_refused_naming_roles_csv_and_the_column():
    files = as_v12(v11())
    files["roles.csv"] = "\r\n".join(
        line for line in files["roles.csv"].split("\r\n") if "adm-1" not in line
    )
    snapshot = read_snapshot({n: t.encode() for n, t in files.items()})

    [problem] = snapshot.errors
    assert problem.as_dict() == {
        "file": "users.csv",
        "row": 4,
        "record": "adm-1",
        "field": "role",
        "message": "No row of roles.csv gives the user a role; skipped.",
    }


def test_reader_problems_carry_the_column_to_fix():
    files = v11(
        classes=[{"sourcedId": "cls-1", "title": "Science 3", "schoolSourcedId": "sch-9"}],
        enrollments=[{"sourcedId": "e1", "classSourcedId": "cls-1", "userSourcedId": "stu-1"}],
    )
    snapshot = read_snapshot({n: t.encode() for n, t in files.items()})

    assert [(p.file, p.record, p.field) for p in snapshot.errors] == [
        ("classes.csv", "cls-1", "schoolSourcedId"),
        ("enrollments.csv", "e1", "classSourcedId"),
    ]
    assert all("field" in p.as_dict() for p in snapshot.warnings)


def test_the_moodle_12_delta_set_reads_its_login_profile_without_a_problem():
    from tests.shared_data import SHARED_DATA

    files = load_files(SHARED_DATA / "oneroster-moodle-enrol-fixtures/v1p2-delta")
    snapshot = read_snapshot(files)
    assert snapshot.users["USER_0"].kind == "student"
    assert not [p for p in snapshot.errors + snapshot.warnings if "rofile" in p.file]
