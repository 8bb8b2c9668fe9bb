"""The same Students file again: rows that are the stored students exactly are counted
unchanged without being read cell by cell (engine_parts/unchanged.py). The verdict must stay
the full check's: each test below builds a file export_roster wrote, spoils one thing the
shortcut could hide, and asserts what the user sees, and that the full path says the same."""

from __future__ import annotations

import csv
import io

import pytest

from rostering.imports.engine_parts.unchanged import UnchangedRows
from rostering.imports.export import students_csv
from rostering.models import ClassGroup, Product, ProductSetting, Student
from tests import factories

from .conftest import check, commit


@pytest.fixture
def roster(world, products):
    """Two students of North Elementary with every column filled: a class by External ID,
    both products, a setting; and one of South Elementary."""
    room = factories.ClassGroupFactory(school=world.school, name="Room 4", external_id="R4")
    students = [
        factories.StudentFactory(
            school=world.school,
            first_name="Ana",
            last_name="Lopez",
            username=f"ana{n}",
            email=f"ana{n}@example.org",
            alt_external_id=f"ALT{n}",
            middle_name="May",
        )
        for n in range(2)
    ]
    south = factories.StudentFactory(school=world.other_school, username="sol", last_name="Sun")
    for student in students:
        factories.ClassStudentFactory(class_group=room, student=student)
        for product in (products["reading"], products["math"]):
            factories.StudentProductFactory(student=student, product=product)
        factories.StudentProductSettingFactory(
            student=student, setting=products["language"], value="Spanish"
        )
    return {"students": students, "south": south, "room": room}


def exported(world, *, password: str | None = None, repeat_first: bool = False) -> bytes:
    """export_roster's Students file of the district; ``password`` fills the Password column;
    ``repeat_first`` adds the first student's row again at the end."""
    header, *rows = csv.reader(io.StringIO(students_csv(world.district)))
    if password is not None:
        at = header.index("Password")
        rows = [[c if i != at else password for i, c in enumerate(row)] for row in rows]
    if repeat_first:
        rows.append(rows[0])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def verdict(plan):
    return (
        plan.created,
        plan.updated,
        plan.unchanged,
        plan.passwords_set,
        [e.as_dict() for e in plan.errors],
        [e.as_dict() for e in plan.warnings],
        [(c.row, c.action, c.label, c.changes, c.record_id) for c in plan.changes],
    )


def checked_both_ways(monkeypatch, district, content, *, actor=None):
    """The plan with the shortcut, after asserting the full path's is the same."""
    quick = check(district, content, actor=actor)
    with monkeypatch.context() as patched:
        patched.setattr(UnchangedRows, "student_of", lambda self, cells: None)
        full = check(district, content, actor=actor)
    assert verdict(quick) == verdict(full)
    return quick


def test_an_exported_file_is_unchanged_without_a_query_per_row(
    monkeypatch, world, roster, django_assert_max_num_queries
):
    content = exported(world)
    plan = checked_both_ways(monkeypatch, world.district, content)
    with django_assert_max_num_queries(12):  # as many for 3 rows as for 10,000
        check(world.district, content)
    assert (plan.created, plan.updated, plan.unchanged, plan.errors) == (0, 0, 3, [])
    result = commit(world.district, content)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_the_right_password_is_unchanged_and_another_one_is_an_update(monkeypatch, world, roster):
    same = checked_both_ways(monkeypatch, world.district, exported(world, password="tiger42"))
    other = checked_both_ways(monkeypatch, world.district, exported(world, password="lion77"))
    assert (same.updated, same.unchanged) == (0, 3)
    assert (other.updated, other.passwords_set) == (3, 3)


def test_a_too_short_password_is_refused_even_in_an_unchanged_row(monkeypatch, world, roster):
    plan = checked_both_ways(monkeypatch, world.district, exported(world, password="abc"))
    assert [e.column for e in plan.errors] == ["Password"] * 3


def test_the_hidden_password_of_an_error_file_keeps_its_note(monkeypatch, world, roster):
    plan = checked_both_ways(monkeypatch, world.district, exported(world, password="(set)"))
    assert plan.unchanged == 3
    assert [w.column for w in plan.warnings] == ["Password"]


