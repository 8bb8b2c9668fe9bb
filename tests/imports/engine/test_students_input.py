"""Students import, bad and awkward input: each problem is reported with its row and column,
in words that say the fix, and nothing is written."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from rostering.imports import engine
from rostering.models import Origin, Student
from tests import factories

from .conftest import HEADER, check, commit, csv_bytes, student_row, where


def snapshot(district) -> list[tuple]:
    """Everything an import could change about the district's students."""
    return [
        (
            s.pk,
            s.first_name,
            s.last_name,
            s.username,
            s.external_id,
            s.grade,
            s.password_encrypted,
            tuple(sorted(s.schools.values_list("pk", flat=True))),
            tuple(sorted(s.class_groups.values_list("pk", flat=True))),
            tuple(sorted(s.product_links.values_list("product_id", flat=True))),
        )
        for s in Student.objects.filter(district=district).order_by("pk")
    ]


def refused(district, content, *, name="s.csv", **kw):
    """Check and commit ``content``; both must refuse it and write nothing. Returns the plan."""
    before = snapshot(district)
    plan = check(district, content, name=name, **kw)
    assert plan.errors, "the file should have been refused"
    with pytest.raises(engine.ImportRejected):
        commit(district, content, name=name, **kw)
    assert snapshot(district) == before
    return plan


@pytest.fixture
def existing(world):
    """Ana, already in North Elementary (manual)."""
    return factories.StudentFactory(
        school=world.school,
        first_name="Ana",
        last_name="Lopez",
        username="ana.lopez",
        external_id="000123",
    )


# ---- encodings and delimiters ------------------------------------------------------------------


def _text(school) -> str:
    return (
        "First Name,Last Name,Username,Student ID,Organizations\r\n"
        f"José,Muñoz,jose.munoz,000777,{school.name}\r\n"
        f"Zoë,Brontë,zoe.bronte,000778,{school.name}\r\n"
    )


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "cp1252"],
    ids=["utf8", "utf8-bom", "utf16-excel", "windows-1252"],
)
def test_accents_read_correctly_whatever_the_encoding(world, encoding):
    commit(world.district, _text(world.school).encode(encoding))

    names = set(Student.objects.values_list("first_name", "last_name"))
    assert names == {("José", "Muñoz"), ("Zoë", "Brontë")}


def test_utf16_tab_separated_as_excel_unicode_text_writes_it(world):
    text = _text(world.school).replace(",", "\t")

    commit(world.district, text.encode("utf-16"))  # Excel: BOM, little-endian, tabs

    assert Student.objects.get(username="jose.munoz").last_name == "Muñoz"


def test_a_file_in_an_unknown_encoding_gets_a_clear_message_not_garbled_names(world):
    # Bytes that are neither UTF-8 nor Windows-1252 (0x81, 0x8d, 0x8f, 0x90, 0x9d are unused).
    content = _text(world.school).encode("utf-8").replace("José".encode(), b"Jos\x81\x8d")

    plan = refused(world.district, content)

    assert plan.errors[0].row == 1
    assert "CSV UTF-8" in plan.errors[0].message


def test_a_broken_utf16_file_gets_a_clear_message(world):
    content = _text(world.school).encode("utf-16-le")[:-1]  # odd length: cut mid-letter

    plan = refused(world.district, content)

    assert "CSV UTF-8" in plan.errors[0].message


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_comma_semicolon_and_tab_separated_files_all_import(world, delimiter):
    rows = [student_row(1, world.school), student_row(2, world.school, Grade="3")]

    commit(world.district, csv_bytes(rows, delimiter=delimiter))

    assert Student.objects.get(username="ana.lopez2").grade == "03"
    assert Student.objects.get(username="ana.lopez1").schools.get() == world.school


# ---- headers -------------------------------------------------------------------------------------


def test_a_missing_required_column_is_named_and_nothing_is_written(world, existing):
    rows = [{k: v for k, v in student_row(1, world.school).items() if k != "Last Name"}]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(1, "Last Name")]
    assert "missing" in plan.errors[0].message


def test_an_unknown_column_is_reported_not_silently_dropped(world):
    rows = [student_row(1, world.school, **{"Shoe Size": "38"})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(1, "Shoe Size")]
    assert "not a column" in plan.errors[0].message
    assert "delete the column" in plan.errors[0].message


def test_headers_match_forgiving_case_spaces_and_invisible_characters(world):
    header = [
        "  first NAME\u200b",
        "last_name",
        "\ufeffUSER\u00a0NAME",
        "Student\u00a0ID ",
        "organizations\u2060",
    ]
    row = ["Ana", "Lopez", "ana.lopez", "000123", world.school.name]
    content = ",".join(header).encode() + b"\r\n" + ",".join(row).encode() + b"\r\n"

    commit(world.district, content)

    ana = Student.objects.get(username="ana.lopez")
    assert (ana.first_name, ana.last_name, ana.external_id) == ("Ana", "Lopez", "000123")


