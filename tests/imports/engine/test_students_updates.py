"""Students import, re-uploads and Excel: rows update the student they match (Student ID
first, then username), product access and settings follow the file, and an unchanged file
changes nothing."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from rostering.history import Channel
from rostering.imports import engine
from rostering.models import Student, StudentProduct, StudentProductSetting
from rostering.passwords import decrypt_password
from tests import factories

from .conftest import check, commit, csv_bytes, student_row


@pytest.fixture
def ana(world):
    return factories.StudentFactory(
        school=world.school,
        first_name="Ana",
        last_name="Lopez",
        username="ana.lopez",
        external_id="000123",
        grade="03",
    )


def _ana_row(world, **extra) -> dict:
    row = {
        "First Name": "Ana",
        "Last Name": "Lopez",
        "Username": "ana.lopez",
        "Student ID": "000123",
        "Organizations": world.school.name,
        "Grade": "3",
    }
    row.update(extra)
    return row


def test_the_same_file_again_changes_nothing(world, products):
    rows = [
        student_row(
            n,
            world.school,
            Products="Reading Stars; Math Quest",
            **{"Product Settings": "Language Support = Spanish", "Password": "tiger42"},
        )
        for n in range(3)
    ]
    content = csv_bytes(rows)
    commit(world.district, content)
    stamps = list(Student.objects.order_by("pk").values_list("updated_at", flat=True))

    plan = check(world.district, content)
    result = commit(world.district, content)

    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 3)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Student.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_a_row_matched_by_student_id_renames_the_student(world, ana):
    plan = check(
        world.district, csv_bytes([_ana_row(world, Username="ana.l", **{"Last Name": "Kim"})])
    )
    commit(world.district, csv_bytes([_ana_row(world, Username="ana.l", **{"Last Name": "Kim"})]))

    ana.refresh_from_db()
    assert (ana.username, ana.last_name) == ("ana.l", "Kim")
    assert Student.objects.count() == 1
    change = plan.changes[0]
    assert change.action == "update"
    assert change.changes["Last Name"] == ("Lopez", "Kim")
    assert change.changes["Username"] == ("ana.lopez", "ana.l")


def test_a_grade_change_reads_as_grade_labels_in_the_preview(world, ana):
    plan = check(world.district, csv_bytes([_ana_row(world, Grade="K")]))
    assert plan.changes[0].changes["Grade"] == ("Grade 3", "Kindergarten")


def test_a_row_without_student_id_is_matched_by_username_and_keeps_the_id(world, ana):
    commit(world.district, csv_bytes([_ana_row(world, Grade="4", **{"Student ID": ""})]))

    ana.refresh_from_db()
    assert (ana.grade, ana.external_id) == ("04", "000123")
    assert Student.objects.count() == 1


def test_username_matching_ignores_case(world, ana):
    plan = check(
        world.district, csv_bytes([_ana_row(world, Username="ANA.LOPEZ", **{"Student ID": ""})])
    )

    assert (plan.created, plan.updated + plan.unchanged) == (0, 1)


def test_the_products_column_replaces_product_access(world, ana, products):
    factories.StudentProductFactory(student=ana, product=products["reading"])

    commit(world.district, csv_bytes([_ana_row(world, Products="Math Quest")]))

    assert set(StudentProduct.objects.filter(student=ana).values_list("product", flat=True)) == {
        products["math"].pk
    }


def test_a_file_without_a_products_column_leaves_product_access_alone(world, ana, products):
    factories.StudentProductFactory(student=ana, product=products["reading"])

    commit(world.district, csv_bytes([_ana_row(world, Grade="5")]))

    assert StudentProduct.objects.filter(student=ana).count() == 1


def test_product_settings_update_and_show_old_and_new_in_the_preview(world, ana, products):
    factories.StudentProductSettingFactory(
        student=ana, setting=products["language"], value="English"
    )
    content = csv_bytes([_ana_row(world, **{"Product Settings": "language support = spanish"})])

    plan = check(world.district, content)
    commit(world.district, content)

    assert plan.changes[0].changes["Product Settings"] == ("English", "Spanish")
    assert StudentProductSetting.objects.get(student=ana).value == "Spanish"


def test_a_new_password_is_stored_and_a_blank_one_keeps_the_old(world, ana):
    commit(world.district, csv_bytes([_ana_row(world, Password="comet17")]))
    ana.refresh_from_db()
    assert decrypt_password(ana.password_encrypted) == "comet17"

    commit(world.district, csv_bytes([_ana_row(world, Password="")]))
    ana.refresh_from_db()
    assert decrypt_password(ana.password_encrypted) == "comet17"


def test_classes_are_added_in_the_students_school(world, ana):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")

    commit(world.district, csv_bytes([_ana_row(world, **{"Classes/Groups": "room 4"})]))

    assert list(ana.class_groups.all()) == [room]


def test_a_teacher_cannot_update_a_student_of_another_school(world, teacher):
    factories.StudentFactory(school=world.other_school, username="sol.south", external_id="7")
    row = student_row(1, world.school, Username="sol.south", **{"Student ID": "7"})

    plan = check(world.district, csv_bytes([row]), actor=teacher)

    assert [(e.row, e.column) for e in plan.errors] == [(2, "Username")]
    assert "not one of yours" in plan.errors[0].message


# ---- Excel ---------------------------------------------------------------------------------------


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_file_imports_with_text_ids_numbers_and_accents(world):
    content = _xlsx(
        [
            ["First Name", "Last Name", "Username", "Student ID", "Organizations", "Grade"],
            ["José", "Muñoz", "jose.munoz", "000777", world.school.name, 3],
            ["Ben", "Kim", "ben.kim", 778, world.school.name, "K"],
            [None, None, None, None, None, None],  # Excel's trailing blank rows
        ]
    )

    result = commit(world.district, content, name="students.xlsx")

    assert result.created == 2
    jose = Student.objects.get(username="jose.munoz")
    assert (jose.last_name, jose.external_id, jose.grade) == ("Muñoz", "000777", "03")
    assert Student.objects.get(username="ben.kim").external_id == "778"  # not "778.0"


def test_an_excel_file_with_a_bad_row_names_its_row_and_column(world):
    content = _xlsx(
        [
            ["First Name", "Last Name", "Username", "Organizations"],
            ["Ana", "Lopez", "ana.lopez", world.school.name],
            ["Ben", "Kim", "ben.kim", "Nowhere School"],
        ]
    )

    plan = check(world.district, content, name="students.xlsx")

    assert [(e.row, e.column) for e in plan.errors] == [(3, "Organizations")]
    assert not Student.objects.exists()


def test_history_records_each_import_with_who_ran_it(world, district_admin, products):
    rows = [student_row(1, world.school, Products="Reading Stars")]
    commit(world.district, csv_bytes(rows), actor=district_admin)
    rows[0]["Last Name"] = "Kim"
    commit(world.district, csv_bytes(rows), actor=district_admin)

    student = Student.objects.get(username="ana.lopez1")
    history = list(student.history.order_by("history_date", "history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert [h.last_name for h in history] == ["Lopez1", "Kim"]
    assert {h.history_channel for h in history} == {Channel.IMPORT}
    assert {h.history_user for h in history} == {district_admin}
    assert student.created_at is not None and student.updated_at >= student.created_at


def test_undo_of_an_update_puts_back_names_classes_products_and_settings(world, ana, products):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    factories.StudentProductFactory(student=ana, product=products["reading"])
    factories.StudentProductSettingFactory(
        student=ana, setting=products["language"], value="English"
    )
    content = csv_bytes(
        [
            _ana_row(
                world,
                **{
                    "Last Name": "Kim",
                    "Classes/Groups": "Room 4",
                    "Products": "Math Quest",
                    "Product Settings": "Language Support = Spanish",
                },
            )
        ]
    )
    result = commit(world.district, content)
    ana.refresh_from_db()
    assert ana.last_name == "Kim" and list(ana.class_groups.all()) == [room]

    engine.undo_import(actor=None, district=world.district, result={"applied": result.applied})

    ana.refresh_from_db()
    assert ana.last_name == "Lopez"
    assert not ana.class_groups.exists()
    assert list(ana.product_links.values_list("product", flat=True)) == [products["reading"].pk]
    assert StudentProductSetting.objects.get(student=ana).value == "English"


def _queries_for(world, rows: list[dict]) -> tuple[int, int]:
    """Queries of committing ``rows`` as new students, then with every row changed."""
    with CaptureQueriesContext(connection) as created:
        commit(world.district, csv_bytes(rows))
    for row in rows:
        row.update({"Last Name": row["Last Name"] + "-Kim", "Products": "Math Quest"})
    with CaptureQueriesContext(connection) as updated:
        commit(world.district, csv_bytes(rows))
    return len(created), len(updated)


def test_the_number_of_queries_does_not_grow_with_the_rows(world, products):
    def rows(first, count):
        return [
            student_row(
                n,
                world.school,
                Products="Reading Stars",
                **{"Product Settings": "Language Support = Spanish", "Password": "tiger42"},
            )
            for n in range(first, first + count)
        ]

    assert _queries_for(world, rows(0, 5)) == _queries_for(world, rows(100, 60))