def test_a_stored_grade_no_longer_in_the_vocabulary_is_reported(monkeypatch, world, roster):
    Student.objects.filter(username="ana0").update(grade="7th")
    plan = checked_both_ways(monkeypatch, world.district, exported(world))
    assert [e.column for e in plan.errors] == ["Grade"]
    assert plan.unchanged == 2


def test_a_stored_email_that_is_not_an_address_is_reported(monkeypatch, world, roster):
    Student.objects.filter(username="ana1").update(email="ana1-at-example.org")
    plan = checked_both_ways(monkeypatch, world.district, exported(world))
    assert [e.column for e in plan.errors] == ["Email"]


def test_a_stored_name_with_an_invisible_character_is_cleaned_as_an_update(
    monkeypatch, world, roster
):
    Student.objects.filter(username="ana0").update(first_name="An\u200ba")
    plan = checked_both_ways(monkeypatch, world.district, exported(world))
    assert (plan.updated, plan.unchanged, plan.errors) == (1, 2, [])


def test_the_same_student_twice_in_the_file_is_refused(monkeypatch, world, roster):
    plan = checked_both_ways(monkeypatch, world.district, exported(world, repeat_first=True))
    assert plan.errors and {e.row for e in plan.errors} == {5}
    assert "also in row" in plan.errors[0].message


def test_a_teacher_re_uploading_the_district_file_is_refused_the_other_schools_student(
    monkeypatch, world, roster, teacher
):
    plan = checked_both_ways(monkeypatch, world.district, exported(world), actor=teacher)
    assert {e.row for e in plan.errors} == {4}  # Sol, of South Elementary, only
    assert any(e.column == "Username" and "another school" in e.message for e in plan.errors)


def test_a_school_outside_the_teachers_scope_is_kept_with_a_note(
    monkeypatch, world, roster, teacher
):
    ana = roster["students"][0]
    ana.schools.add(world.other_school)
    Student.objects.filter(pk=roster["south"].pk).delete()
    plan = checked_both_ways(monkeypatch, world.district, exported(world), actor=teacher)
    # The file names South Elementary, which is not the teacher's: refused, as always.
    assert plan.errors and all(e.column == "Organizations" for e in plan.errors)


def test_a_product_no_longer_offered_is_refused(monkeypatch, world, roster, products):
    content = exported(world)
    Product.objects.filter(pk=products["math"].pk).update(is_active=False)
    plan = checked_both_ways(monkeypatch, world.district, content)
    assert [e.column for e in plan.errors] == ["Products"] * 2


def test_a_stored_setting_value_no_longer_allowed_is_reported(monkeypatch, world, roster, products):
    ProductSetting.objects.filter(pk=products["language"].pk).update(allowed_values=["English"])
    plan = checked_both_ways(monkeypatch, world.district, exported(world))
    assert [e.column for e in plan.errors] == ["Product Settings"] * 2


def test_a_class_moved_to_a_school_the_student_is_not_at_is_refused(monkeypatch, world, roster):
    ClassGroup.objects.filter(pk=roster["room"].pk).update(school=world.other_school)
    plan = checked_both_ways(monkeypatch, world.district, exported(world))
    assert [e.column for e in plan.errors] == ["Classes/Groups"] * 2


def test_an_alt_id_another_student_now_holds_is_refused(monkeypatch, world, roster):
    Student.objects.filter(username="sol").update(alt_external_id="ALT9")
    content = exported(world)
    Student.objects.filter(username="ana1").update(alt_external_id=None)
    Student.objects.filter(username="sol").update(alt_external_id="ALT1")
    plan = checked_both_ways(monkeypatch, world.district, content)
    assert [e.column for e in plan.errors] == ["Alt Student ID"]


@pytest.mark.parametrize("last_name", [" Lopez", "Lopez ", "\nLopez"])
def test_a_stored_name_with_spaces_at_its_ends_is_trimmed_as_an_update(
    monkeypatch, world, roster, last_name
):
    Student.objects.filter(username="ana0").update(last_name=last_name)
    plan = checked_both_ways(monkeypatch, world.district, exported(world))
    assert (plan.updated, plan.unchanged, plan.errors) == (1, 2, [])
