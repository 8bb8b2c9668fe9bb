"""Every CSV and XLSX the portal, the command line and the support admin write shows a hostile
cell as text, never as a live formula; and an export imported again changes nothing."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from rostering.models import Student
from tests import factories

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
_NUMBER = re.compile(r"-\d[\d.,]*")


def runs_as_formula(cell: str) -> bool:
    """What a spreadsheet runs (checked here independently of the code under test)."""
    cell = cell.lstrip(" ")
    if cell[:1] in ("=", "+", "@", "\t", "\r"):
        return True
    return cell[:1] == "-" and len(cell) > 1 and not _NUMBER.fullmatch(cell)


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def assert_safe(rows: list[list[str]], expected: list[str]) -> None:
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if runs_as_formula(cell)] == []
    for value in expected:
        assert "'" + value in cells, f"{value!r} is not shown as text"


@pytest.fixture
def hostile(world, teacher):
    """A student, an educator, a class/group and a school of Maple named with each hostile
    cell; students with the hostile Student IDs too."""
    for n, value in enumerate(HOSTILE):
        factories.StudentFactory(
            school=world.school, first_name=value, username=f"kid{n}", external_id=f"-X{n}-1"
        )
        factories.EducatorFactory(organization=world.school, first_name=value, username=f"ed{n}")
        factories.ClassGroupFactory(school=world.school, name=value, external_id=f"C-{n}")
        factories.SchoolFactory(district=world.district, name=value)
    return world


def _streamed(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_portal_students_export_shows_formulas_as_text(client, hostile, district_admin):
    client.force_login(district_admin)
    rows = csv_cells(_streamed(client.get(reverse("rostering:student_export"))))
    assert_safe(rows, HOSTILE + ["-X0-1"])


@pytest.mark.parametrize("url", ["rostering:class_list", "rostering:educator_list"])
def test_the_portal_classes_and_educators_exports_show_formulas_as_text(
    client, hostile, district_admin, url
):
    client.force_login(district_admin)
    rows = csv_cells(_streamed(client.get(reverse(url), {"export": "csv"})))
    assert_safe(rows, HOSTILE)


def test_export_roster_shows_formulas_as_text(hostile, capsys):
    call_command("export_roster", "--district", "maple", "--type", "students")
    rows = csv_cells(capsys.readouterr().out.encode())
    assert_safe(rows, HOSTILE + ["-X0-1"])


ADMIN_EXPORTS = ["student", "educator", "classgroup", "organization"]
FIELDS = ("_name", "first_name", "external_id", "username")  # every named or ID column


def _admin_export(client, model: str, fmt: str) -> bytes:
    url = reverse(f"admin:rostering_{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if name.endswith(tuple(FIELDS))}
    response = client.post(url, {**data, "format": fmt, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.parametrize("model", ADMIN_EXPORTS)
def test_the_admin_csv_export_shows_formulas_as_text(client, hostile, support, model):
    client.force_login(support)
    rows = csv_cells(_admin_export(client, model, "0"))
    assert_safe(rows, HOSTILE)


@pytest.mark.parametrize("model", ADMIN_EXPORTS)
def test_the_admin_xlsx_export_writes_no_formula_cell(client, hostile, support, model):
    client.force_login(support)
    book = openpyxl.load_workbook(io.BytesIO(_admin_export(client, model, "1")))
    cells = [cell for row in book.active.iter_rows() for cell in row]

    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [str(cell.value) for cell in cells if cell.value is not None]
    # XML reads a carriage return back as a line feed.
    assert_safe([texts], [value.replace("\r", "\n") for value in HOSTILE])


def test_an_exported_student_id_that_looks_like_a_formula_imports_back_unchanged(
    world, capsys, tmp_path
):
    factories.StudentFactory(school=world.school, username="inj", external_id="-INJ-7")
    call_command("export_roster", "--district", "maple", "--type", "students")
    exported = capsys.readouterr().out
    assert "'-INJ-7" in exported
    path = tmp_path / "students.csv"
    path.write_text(exported, encoding="utf-8")

    try:
        call_command(
            "import_roster", "--district", "maple", "--type", "students", "--json", str(path)
        )
    except SystemExit as exit_:
        assert exit_.code in (0, None)
    summary = json.loads(capsys.readouterr().out)

    assert summary["errors"] == [] and summary["committed"] is True
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 1)
    assert Student.objects.get(username="inj").external_id == "-INJ-7"
