"""Bulk Create Students reads the Students template it links to: its Organizations (and
Classes/Groups) columns may be present but must be empty, since the page chooses the school."""

from rostering.imports.engine_parts.templates import template_file
from rostering.models import Student

from .conftest import check, commit, csv_bytes, where


def _row(n: int, **extra) -> dict:
    row = {
        "First Name": f"Kim{n}",
        "Last Name": "Bulk",
        "Username": f"kim{n}.bulk",
        "Organizations": "",
        "Classes/Groups": "",
    }
    row.update(extra)
    return row


def test_the_students_template_with_empty_organizations_is_accepted(world):
    content = csv_bytes([_row(1), _row(2)])
    plan = check(world.district, content, kind="bulk_students", school=world.other_school)
    assert plan.errors == [] and plan.created == 2
    commit(world.district, content, kind="bulk_students", school=world.other_school)
    for student in Student.objects.filter(last_name="Bulk"):
        assert list(student.schools.all()) == [world.other_school]


def test_a_filled_organizations_cell_is_refused_by_row_and_column(world):
    content = csv_bytes([_row(1), _row(2, Organizations=world.school.name)])
    plan = check(world.district, content, kind="bulk_students", school=world.other_school)
    assert where(plan) == [(3, "Organizations")]
    assert "leave Organizations empty" in plan.errors[0].message
    assert not Student.objects.filter(last_name="Bulk").exists()


def test_the_downloaded_students_template_headers_are_accepted(world):
    _, content, _ = template_file("students", [], "csv")
    header = content.decode("utf-8-sig").splitlines()[0]
    rows = csv_bytes([_row(1)], header=header.split(","))
    plan = check(world.district, rows, kind="bulk_students", school=world.other_school)
    assert [e for e in plan.errors if e.row == 1] == []
