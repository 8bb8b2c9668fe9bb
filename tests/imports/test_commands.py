"""import_roster and export_roster: exit codes, the JSON summary, --dry-run, and a round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rostering.models import Student
from tests import factories
from tests.imports.engine.conftest import csv_bytes, student_row
from tests.shared_data import SHARED_DATA

JSON_KEYS = {
    "created",
    "updated",
    "unchanged",
    "committed",
    "refused",
    "passwords_set",
    "organizations",
    "memberships",
    "product_links",
    "warnings",
    "errors",
}
NO_LINKS = {
    "organizations": {"created": 0, "updated": 0},
    "memberships": {"added": 0, "removed": 0},
    "product_links": {"added": 0, "removed": 0},
}


def run(*args) -> tuple[int, str]:
    """(exit status, stdout) of a command, as the shell would see them."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def students_file(tmp_path, world) -> Path:
    path = tmp_path / "students.csv"
    path.write_bytes(csv_bytes([student_row(1, world.school), student_row(2, world.school)]))
    return path


def import_json(*args) -> tuple[int, dict]:
    status, out = run("import_roster", *args, "--json")
    return status, json.loads(out)


def test_import_commits_and_prints_exactly_the_promised_json(world, students_file):
    status, summary = import_json("--district", "maple", "--type", "students", str(students_file))

    assert status == 0
    assert set(summary) == JSON_KEYS
    assert summary == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "committed": True,
        "refused": "",
        "passwords_set": 0,
        **NO_LINKS,
        "warnings": [],
        "errors": [],
    }
    assert set(Student.objects.values_list("external_id", flat=True)) == {"000001", "000002"}


def test_dry_run_reports_what_would_happen_and_writes_nothing(world, students_file):
    status, summary = import_json(
        "--district", "maple", "--type", "students", "--dry-run", str(students_file)
    )

    assert status == 0
    assert summary["created"] == 2 and summary["committed"] is False
    assert not Student.objects.exists()


def test_file_with_errors_exits_1_names_row_and_column_and_writes_nothing(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes([student_row(1, world.school), student_row(2, world.school, Grade="42")])
    )

    status, summary = import_json("--district", "maple", "--type", "students", str(path))

    assert status == 1
    assert summary["committed"] is False
    assert [(e["file"], e["row"], e["field"]) for e in summary["errors"]] == [
        ("bad.csv", 3, "Grade")
    ]
    assert set(summary["errors"][0]) == {"file", "row", "record", "field", "message"}
    assert not Student.objects.exists()


def test_dry_run_of_a_bad_file_also_exits_1(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([student_row(1, world.school, Organizations="Nowhere High")]))

    status, summary = import_json(
        "--district", "maple", "--type", "students", "--dry-run", str(path)
    )

    assert status == 1
    assert summary["errors"][0]["field"] == "Organizations"


@pytest.mark.parametrize(
    "args",
    [
        ("--district", "nowhere", "--type", "students"),
        ("--district", "maple", "--type", "pets"),
    ],
    ids=["unknown district", "unknown type"],
)
def test_wrong_usage_exits_2_and_writes_nothing(world, students_file, args):
    status, _out = run("import_roster", *args, str(students_file))

    assert status == 2
    assert not Student.objects.exists()


def test_missing_file_exits_2(world, tmp_path):
    status, _out = run(
        "import_roster", "--district", "maple", "--type", "students", str(tmp_path / "no.csv")
    )

    assert status == 2


def test_readable_summary_lists_each_error_on_its_own_line(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                student_row(1, world.school, Grade="42"),
                student_row(2, world.school, Organizations="Nowhere High"),
            ]
        )
    )

    status, out = run("import_roster", "--district", "maple", "--type", "students", str(path))

    assert status == 1
    assert "2 error(s); nothing was written." in out
    assert any(line.strip().startswith("row 2, Grade:") for line in out.splitlines())
    assert any(line.strip().startswith("row 3, Organizations:") for line in out.splitlines())


def test_import_into_one_district_never_touches_another(world, students_file):
    status, _summary = import_json("--district", "oak", "--type", "students", str(students_file))

    assert status == 1  # Oak has no North Elementary
    assert not Student.objects.exists()


# ---- export ---------------------------------------------------------------------------------


@pytest.fixture
def products(db):
    reading = factories.ProductFactory(name="Reading Stars", code="reading-stars")
    math = factories.ProductFactory(name="Math Quest", code="math-quest")
    language = factories.ProductSettingFactory(
        product=reading, key="language", label="Language Support"
    )
    return {"reading": reading, "math": math, "language": language}


@pytest.fixture
def rostered(world, products):
    """Maple's students with every column filled: IDs with leading zeros, two schools,
    classes, products and a product setting."""
    room = factories.ClassGroupFactory(school=world.school, name="Room 4", external_id="C-004")
    club = factories.ClassGroupFactory(
        school=world.other_school, name="Chess Club", external_id=None
    )
    ana = factories.StudentFactory(
        school=world.school,
        first_name="Ana",
        last_name="Lopez",
        username="ana.lopez",
        external_id="000123",
        alt_external_id="S-88",
        middle_name="Lee",
        email="ana@example.org",
        grade="KG",
    )
    ana.schools.add(world.other_school)
    factories.ClassStudentFactory(class_group=room, student=ana)
    factories.ClassStudentFactory(class_group=club, student=ana)
    factories.StudentProductFactory(student=ana, product=products["reading"])
    factories.StudentProductFactory(student=ana, product=products["math"])
    factories.StudentProductSettingFactory(
        student=ana, setting=products["language"], value="Spanish"
    )
    factories.StudentFactory(
        school=world.other_school, first_name="Ben", last_name="Kim", username="ben.kim"
    )
    factories.StudentFactory(school=world.outsider_school, username="oak.student")
    return ana


