"""Issue 11: a district whose SIS sends OneRoster 1.2 (roles in roles.csv, passwords as
userProfiles.csv credentials, 1.2's users.csv columns and metadata.* extensions) is synced to
the same students, educators, classes and enrollments as from the same set in 1.1."""

from __future__ import annotations

from rostering.models import ClassEducator, ClassGroup, ClassStudent, Educator, Student
from rostering.passwords import decrypt_password
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun
from tests.oneroster.csvset import as_v12, write_files

from .conftest import SCHOOLS, enroll, klass, student, teacher

SOUTH = {"sourcedId": "sch-2", "name": "South Middle", "type": "school", "parentSourcedId": "dist"}


def _roster(sis):
    sis.orgs = [*SCHOOLS, SOUTH]
    sis.users = [
        student(1, password="Blue-Kite-42"),
        student(2, school="sch-2"),
        teacher(1, orgSourcedIds="sch-1,sch-2"),
        teacher(2, role="districtAdministrator", orgSourcedIds="dist"),
    ]
    sis.classes = [klass(1), klass(2, school="sch-2")]
    sis.enrollments = [
        enroll(1, "stu-1"),
        enroll(2, "stu-2"),
        enroll(1, "tch-1", "teacher"),
        enroll(2, "tch-1", "teacher"),
    ]


def _sync_v12(sis) -> SyncRun:
    folder = sis.write()
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.csv")}
    write_files(folder, as_v12(files))
    run = run_sync(district=sis.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(folder))
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    return run


def roster() -> dict:
    return {
        "students": sorted(
            (s.username, s.sis_sourced_id, s.external_id, s.grade, s.first_name)
            + tuple(sorted(o.name for o in s.schools.all()))
            for s in Student.objects.all()
        ),
        "educators": sorted(
            (e.username, e.educator_type) + tuple(sorted(o.name for o in e.organizations.all()))
            for e in Educator.objects.all()
        ),
        "classes": sorted(
            (c.sis_sourced_id, c.name, c.school.name) for c in ClassGroup.objects.all()
        ),
        "students_in": sorted(
            ClassStudent.objects.values_list("class_group__sis_sourced_id", "student__username")
        ),
        "educators_in": sorted(
            ClassEducator.objects.values_list("class_group__sis_sourced_id", "educator__username")
        ),
    }


def test_a_12_set_syncs_to_what_its_11_set_syncs_and_back_changes_nothing(sis):
    _roster(sis)
    run = _sync_v12(sis)

    assert run.errors == []
    made = roster()
    assert len(made["students"]) == 2 and len(made["classes"]) == 2
    assert ("teach1", "teacher", "North Elementary", "South Middle") in made["educators"]
    assert ("teach2", "administrator", "Cedar District") in made["educators"]
    assert len(made["students_in"]) == 2 and len(made["educators_in"]) == 2
    kid = Student.objects.get(username="kid1")
    assert decrypt_password(kid.password_encrypted) == "Blue-Kite-42"  # userProfiles.csv
    assert run.counts["passwords"] == {"set": 1}

    again = sis.sync()  # the same set, as 1.1

    assert (again.counts["created"], again.counts["updated"]) == (0, 0)
    assert again.counts["memberships"] == {"added": 0, "removed": 0}
    assert roster() == made


def test_a_12_user_without_a_roles_row_is_refused_in_oneroster_words(sis):
    _roster(sis)
    folder = sis.write()
    files = as_v12({p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.csv")})
    files["roles.csv"] = "\r\n".join(
        line for line in files["roles.csv"].split("\r\n") if "stu-2" not in line
    )
    write_files(folder, files)

    run = run_sync(district=sis.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(folder))

    assert {
        "file": "users.csv",
        "row": 3,
        "record": "stu-2",
        "field": "role",
        "message": "No row of roles.csv gives the user a role; skipped.",
    } in run.errors
    assert not Student.objects.filter(username="kid2").exists()
    assert Student.objects.filter(username="kid1").exists()
