"""Classes/Groups import: create with products and rosters, re-upload, update with
differences, every bad input reported by row and column with nothing written, and undo."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering.history import Channel
from rostering.imports import engine
from rostering.models import ClassGroup, ClassProduct, ClassStudent, Origin
from tests import factories

from .conftest import check, commit, csv_bytes, where


def row(name: str, school, product="Reading Stars", **extra) -> dict:
    values = {"Class/Group Name": name, "Organization": school.name, "Product": product}
    values.update(extra)
    return values


def snapshot(district) -> list[tuple]:
    """Everything an import could change about the district's classes/groups."""
    return [
        (
            g.pk,
            g.name,
            g.school_id,
            g.external_id,
            g.subject,
            g.grades,
            tuple(sorted(g.product_links.values_list("product_id", "origin"))),
            tuple(sorted(g.educators.values_list("pk", flat=True))),
            tuple(sorted(g.students.values_list("pk", flat=True))),
        )
        for g in ClassGroup.objects.filter(district=district).order_by("pk")
    ]


def refused(district, content, **kw):
    before = snapshot(district)
    plan = check(district, content, kind="classes", **kw)
    assert plan.errors, "the file should have been refused"
    with pytest.raises(engine.ImportRejected):
        commit(district, content, kind="classes", **kw)
    assert snapshot(district) == before
    return plan


def queries_to_commit(district, content, kind) -> int:
    with CaptureQueriesContext(connection) as queries:
        commit(district, content, kind=kind)
    return len(queries)


@pytest.fixture
def room4(world, products):
    """Room 4 of North Elementary (manual, ID C-4), with Reading Stars."""
    group = factories.ClassGroupFactory(school=world.school, name="Room 4", external_id="C-4")
    ClassProduct.objects.create(class_group=group, product=products["reading"])
    return group


@pytest.fixture
def roster(world):
    return {
        "tess": factories.EducatorFactory(organization=world.school, username="tess.t"),
        "ana": factories.StudentFactory(school=world.school, username="ana", external_id="007"),
        "ben": factories.StudentFactory(school=world.school, username="ben"),
        "sol": factories.StudentFactory(school=world.other_school, username="sol"),
    }


# ---- good files ----------------------------------------------------------------------------


def test_good_file_creates_classes_with_products_and_rosters(world, products, roster):
    content = csv_bytes(
        [
            row(
                "Room 4",
                world.school,
                "Reading Stars; math-quest",
                **{
                    "External Assigned ID": "C-4",
                    "Grades": "3; 4",
                    "Educators": "tess.t",
                    "Students": "ana; 007; BEN",
                },
            ),
            row("Reading Club", world.other_school, "Math Quest"),
        ]
    )
    result = commit(world.district, content, kind="classes")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    room = ClassGroup.objects.get(external_id="C-4")
    assert room.school == world.school and room.origin == Origin.MANUAL
    assert room.grades == "03,04"
    assert set(room.products.all()) == {products["reading"], products["math"]}
    assert list(room.educators.all()) == [roster["tess"]]
    assert set(room.students.all()) == {roster["ana"], roster["ben"]}
    assert room.history.get().history_channel == Channel.IMPORT
    club = ClassGroup.objects.get(name="Reading Club")
    assert club.school == world.other_school and club.external_id is None


def test_reupload_changes_nothing(world, products, roster):
    content = csv_bytes(
        [
            row("Room 4", world.school, **{"Educators": "tess.t", "Students": "ana; ben"}),
            row("Room 5", world.school, "Math Quest; Reading Stars", **{"Grades": "K"}),
        ]
    )
    commit(world.district, content, kind="classes")
    before = snapshot(world.district)
    plan = check(world.district, content, kind="classes")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 2)
    commit(world.district, content, kind="classes")
    assert snapshot(world.district) == before