def export(slug="maple") -> str:
    status, out = run("export_roster", "--district", slug, "--type", "students")
    assert status == 0
    return out


def test_export_prints_every_students_template_column_and_keeps_leading_zeros(rostered):
    rows = list(csv.DictReader(io.StringIO(export())))

    assert list(rows[0]) == [
        "First Name",
        "Last Name",
        "Username",
        "Student ID",
        "Organizations",
        "Middle Name",
        "Preferred First Name",
        "Grade",
        "Email",
        "Alt Student ID",
        "Password",
        "Classes/Groups",
        "Products",
        "Product Settings",
    ]
    ana = next(row for row in rows if row["Username"] == "ana.lopez")
    assert ana["Student ID"] == "000123"
    assert ana["Organizations"] == "North Elementary; South Elementary"
    assert ana["Classes/Groups"] == "C-004; Chess Club"
    assert ana["Products"] == "Math Quest; Reading Stars"
    assert ana["Product Settings"] == "Reading Stars: Language Support = Spanish"
    assert ana["Password"] == ""
    assert "oak.student" not in {row["Username"] for row in rows}


def test_export_then_import_changes_nothing(rostered, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(export(), encoding="utf-8")
    before = sorted(Student.objects.values_list("username", "external_id", "grade"))

    status, summary = import_json("--district", "maple", "--type", "students", str(path))

    assert status == 0, summary["errors"]
    assert summary == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "committed": True,
        "refused": "",
        "passwords_set": 0,
        **NO_LINKS,
        "warnings": [],
        "errors": [],
    }
    assert sorted(Student.objects.values_list("username", "external_id", "grade")) == before


def test_a_sis_username_exported_imports_back_but_a_new_one_is_still_refused(world, tmp_path):
    """A ClassLink district's "Mary Archer" (taken as its SIS sent it) survives a round trip
    through the template; a new row typing such a username still gets the template's rule."""
    factories.StudentFactory(
        school=world.school, first_name="Mary", last_name="Archer", username="Mary Archer"
    )
    path = tmp_path / "export.csv"
    path.write_text(export(), encoding="utf-8")

    status, summary = import_json("--district", "maple", "--type", "students", str(path))
    assert status == 0, summary["errors"]
    assert (summary["unchanged"], summary["errors"]) == (1, [])

    rows = list(csv.DictReader(io.StringIO(export())))
    rows.append({**rows[0], "First Name": "Ann", "Username": "Ann Bee", "Student ID": ""})
    path.write_text(_csv_text(rows), encoding="utf-8")
    status, summary = import_json("--district", "maple", "--type", "students", str(path))
    assert status == 1
    assert [(e["row"], e["field"]) for e in summary["errors"]] == [(3, "Username")]


def test_a_class_name_holding_a_semicolon_exports_quoted_and_imports_back_unchanged(
    world, tmp_path
):
    art = factories.ClassGroupFactory(school=world.school, name="Art; Music", external_id=None)
    kid = factories.StudentFactory(school=world.school, username="kid")
    factories.ClassStudentFactory(class_group=art, student=kid)
    text = export()
    assert next(csv.DictReader(io.StringIO(text)))["Classes/Groups"] == '"Art; Music"'
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")

    status, summary = import_json("--district", "maple", "--type", "students", str(path))

    assert status == 0, summary["errors"]
    assert (summary["unchanged"], summary["created"], summary["updated"]) == (1, 0, 0)
    assert list(kid.class_groups.values_list("name", flat=True)) == ["Art; Music"]


def _csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_export_neutralises_formula_cells(world):
    factories.StudentFactory(school=world.school, first_name="=HYPERLINK(1)", username="eve")

    rows = list(csv.DictReader(io.StringIO(export())))

    assert rows[0]["First Name"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "args",
    [("--district", "nowhere", "--type", "students"), ("--district", "maple", "--type", "pets")],
    ids=["unknown district", "unknown type"],
)
def test_export_wrong_usage_exits_2(world, args):
    status, _out = run("export_roster", *args)

    assert status == 2


def test_oneroster_folder_imports_through_the_same_engine(world):
    folder = str(SHARED_DATA / "oneroster-moodle-enrol-fixtures" / "v1p1-bulk-minimal")

    status, summary = import_json("--district", "maple", "--type", "oneroster", folder)

    # Its two classes match no product rule: the people are imported, the run exits 1
    # (test_command_results.py).
    assert status == 1 and not summary["errors"]
    assert summary["committed"] is True
    assert summary["created"] == 6  # History Department, two teachers, three students
    assert Student.objects.filter(district=world.district).count() == 3
