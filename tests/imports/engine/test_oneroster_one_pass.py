"""Issue 11, one pass of checks: a OneRoster import reports every problem of every file at
once, in OneRoster's words (file, row, sourcedId, column), and skips a duplicate sourcedId
with a warning as the sync does, instead of refusing the whole set for it."""

from __future__ import annotations

import pytest

from rostering.imports.engine import ImportRejected
from rostering.models import Student
from tests.oneroster.csvset import zip_set

from .conftest import check, commit
from .test_oneroster_v12_import import maple


def with_users(edit) -> bytes:
    files = maple()
    files["users.csv"] = edit(files["users.csv"])
    return zip_set(files)


def test_a_bad_teacher_and_a_bad_student_are_both_reported_in_one_pass(maple_district):
    district = maple_district
    content = with_users(
        lambda text: text.replace("Teacher,,T-1,", "Teacher,,T-1,not-an-email").replace(
            ",000124,,,,,07,", ",000124,,,,,Seventh,"
        )
    )

    plan = check(district, content, kind="oneroster", name="maple.zip")

    assert [(e.file, e.row, e.record, e.field) for e in plan.errors] == [
        ("users.csv", 2, "t1", "email"),
        ("users.csv", 4, "u2", "grades"),
    ]
    # Room 4 is taught by the refused teacher: that is t1's problem, told once, not Room 4's.
    assert not [e for e in plan.errors if e.file == "classes.csv"]
    assert plan.errors[0].as_problem("maple.zip")["field"] == "email"
    with pytest.raises(ImportRejected):
        commit(district, content, kind="oneroster", name="maple.zip")
    assert not Student.objects.filter(district=district).exists()


def test_a_duplicate_sourced_id_is_skipped_with_a_warning_and_the_rest_imports(maple_district):
    district = maple_district

    def twice(text: str) -> str:
        lines = text.split("\r\n")
        ben = next(line for line in lines if line.startswith("u2,"))
        return "\r\n".join([*lines[:-1], ben.replace("ben.kim", "ben.kim2"), lines[-1]])

    content = with_users(twice)

    result = commit(district, content, kind="oneroster", name="maple.zip")

    assert result.created
    assert set(Student.objects.values_list("username", flat=True)) == {"ana.lopez", "ben.kim"}
    plan = check(district, content, kind="oneroster", name="maple.zip")
    assert plan.errors == []
    [warning] = [w for w in plan.warnings if w.field == "sourcedId"]
    assert (warning.file, warning.row, warning.record) == ("users.csv", 5, "u2")
    assert "appears twice" in warning.message
