"""Clever students' Password and DOB columns: the password is kept as OneRoster's is
(encrypted, the students template's rules) on the sync and the import; DOB, which Homeroom does
not store, is read past without a word."""

from __future__ import annotations

from rostering.clever import read_clever
from rostering.models import Student
from rostering.passwords import decrypt_password
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun
from tests.imports.test_commands import import_json

from .files import CleverSchool, CleverStudent, csv_bytes, write_clever


def _students(tmp_path, *kids):
    school = CleverSchool.build(School_id="sch-oak", School_number="N0")
    return write_clever(tmp_path / "clever", schools=[school], students=list(kids))


def _kid(n: int, **extra) -> dict:
    return CleverStudent.build(
        School_id="sch-oak", Student_id=f"s-{n}", Username=f"kid{n}", **extra
    )


def test_a_clever_password_is_kept_encrypted_by_the_sync(district, school, tmp_path):
    folder = _students(tmp_path, _kid(1, Password="tiger 42"), _kid(2))

    run = run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source_path=str(folder))

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    kid = Student.objects.get(username="kid1")
    assert "tiger" not in kid.password_encrypted  # stored encrypted, never as sent
    assert decrypt_password(kid.password_encrypted) == "tiger 42"
    assert not Student.objects.get(username="kid2").password_encrypted  # blank: none set
    assert run.counts["passwords"] == {"set": 1}


def test_a_clever_password_the_rules_refuse_is_a_warning_and_the_student_is_synced(
    district, school, tmp_path
):
    folder = _students(tmp_path, _kid(1, Password="abc"))

    run = run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source_path=str(folder))

    assert Student.objects.filter(username="kid1").exists()
    (warning,) = [w for w in run.warnings if w["record"] == "s-1"]
    assert "at least 4 characters" in warning["message"]


def test_a_clever_password_is_kept_by_import_roster(district, school, tmp_path):
    folder = _students(tmp_path, _kid(1, Password="tiger 42"))

    status, summary = import_json("--district", "clever-valley", "--type", "clever", str(folder))

    assert status == 0, summary
    assert summary["passwords_set"] == 1
    kid = Student.objects.get(username="kid1")
    assert decrypt_password(kid.password_encrypted) == "tiger 42"


def test_dob_is_read_past_without_a_warning_or_an_error(district, school, tmp_path):
    folder = _students(tmp_path, _kid(1, DOB="3/14/2016"), _kid(2, DOB="not a date"))

    run = run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source_path=str(folder))

    assert run.errors == []
    assert not [w for w in run.warnings if "DOB" in w["message"]]
    assert Student.objects.filter(district=district).count() == 2


def test_the_reader_hands_a_teacher_no_password_even_with_a_password_column():
    files = {
        "schools.csv": csv_bytes("schools", [CleverSchool.build(School_id="a")]),
        "students.csv": csv_bytes("students", [CleverStudent.build(School_id="a")]),
        "teachers.csv": (
            b"School_id,Teacher_id,First_name,Last_name,Password\r\na,t-1,Ann,Reed,secret1\r\n"
        ),
    }

    snapshot = read_clever(files)

    assert snapshot.users["t-1"].password == ""
