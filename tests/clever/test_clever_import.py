"""import_roster --type clever imports Clever's SFTP files (a folder or a zip) into a district,
with the same checks and JSON as a OneRoster set; a bad row names Clever's file and column."""

from __future__ import annotations

import io
import zipfile

from rostering.models import ClassGroup, Student
from rostering.sync.models import ProductRule
from tests import factories
from tests.imports.test_commands import import_json

from .files import (
    CleverSchool,
    CleverSection,
    CleverStudent,
    CleverTeacher,
    enrollment,
    write_clever,
)


def _files(tmp_path, world, *extra_students):
    school = CleverSchool.build(School_id="clv-oak", School_number=world.school.external_id)
    kids = [
        CleverStudent.build(School_id="clv-oak", Student_number=f"77{n}", Grade="0")
        for n in range(3)
    ]
    teach = CleverTeacher.build(School_id="clv-oak", Teacher_id="t-1")
    section = CleverSection.build(
        School_id="clv-oak",
        Section_id="sec-1",
        Teacher_id="t-1",
        Section_number="M3",
        Name="Math 3",
    )
    return write_clever(
        tmp_path / "clever",
        schools=[school],
        students=[*kids, *extra_students],
        teachers=[teach],
        sections=[section],
        enrollments=[enrollment(section, kid) for kid in kids],
    )


def _product_rule(world):
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.CLASS_CODE,
        pattern="M3",
        product=factories.ProductFactory(),
    )


def test_import_roster_type_clever_imports_a_folder(world, tmp_path):
    _product_rule(world)
    status, summary = import_json(
        "--district", "maple", "--type", "clever", str(_files(tmp_path, world))
    )

    assert status == 0, summary
    assert summary["committed"] is True and summary["errors"] == []
    kids = Student.objects.filter(external_id__in=["770", "771", "772"])
    assert kids.count() == 3
    assert {kid.grade for kid in kids} == {"KG"}
    group = ClassGroup.objects.get(district=world.district, name="Math 3")
    assert group.students.count() == 3


def test_import_roster_type_clever_reads_a_zip_and_names_a_bad_row(world, tmp_path):
    folder = _files(
        tmp_path, world, CleverStudent.build(School_id="clv-oak", Student_id="s-x", Last_name="")
    )
    zipped = tmp_path / "clever.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, path.name)
    zipped.write_bytes(buffer.getvalue())

    status, summary = import_json("--district", "maple", "--type", "clever", str(zipped))

    assert status == 1
    (error,) = [e for e in summary["errors"] if e["record"] == "s-x"]
    assert (error["file"], error["row"]) == ("students.csv", 5)
    assert "Last_name: is empty." in error["message"]


def test_import_roster_type_clever_names_clevers_column_for_a_value_the_rules_refuse(
    world, tmp_path
):
    _product_rule(world)
    long = CleverStudent.build(School_id="clv-oak", Student_id="s-l", First_name="A" * 300)
    status, summary = import_json(
        "--district", "maple", "--type", "clever", str(_files(tmp_path, world, long))
    )

    assert status == 1
    (error,) = [e for e in summary["errors"] if e["record"] == "s-l"]
    assert (error["file"], error["row"], error["field"]) == ("students.csv", 5, "First_name")
