"""A district whose SIS sends Clever's SFTP files is synced from them, as OneRoster is."""

from __future__ import annotations

import pytest

from rostering.clever import read_clever
from rostering.models import ClassEducator, ClassGroup, ClassStudent, Educator, Student
from rostering.oneroster import SnapshotError
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource

from .files import (
    CleverSchool,
    CleverSection,
    CleverStudent,
    CleverTeacher,
    clever_district,
    csv_bytes,
    enrollment,
    write_clever,
)


def _sync(district, folder) -> SyncRun:
    run = run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source_path=str(folder))
    assert run.status != SyncRun.Status.FAILED, run.failure_reason
    return run


def _small(tmp_path, **changes):
    school = CleverSchool.build(School_id="sch-oak", School_number="N0")
    kid = CleverStudent.build(
        School_id="sch-oak",
        Student_id="s-1",
        Student_number="4001",
        Sis_id="SIS-1",
        First_name="Kai",
        Last_name="Moana",
        Grade="0",
        Username="kai.moana",
    )
    other = CleverStudent.build(School_id="sch-oak", Student_id="s-2", Grade="Kindergarten")
    teach = CleverTeacher.build(School_id="sch-oak", Teacher_id="t-1", Username="ms.reed")
    section = CleverSection.build(
        School_id="sch-oak", Section_id="sec-1", Teacher_id="t-1", Name="Kinder A"
    )
    tables = {
        "schools": [school],
        "students": [kid, other],
        "teachers": [teach],
        "sections": [section],
        "enrollments": [enrollment(section, kid), enrollment(section, other)],
    }
    for stem, rows in changes.items():
        tables[stem] = rows(tables[stem])
    return write_clever(tmp_path / "clever", **tables)


def test_clever_files_sync_students_teachers_sections_and_enrollments(district, school, tmp_path):
    run = _sync(district, _small(tmp_path))

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    kai = Student.objects.get(username="kai.moana")
    assert (kai.first_name, kai.last_name, kai.grade) == ("Kai", "Moana", "KG")  # grade 0
    assert (kai.origin, kai.sis_sourced_id, kai.external_id) == ("synced", "s-1", "4001")
    assert list(kai.schools.all()) == [school]  # matched by School_number
    assert Student.objects.get(sis_sourced_id="s-2").grade == "KG"  # "Kindergarten"
    group = ClassGroup.objects.get(sis_sourced_id="sec-1")
    assert (group.name, group.school) == ("Kinder A", school)
    assert ClassStudent.objects.filter(class_group=group).count() == 2
    assert ClassEducator.objects.get(class_group=group).educator == Educator.objects.get(
        username="ms.reed"
    )


def test_the_district_may_take_sis_id_as_the_external_assigned_id(district, school, tmp_path):
    SyncSource.objects.filter(district=district).update(
        clever_id_column=SyncSource.CleverIdColumn.SIS_ID
    )
    district.refresh_from_db()
    _sync(district, _small(tmp_path))

    assert Student.objects.get(username="kai.moana").external_id == "SIS-1"


def test_a_second_sync_of_the_same_clever_files_changes_nothing(district, school, tmp_path):
    folder = _small(tmp_path)
    _sync(district, folder)
    before = list(Student.objects.order_by("pk").values())
    history = Student.history.count() + ClassGroup.history.count()

    run = _sync(district, folder)

    assert {k: run.counts[k] for k in ("created", "updated", "deactivated")} == {
        "created": 0,
        "updated": 0,
        "deactivated": 0,
    }
    assert run.counts["memberships"] == {"added": 0, "removed": 0}
    assert list(Student.objects.order_by("pk").values()) == before
    assert Student.history.count() + ClassGroup.history.count() == history


def test_a_bad_row_is_refused_in_clevers_words_and_the_rest_is_synced(district, school, tmp_path):
    stray = CleverStudent.build(School_id="sch-gone", Student_id="s-9", Username="stray")
    its_class = {"School_id": "sch-oak", "Section_id": "sec-1", "Student_id": "s-9"}
    folder = _small(
        tmp_path,
        students=lambda rows: [*rows, stray],
        enrollments=lambda rows: [*rows, its_class],
    )

    run = _sync(district, folder)

    assert not Student.objects.filter(username="stray").exists()
    assert Student.objects.filter(sis_sourced_id__in=["s-1", "s-2"]).count() == 2
    assert {
        "file": "students.csv",
        "row": 4,
        "record": "s-9",
        "field": "School_id",
        "message": 'School_id: "sch-gone" is not a School_id in schools.csv.',
    } in run.errors
    (left_out,) = [w for w in run.warnings if w["record"] == "sec-1:s-9"]
    assert (left_out["file"], left_out["row"]) == ("enrollments.csv", 4)
    assert "student's own row was refused" in left_out["message"]


def test_an_enrollment_of_an_unknown_student_names_the_row_and_column():
    files = {
        "schools.csv": csv_bytes("schools", [CleverSchool.build(School_id="a")]),
        "students.csv": csv_bytes("students", [CleverStudent.build(School_id="a")]),
        "sections.csv": csv_bytes("sections", [CleverSection.build(School_id="a", Section_id="x")]),
        "enrollments.csv": csv_bytes(
            "enrollments", [{"School_id": "a", "Section_id": "x", "Student_id": "nobody"}]
        ),
    }
    snapshot = read_clever(files)

    (problem,) = snapshot.errors
    assert (problem.file, problem.row, problem.record) == ("enrollments.csv", 2, "x:nobody")
    assert problem.message == 'Student_id: "nobody" is not a Student_id in students.csv.'