def test_invisible_characters_in_values_are_dropped(world):
    rows = [student_row(1, world.school, Username="ana\u200b.lopez", **{"Student ID": "\u00a0042"})]

    commit(world.district, csv_bytes(rows))

    assert Student.objects.get(username="ana.lopez").external_id == "042"


# ---- duplicates ----------------------------------------------------------------------------------


def test_the_same_username_twice_in_the_file_names_both_rows(world):
    rows = [student_row(1, world.school), student_row(2, world.school, Username="ana.lopez1")]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(3, "Username")]
    assert "also in row 2" in plan.errors[0].message


def test_the_same_student_id_twice_in_the_file_is_refused(world):
    rows = [student_row(1, world.school), student_row(2, world.school, **{"Student ID": "000001"})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(3, "Student ID")]
    assert "also in row 2" in plan.errors[0].message


def test_a_username_of_a_student_of_another_district_is_refused(world):
    factories.StudentFactory(school=world.outsider_school, username="ana.lopez1")

    plan = refused(world.district, csv_bytes([student_row(1, world.school)]))

    assert where(plan) == [(2, "Username")]
    assert plan.errors[0].message.startswith('The username "ana.lopez1" is already taken.')


def test_a_username_and_a_student_id_of_two_different_students_is_refused(world, existing):
    factories.StudentFactory(school=world.school, username="ben.kim", external_id="000124")
    row = student_row(1, world.school, Username="ben.kim", **{"Student ID": "000123"})

    plan = refused(world.district, csv_bytes([row]))

    assert where(plan) == [(2, "Username")]
    assert "another student" in plan.errors[0].message


def test_a_student_id_is_unique_only_within_the_district(world):
    factories.StudentFactory(school=world.outsider_school, external_id="000001")

    commit(world.district, csv_bytes([student_row(1, world.school)]))

    assert Student.objects.filter(external_id="000001").count() == 2


def test_an_alt_student_id_of_another_student_is_refused(world, existing):
    existing.alt_external_id = "S-88"
    existing.save()
    rows = [student_row(1, world.school, **{"Alt Student ID": "S-88"})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Alt Student ID")]


# ---- references and vocabularies -----------------------------------------------------------------


def test_an_unknown_school_is_named_with_the_schools_to_choose_from(world):
    rows = [student_row(1, world.school), student_row(2, world.school, Organizations="Nort")]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(3, "Organizations")]
    assert '"Nort"' in plan.errors[0].message
    assert "North Elementary" in plan.errors[0].message


def test_a_school_of_another_district_is_unknown_here(world):
    rows = [student_row(1, world.school, Organizations="Oak Middle")]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Organizations")]


def test_an_unknown_class_is_refused(world):
    rows = [student_row(1, world.school, **{"Classes/Groups": "Room 99"})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Classes/Groups")]
    assert "no class/group" in plan.errors[0].message


def test_a_class_of_a_school_not_in_the_row_is_refused_by_the_membership_rule(world):
    factories.ClassGroupFactory(school=world.other_school, name="Room 4")
    rows = [student_row(1, world.school, **{"Classes/Groups": "Room 4"})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Classes/Groups")]
    assert "is not at South Elementary, where “Room 4” is" in plan.errors[0].message


def test_an_unknown_product_is_refused(world, products):
    rows = [student_row(1, world.school, Products="Reading Stars; Math Quets")]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Products")]
    assert '"Math Quets"' in plan.errors[0].message


def test_an_unknown_product_setting_value_is_refused(world, products):
    rows = [student_row(1, world.school, **{"Product Settings": "Language Support = Klingon"})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Product Settings")]


@pytest.mark.parametrize("grade", ["14", "Grade Three", "3rd"])
def test_a_bad_grade_lists_the_grades_to_use(world, grade):
    rows = [student_row(1, world.school), student_row(2, world.school, Grade=grade)]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(3, "Grade")]
    assert "KG" in plan.errors[0].message


def test_a_bad_username_and_a_bad_email_are_both_reported(world):
    rows = [student_row(1, world.school, Username="ana lopez!", Email="ana@")]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Email"), (2, "Username")]


def test_an_empty_required_cell_names_the_column(world):
    rows = [student_row(1, world.school), student_row(2, world.school, **{"First Name": " "})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(3, "First Name")]
    assert "empty" in plan.errors[0].message


# ---- synced records ------------------------------------------------------------------------------


@pytest.fixture
def synced(world):
    return factories.StudentFactory(
        school=world.school,
        first_name="Sia",
        last_name="Synced",
        username="sia.synced",
        external_id="000900",
        origin=Origin.SYNCED,
        sis_sourced_id="stu-900",
    )


def test_a_locked_field_of_a_synced_student_is_refused_and_says_what_to_put_back(world, synced):
    row = student_row(0, world.school, Username="sia.synced", **{"Student ID": "000900"})
    row.update({"First Name": "Sia", "Last Name": "Renamed"})

    plan = refused(world.district, csv_bytes([row]))

    assert where(plan) == [(2, "Last Name")]
    assert "SIS" in plan.errors[0].message and "Synced" in plan.errors[0].message


def test_a_local_field_of_a_synced_student_can_be_imported(world, synced):
    row = {
        "First Name": "Sia",
        "Last Name": "Synced",
        "Username": "sia.synced",
        "Organizations": world.school.name,
        "Middle Name": "Mae",
    }

    commit(world.district, csv_bytes([row]))

    synced.refresh_from_db()
    assert synced.middle_name == "Mae"


# ---- file size and shape -------------------------------------------------------------------------


def test_10001_rows_are_refused_with_a_clear_message(world):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(engine.MAX_RECORDS + 1):
        writer.writerow([f"A{n}", f"L{n}", f"u{n}", f"{n:06d}", world.school.name])

    plan = refused(world.district, out.getvalue().encode())

    assert plan.errors[0].row == engine.MAX_RECORDS + 2
    assert "10,001" in plan.errors[0].message and "10,000" in plan.errors[0].message
    assert "Split" in plan.errors[0].message


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b",,,,\r\n"])
def test_an_empty_file_is_refused(world, content):
    plan = refused(world.district, content)

    assert plan.errors[0].row == 1
    assert "empty" in plan.errors[0].message


