"""Issue 11: ``import_roster --type oneroster`` reads a OneRoster 1.2 set (roles.csv,
userProfiles.csv credentials, 1.2's users.csv columns, metadata.* extensions) as well as 1.1:
it imports the same students, educators, classes and enrollments."""

from __future__ import annotations

from rostering.models import ClassGroup, Educator, Student
from rostering.passwords import decrypt_password
from tests.oneroster.csvset import as_v12, set_files, zip_set

from .conftest import check, commit


def maple() -> dict[str, str]:
    return set_files(
        orgs=[
            {"sourcedId": "d1", "name": "Maple District", "type": "district"},
            {"sourcedId": "s1", "name": "North Elementary", "type": "school", "identifier": "N1"},
            {"sourcedId": "s2", "name": "South Middle", "type": "school", "identifier": "S2"},
        ],
        users=[
            {
                "sourcedId": "t1",
                "orgSourcedIds": "s1,s2",
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
                "password": "Blue-Kite-42",
            },
            {
                "sourcedId": "u2",
                "orgSourcedIds": "s2",
                "role": "student",
                "username": "ben.kim",
                "givenName": "Ben",
                "familyName": "Kim",
                "identifier": "000124",
                "grades": "07",
            },
        ],
        classes=[
            {"sourcedId": "c1", "title": "Room 4", "schoolSourcedId": "s1", "subjects": "Science"},
            {"sourcedId": "c2", "title": "Lab 7", "schoolSourcedId": "s2", "subjects": "Science"},
        ],
        enrollments=[
            {"sourcedId": "e1", "classSourcedId": "c1", "userSourcedId": "t1", "role": "teacher"},
            {"sourcedId": "e2", "classSourcedId": "c1", "userSourcedId": "u1", "role": "student"},
            {"sourcedId": "e3", "classSourcedId": "c2", "userSourcedId": "u2", "role": "student"},
        ],
    )


def roster(district) -> dict:
    return {
        "students": sorted(
            (s.username, s.external_id, s.grade, *sorted(o.name for o in s.schools.all()))
            for s in Student.objects.filter(district=district)
        ),
        "educators": sorted(
            (e.username, e.educator_type, *sorted(o.name for o in e.organizations.all()))
            for e in Educator.objects.filter(district=district)
        ),
        "classes": sorted(
            (
                c.name,
                c.school.name,
                *sorted(c.students.values_list("username", flat=True)),
                *sorted(c.educators.values_list("username", flat=True)),
            )
            for c in ClassGroup.objects.filter(district=district)
        ),
    }


def test_a_12_set_imports_what_its_11_set_imports(maple_district):
    district = maple_district
    content = zip_set(as_v12(maple()))

    plan = check(district, content, kind="oneroster", name="maple-1.2.zip")
    assert plan.errors == []
    assert not [w for w in plan.warnings if w.column in ("users.csv", "roles.csv")], [
        w.message for w in plan.warnings
    ]
    commit(district, content, kind="oneroster", name="maple-1.2.zip")

    made = roster(district)
    assert made == {
        "students": [
            ("ana.lopez", "000123", "03", "North Elementary"),
            ("ben.kim", "000124", "07", "South Middle"),
        ],
        "educators": [("tess.t", "teacher", "North Elementary", "South Middle")],
        "classes": [
            ("Lab 7", "South Middle", "ben.kim"),
            ("Room 4", "North Elementary", "ana.lopez", "tess.t"),
        ],
    }
    ana = Student.objects.get(username="ana.lopez")
    assert decrypt_password(ana.password_encrypted) == "Blue-Kite-42"  # its profile credential
    assert ana.preferred_first_name == "Ana"  # 1.2's preferredFirstName

    again = commit(district, zip_set(maple()), kind="oneroster", name="maple-1.1.zip")

    # 1.1 has no preferred-name column: it sends none, so the people keep theirs and nothing
    # changes (reading the missing column as blank would clear all three).
    assert (again.created, again.updated) == (0, 0)
    assert roster(district) == made
    assert Student.objects.get(username="ana.lopez").preferred_first_name == "Ana"
