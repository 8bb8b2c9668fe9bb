"""Issue 9, findings 2 and 8, template imports: a hostile or oversized file is refused with a
sentence naming the row and column where it can, and nothing is written. (Memory is measured
in tests/rostering/test_upload_memory.py.)"""

from __future__ import annotations

import pytest
from django.test import override_settings

from rostering.models import Student
from tests import hostile_files as hostile

from .conftest import HEADER, check, commit, csv_bytes, student_row
from .test_students_input import refused


def _rows(school, count: int) -> list[list[str]]:
    return [[f"Ana{n}", f"Lopez{n}", f"ana{n}", f"{n:06d}", school.name] for n in range(count)]


def test_a_workbook_with_a_forged_dimension_imports_only_the_rows_it_holds(world):
    content = hostile.forged_dimension_xlsx([HEADER, *_rows(world.school, 2)])
    assert len(content) < 2500  # the file was 1.8 KB

    commit(world.district, content, name="students.xlsx")

    assert sorted(Student.objects.values_list("username", flat=True)) == [
        "ana0",
        "ana1",
    ]


def test_a_workbook_of_huge_shared_strings_is_refused_before_it_is_opened(world):
    content = hostile.shared_strings_xlsx(HEADER)

    plan = refused(world.district, content, name="students.xlsx")

    assert "sharedStrings.xml in students.xlsx expands more than 100 times" in (
        plan.errors[0].message
    )


def test_a_workbook_with_a_cell_on_its_last_row_reads_that_row_without_the_empty_ones(world):
    rows = [HEADER, *_rows(world.school, 1)]
    sheet = hostile.sheet_xml(rows).replace(
        b"</sheetData>",
        b'<row r="1048576"><c r="E1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )

    plan = refused(world.district, hostile.workbook(sheet), name="students.xlsx")

    assert {e.row for e in plan.errors} == {3}  # records are numbered without the blank rows
    assert {"First Name", "Last Name", "Username"} <= {e.column for e in plan.errors}


def test_a_workbook_of_rows_reaching_column_xfd_is_refused_for_its_cells(world):
    rows = [HEADER, *_rows(world.school, 100)]
    parts = hostile.sheet_xml(rows).split(b"</row>")
    for r in range(2, 102):  # a cell far right on every record row (parts[r - 1] is row r)
        parts[r - 1] += f'<c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c>'.encode()
    sheet = b"</row>".join(parts)

    plan = refused(world.district, hostile.workbook(sheet), name="students.xlsx")

    assert plan.errors[0].message.startswith(
        "The file holds more than 1,000,000 cells (rows times columns, blank ones included)"
    )
    assert "Delete the empty rows and columns after your data" in plan.errors[0].message


def test_a_long_cell_in_a_workbook_names_its_row_and_column(world):
    rows = [HEADER, *_rows(world.school, 2)]
    rows[2][1] = "L" * 20_000

    plan = refused(world.district, hostile.xlsx(rows), name="students.xlsx")

    error = plan.errors[0]
    assert (error.row, error.column) == (3, "Last Name")
    assert error.message.startswith(
        "Row 3, column Last Name: this cell holds 20,000 characters; a cell may hold at most "
        "10,000."
    )


def test_a_long_csv_cell_names_its_row_and_column(world):
    rows = [
        student_row(1, world.school),
        student_row(2, world.school, **{"Last Name": "é" * 50_000}),
    ]

    plan = refused(world.district, csv_bytes(rows))

    assert plan.errors[0].message.startswith(
        "Row 3, column Last Name: this cell holds 50,000 characters; a cell may hold at most 10,000."
    )


@pytest.mark.parametrize("size", [200_000, 1_048_576], ids=["200kB", "1MB"])
def test_a_csv_cell_over_the_csv_field_limit_names_its_row_not_the_encoding(world, size):
    rows = [student_row(1, world.school), student_row(2, world.school, **{"Last Name": "ñ" * size})]

    plan = refused(world.district, csv_bytes(rows))

    message = plan.errors[0].message
    assert plan.errors[0].row == 3
    assert message.startswith("Row 3: a cell holds more than 131,072 characters")
    assert "encoding" not in message and "Save it as CSV (UTF-8)" not in message


def test_a_quote_never_closed_is_reported_with_its_row(world):
    text = "\r\n".join(
        [",".join(HEADER), f"Ana,Lopez,ana,1,{world.school.name}", 'Bo,"Unclosed,bo,2,x']
        + [f"Cy{n},Lee,cy{n},{n + 3},x" for n in range(10_000)]
    )

    plan = refused(world.district, text.encode())

    assert plan.errors[0].message.startswith("Row 3: a cell holds more than 131,072 characters")
    assert "a quote that is never closed" in plan.errors[0].message


def test_350000_rows_are_refused_at_the_first_record_over_the_maximum(world):
    content = hostile.csv_file(
        HEADER, [[f"A{n}", "L", f"a{n}", str(n), "X"] for n in range(350_000)]
    )
    assert len(content) < 20 * 1024 * 1024

    plan = refused(world.district, content)

    assert plan.errors[0].row == 10_002
    assert plan.errors[0].message.startswith(
        "The file has more than 10,000 records (record 10,001 is on row 10,002); one import "
        "takes at most 10,000."
    )


def test_blank_lines_do_not_count_as_records(world):
    rows = [student_row(n, world.school) for n in range(3)]
    content = csv_bytes(rows).replace(b"\r\n", b"\r\n\r\n", 2)

    commit(world.district, content)

    assert Student.objects.count() == 3


@override_settings(UPLOAD_MAX_FILE_MB=1)
def test_a_file_over_the_file_size_setting_is_refused(world):
    content = hostile.csv_file(HEADER, _rows(world.school, 30_000))

    plan = refused(world.district, content)

    assert plan.errors[0].message.startswith("s.csv is 2 MB; one file may hold at most 1 MB.")


@override_settings(UPLOAD_MAX_CELL_CHARS=20)
def test_the_cell_size_setting_applies(world):
    rows = [student_row(1, world.school, **{"First Name": "Maximiliana-Josefina"})]
    rows.append(student_row(2, world.school, **{"First Name": "Maximiliana-Josefina!"}))

    plan = refused(world.district, csv_bytes(rows))

    assert plan.errors[0].message.startswith(
        "Row 3, column First Name: this cell holds 21 characters; a cell may hold at most 20."
    )


@override_settings(UPLOAD_MAX_CELLS=40)
def test_the_cell_budget_setting_applies_to_csv(world):
    rows = [student_row(n, world.school) for n in range(8)]  # 9 rows of 5 cells

    plan = refused(world.district, csv_bytes(rows))

    assert "more than 40 cells" in plan.errors[0].message
    assert check(world.district, csv_bytes(rows[:7])).ok