def test_a_header_without_rows_is_refused(world):
    plan = refused(world.district, csv_bytes([], HEADER))

    assert "no records" in plan.errors[0].message


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.csv", PNG), ("report.csv", PDF), ("photo.xlsx", PNG), ("report.xlsx", PDF)],
)
def test_a_picture_or_pdf_renamed_as_a_spreadsheet_is_refused(world, name, content):
    plan = refused(world.district, content, name=name)

    assert plan.errors[0].row == 1
    assert "not a spreadsheet" in plan.errors[0].message
    assert "CSV" in plan.errors[0].message


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    out = io.BytesIO()

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")

    plan = refused(world.district, out.getvalue(), name="students.xlsx")

    assert "Excel" in plan.errors[0].message


# ---- cell contents -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example","Click")', "+1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0"],
)
def test_a_formula_cell_is_refused_never_stored(world, value):
    rows = [student_row(1, world.school), student_row(2, world.school, **{"Last Name": value})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(3, "Last Name")]
    assert "formula" in plan.errors[0].message


def test_the_same_refused_cell_is_reported_on_every_row_that_has_it(world):
    # Rows repeat the same grades and names; each row with a bad one is told, not only the
    # first (a cell's verdict is reused only when it passed).
    rows = [
        student_row(n, world.school, **{"Last Name": "=1+1", "Grade": "7th"}) for n in (1, 2, 3)
    ]
    rows.insert(1, student_row(4, world.school, **{"Grade": "07"}))

    plan = refused(world.district, csv_bytes(rows))

    assert sorted(where(plan)) == [
        (row, column) for row in (2, 4, 5) for column in ("Grade", "Last Name")
    ]


def test_the_error_file_shows_a_formula_cell_as_text(world):
    rows = [student_row(1, world.school, **{"Last Name": "=1+1"})]
    content = csv_bytes(rows)
    plan = check(world.district, content)

    _name, data = engine.error_file(
        file_name="s.csv", content=content, errors=[e.as_dict() for e in plan.errors]
    )

    cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert "'=1+1" in cells
    assert "=1+1" not in cells


def test_a_hyphenated_or_negative_looking_value_is_not_a_formula(world):
    rows = [student_row(1, world.school, **{"Student ID": "-0042", "Last Name": "Lopez-Kim"})]

    commit(world.district, csv_bytes(rows))

    assert Student.objects.get(external_id="-0042").last_name == "Lopez-Kim"


def test_a_5000_character_name_is_refused_with_the_limit(world):
    rows = [student_row(1, world.school, **{"First Name": "A" * 5000})]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "First Name")]
    assert "5,000 characters" in plan.errors[0].message and "100" in plan.errors[0].message


def test_leading_zeros_are_kept_in_ids(world):
    rows = [student_row(1, world.school, **{"Student ID": "000042", "Alt Student ID": "007"})]

    commit(world.district, csv_bytes(rows))

    student = Student.objects.get(username="ana.lopez1")
    assert (student.external_id, student.alt_external_id) == ("000042", "007")


def test_errors_in_many_rows_are_all_reported_in_row_order(world):
    rows = [
        student_row(1, world.school, Grade="Z"),
        student_row(2, world.school),
        student_row(3, world.school, Organizations="Nowhere", **{"First Name": ""}),
    ]

    plan = refused(world.district, csv_bytes(rows))

    assert where(plan) == [(2, "Grade"), (4, "First Name"), (4, "Organizations")]