def test_changed_row_matched_by_id_updates_and_shows_differences(world, products, room4):
    content = csv_bytes(
        [
            row(
                "Room 4B",
                world.school,
                "Math Quest",
                **{"External Assigned ID": "C-4", "Subject": "Math"},
            )
        ]
    )
    plan = check(world.district, content, kind="classes")
    assert plan.updated == 1
    assert plan.changes[0].changes == {
        "Class/Group Name": ("Room 4", "Room 4B"),
        "Subject": ("", "Math"),
        "Product": ("Reading Stars", "Math Quest"),
    }
    commit(world.district, content, kind="classes")
    room4.refresh_from_db()
    assert room4.name == "Room 4B" and room4.subject == "Math"
    assert list(room4.products.all()) == [products["math"]]


def test_row_without_id_matches_by_name_within_the_school(world, products, room4):
    content = csv_bytes([row("room  4", world.school, **{"Subject": "Homeroom"})])
    plan = check(world.district, content, kind="classes")
    assert (plan.created, plan.updated) == (0, 1)
    # The same name in another school is another class/group.
    other = check(world.district, csv_bytes([row("Room 4", world.other_school)]), kind="classes")
    assert other.created == 1


def test_products_of_a_synced_class_may_change(world, products, room4):
    room4.origin = Origin.SYNCED
    room4.save()
    content = csv_bytes(
        [
            row(
                "Room 4",
                world.school,
                "Reading Stars; Math Quest",
                **{"External Assigned ID": "C-4"},
            )
        ]
    )
    assert commit(world.district, content, kind="classes").updated == 1
    link = ClassProduct.objects.get(class_group=room4, product=products["math"])
    assert link.origin == Origin.MANUAL


def test_queries_do_not_grow_with_the_rows(world, products, roster):
    def rows(first, count, product):
        return csv_bytes(
            [
                row(f"Room {n}", world.school, product, Educators="tess.t", Students="ana")
                for n in range(first, first + count)
            ]
        )

    created, updated = (
        [
            queries_to_commit(world.district, rows(n, c, product), "classes")
            for n, c in ((100, 3), (200, 30))
        ]
        for product in ("Reading Stars", "Math Quest")
    )
    assert created[0] == created[1] and updated[0] == updated[1]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_sample_rows_import_as_they_are(world, products, fmt):
    name, content, _type = engine.template_file("classes", [], fmt)
    result = engine.commit_file(
        actor=None, district=world.district, kind="classes", file_name=name, content=content
    )
    assert (result.created, result.updated) == (2, 0)


# ---- bad input -----------------------------------------------------------------------------


def test_missing_required_column(world, products):
    content = csv_bytes([{"Class/Group Name": "Room 4", "Organization": world.school.name}])
    plan = refused(world.district, content)
    assert where(plan) == [(1, "Product")]


def test_unknown_column_is_reported(world, products):
    plan = refused(world.district, csv_bytes([{**row("Room 4", world.school), "Colour": "red"}]))
    assert where(plan) == [(1, "Colour")]


def test_duplicate_in_file(world, products):
    content = csv_bytes([row("Room 4", world.school), row("ROOM 4", world.school)])
    plan = refused(world.district, content)
    assert where(plan) == [(3, "Class/Group Name")]
    assert "Row 2" in plan.errors[0].message


def test_duplicate_id_in_file(world, products):
    content = csv_bytes(
        [
            row("Room 4", world.school, **{"External Assigned ID": "X"}),
            row("Room 5", world.school, **{"External Assigned ID": "X"}),
        ]
    )
    plan = refused(world.district, content)
    assert where(plan) == [(3, "External Assigned ID")]


def test_ambiguous_name_in_the_database(world, products):
    factories.ClassGroupFactory(school=world.school, name="Math", external_id=None)
    factories.ClassGroupFactory(school=world.school, name="Math", external_id=None)
    plan = refused(world.district, csv_bytes([row("Math", world.school)]))
    assert where(plan) == [(2, "Class/Group Name")]
    assert "External Assigned ID" in plan.errors[0].message


def test_unknown_school(world, products):
    plan = refused(world.district, csv_bytes([row("Room 4", world.outsider_school)]))
    assert where(plan) == [(2, "Organization")]