def test_a_set_without_students_or_a_student_id_column_cannot_be_used():
    with pytest.raises(SnapshotError, match="no students.csv"):
        read_clever({"schools.csv": csv_bytes("schools", [CleverSchool.build()])})
    with pytest.raises(SnapshotError, match="students.csv has no Student_id column"):
        read_clever({"students.csv": b"School_id,First_name,Last_name\r\na,Ann,Lee\r\n"})


def test_a_clever_district_of_1000_students_syncs_and_a_second_sync_changes_nothing(
    district, tmp_path
):
    folder = clever_district(tmp_path / "big", students=1000)

    first = _sync(district, folder)
    assert first.status == SyncRun.Status.SUCCEEDED, first.errors[:3]
    assert Student.objects.filter(district=district).count() == 1000
    assert ClassStudent.objects.count() == 1000

    second = _sync(district, folder)
    assert second.counts["created"] == second.counts["updated"] == 0
    assert second.counts["memberships"] == {"added": 0, "removed": 0}


def test_a_username_the_sync_refuses_is_told_in_the_file_the_student_came_from(
    district, school, tmp_path
):
    long = CleverStudent.build(School_id="sch-oak", Student_id="s-9", Username="x" * 300)
    folder = _small(tmp_path, students=lambda rows: [*rows, long])

    run = _sync(district, folder)

    [error] = [e for e in run.errors if e["record"] == "s-9"]
    assert (error["file"], error["row"], error["field"]) == ("students.csv", 4, "Username")
    assert not Student.objects.filter(sis_sourced_id="s-9").exists()


def test_a_section_the_sync_refuses_is_told_in_sections_csv(district, school, tmp_path):
    long = CleverSection.build(School_id="sch-oak", Section_id="sec-9", Name="Room " * 100)
    folder = _small(tmp_path, sections=lambda rows: [*rows, long])

    run = _sync(district, folder)

    [error] = [e for e in run.errors if e["record"] == "sec-9"]
    assert (error["file"], error["row"], error["field"]) == ("sections.csv", 3, "Name")
    assert ClassGroup.objects.filter(sis_sourced_id="sec-1").exists()


def test_a_username_taken_from_a_blank_clever_column_names_that_column(district, school, tmp_path):
    SyncSource.objects.filter(district=district).update(
        username_field=SyncSource.UsernameField.EMAIL
    )
    mailless = CleverStudent.build(School_id="sch-oak", Student_id="s-8", Student_email="")
    folder = _small(tmp_path, students=lambda rows: [*rows, mailless])

    run = _sync(district, folder)

    [error] = [e for e in run.errors if e["record"] == "s-8"]
    assert (error["file"], error["field"]) == ("students.csv", "Student_email")
    assert "Student_email is blank" in error["message"] and "OneRoster" not in error["message"]


def test_a_teacher_in_another_schools_section_is_told_in_sections_csv(district, school, tmp_path):
    elm = CleverSchool.build(
        School_id="sch-elm", School_name="Elm Elementary", School_number="N-elm"
    )
    elm_section = CleverSection.build(
        School_id="sch-elm", Section_id="sec-elm", Teacher_id="t-1", Name="Elm Art"
    )
    folder = _small(
        tmp_path,
        schools=lambda rows: [*rows, elm],
        sections=lambda rows: [*rows, elm_section],
    )

    run = _sync(district, folder)

    [error] = [e for e in run.errors if e["record"] == "sec-elm:t-1"]
    assert (error["file"], error["row"]) == ("sections.csv", 3)
    assert "is not at Elm Elementary" in error["message"]
    assert not ClassEducator.objects.filter(class_group__sis_sourced_id="sec-elm").exists()


def test_a_school_name_too_long_names_schools_csv_its_row_and_column(district, school, tmp_path):
    long_name = CleverSchool.build(School_id="sch-far", School_name="S" * 201)
    run = _sync(district, _small(tmp_path, schools=lambda rows: [*rows, long_name]))

    (problem,) = [e for e in run.errors if e["record"] == "sch-far"]
    assert (problem["file"], problem["row"], problem["field"]) == (
        "schools.csv",
        3,
        "School_name",
    )
    assert "201 characters long" in problem["message"]


def test_a_shared_preferred_name_is_kept_as_clever_sends_none(district, school, tmp_path):
    """Clever's files have no preferred-name column: a district sharing the field keeps what
    the school typed, and the run says why it did not write it."""
    config = district.sync_configuration
    config.shared_fields["student"] = [
        *config.shared_fields.get("student", []),
        "preferred_first_name",
    ]
    config.save()
    folder = _small(tmp_path)
    _sync(district, folder)
    kai = Student.objects.get(username="kai.moana")
    Student.objects.filter(pk=kai.pk).update(preferred_first_name="Kaikai")

    run = _sync(district, folder)

    assert Student.objects.get(pk=kai.pk).preferred_first_name == "Kaikai"
    assert run.counts["updated"] == 0
    [warning] = [w for w in run.warnings if "Preferred first name" in w["message"]]
    assert warning["file"] == "students.csv"
    assert "Clever's students.csv has no column for it" in warning["message"]
    assert warning["message"].endswith("Stop sharing Preferred first name in the sync settings.")