def test_unknown_product(world, products):
    content = csv_bytes([row("Room 4", world.school, "Reading Stars; Spelling Bee")])
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Product")]
    assert '"Spelling Bee"' in plan.errors[0].message


def test_unknown_educator_and_student_of_another_school(world, products, roster):
    content = csv_bytes(
        [row("Room 4", world.school, **{"Educators": "nobody", "Students": "ana; sol"})]
    )
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Educators"), (2, "Students")]
    sol = roster["sol"]  # the membership rule's sentence (rostering.memberships)
    assert plan.errors[1].message.startswith(
        f"{sol.full_name} is not at North Elementary, where “Room 4” is"
    )


def test_bad_grade(world, products):
    plan = refused(world.district, csv_bytes([row("Room 4", world.school, Grades="3; 15")]))
    assert where(plan) == [(2, "Grades")]


def test_locked_field_of_synced_class(world, products, room4):
    room4.origin = Origin.SYNCED
    room4.save()
    content = csv_bytes([row("Room 4B", world.school, **{"External Assigned ID": "C-4"})])
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Class/Group Name")]
    assert "SIS" in plan.errors[0].message


def test_students_of_a_synced_class_cannot_change(world, products, room4, roster):
    room4.origin = Origin.SYNCED
    room4.save()
    ClassStudent.objects.create(class_group=room4, student=roster["ana"], origin=Origin.SYNCED)
    content = csv_bytes([row("Room 4", world.school, **{"Students": "ana; ben"})])
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Students")]
    assert "members come from the SIS" in plan.errors[0].message


def test_teacher_outside_their_schools(world, products, teacher):
    plan = refused(world.district, csv_bytes([row("Room 4", world.other_school)]), actor=teacher)
    assert where(plan) == [(2, "Organization")]
    assert "not one of your schools" in plan.errors[0].message


def test_teacher_cannot_change_a_class_of_another_school(world, products, teacher):
    factories.ClassGroupFactory(school=world.other_school, name="Choir", external_id="CH")
    content = csv_bytes([row("Choir", world.school, **{"External Assigned ID": "CH"})])
    plan = refused(world.district, content, actor=teacher)
    assert where(plan) == [(2, "External Assigned ID")]


def test_teacher_imports_classes_in_their_school(world, products, teacher):
    content = csv_bytes([row("Room 9", world.school)])
    result = commit(world.district, content, kind="classes", actor=teacher)
    assert result.created == 1
    assert ClassGroup.objects.get(name="Room 9").history.get().history_user == teacher


# ---- undo ----------------------------------------------------------------------------------


def test_undo_removes_created_and_restores_updated_classes(world, products, room4, roster):
    before = snapshot(world.district)
    content = csv_bytes(
        [
            row(
                "Room 4B",
                world.school,
                "Math Quest",
                **{"External Assigned ID": "C-4", "Students": "ana"},
            ),
            row("Room 9", world.school, **{"External Assigned ID": "C-9", "Students": "ben"}),
        ]
    )
    result = commit(world.district, content, kind="classes")
    engine.undo_import(actor=None, district=world.district, result={"applied": result.applied})
    assert snapshot(world.district) == before


def test_undo_keeps_a_name_changed_since_and_puts_back_the_rest(world, products, room4):
    result = commit(
        world.district,
        csv_bytes([row("Room 4B", world.school, "Math Quest", **{"External Assigned ID": "C-4"})]),
        kind="classes",
    )
    room4.refresh_from_db()
    room4.name = "Room 4C"
    room4.save()
    kept = engine.undo_import(
        actor=None, district=world.district, result={"applied": result.applied}
    )
    room4.refresh_from_db()
    assert room4.name == "Room 4C"  # renamed again since: the newer name stays
    assert list(room4.products.all()) == [products["reading"]]  # the product link went back
    assert kept == [
        "Class/group Room 4C: Class/Group name changed again since this import, so the newer value stays."
    ]
