"""Organizations import: create (parents may be rows of the same file), re-upload, update
with differences, every bad input reported by row and column with nothing written, and undo."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering.history import Channel
from rostering.imports import engine
from rostering.models import Organization, Origin
from tests import factories

from .conftest import check, commit, csv_bytes, where


def row(name: str, **extra) -> dict:
    values = {"Organization Name": name}
    values.update(extra)
    return values


def snapshot(district) -> list[tuple]:
    return list(
        Organization.objects.filter(district=district)
        .order_by("pk")
        .values_list("pk", "name", "external_id", "org_type", "parent_id", "origin")
    )


def queries_to_commit(district, content, kind) -> int:
    with CaptureQueriesContext(connection) as queries:
        commit(district, content, kind=kind)
    return len(queries)


def refused(district, content, **kw):
    before = snapshot(district)
    plan = check(district, content, kind="organizations", **kw)
    assert plan.errors, "the file should have been refused"
    with pytest.raises(engine.ImportRejected):
        commit(district, content, kind="organizations", **kw)
    assert snapshot(district) == before
    return plan


# ---- good files ----------------------------------------------------------------------------


def test_good_file_creates_organizations_parents_from_the_same_file(world):
    content = csv_bytes(
        [
            row("Science Department", **{"Type": "department", "Parent Organization": "East High"}),
            row("East High", **{"External Assigned ID": "S-9", "Parent Organization": ""}),
            row("Art Room", **{"Type": "Local", "Parent Organization": world.school.name}),
        ]
    )
    result = commit(world.district, content, kind="organizations")
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    east = Organization.objects.get(external_id="S-9")
    assert east.org_type == Organization.OrgType.SCHOOL
    assert east.parent == world.district and east.district == world.district
    science = Organization.objects.get(name="Science Department")
    assert science.org_type == Organization.OrgType.DEPARTMENT and science.parent == east
    assert Organization.objects.get(name="Art Room").parent == world.school
    assert east.history.get().history_channel == Channel.IMPORT


def test_reupload_changes_nothing(world):
    content = csv_bytes(
        [
            row("East High", **{"External Assigned ID": "S-9", "Parent Organization": ""}),
            row("Science", **{"Type": "Department", "Parent Organization": "S-9"}),
        ]
    )
    commit(world.district, content, kind="organizations")
    before = snapshot(world.district)
    plan = check(world.district, content, kind="organizations")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 2)
    commit(world.district, content, kind="organizations")
    assert snapshot(world.district) == before


def test_changed_row_updates_and_shows_differences(world):
    content = csv_bytes(
        [
            row(
                "North Elementary School",
                **{
                    "External Assigned ID": world.school.external_id,
                    "Parent Organization": world.other_school.name,
                },
            )
        ]
    )
    plan = check(world.district, content, kind="organizations")
    assert plan.updated == 1
    assert plan.changes[0].changes == {
        "Organization Name": ("North Elementary", "North Elementary School"),
        "Parent Organization": ("Maple District", "South Elementary"),
    }
    commit(world.district, content, kind="organizations")
    world.school.refresh_from_db()
    assert world.school.name == "North Elementary School"
    assert world.school.parent == world.other_school


def test_queries_do_not_grow_with_the_rows(world):
    def rows(first, count, parent):
        return csv_bytes(
            [
                row(f"Dept {n}", **{"Parent Organization": parent})
                for n in range(first, first + count)
            ]
        )

    created, updated = (
        [
            queries_to_commit(world.district, rows(n, c, parent), "organizations")
            for n, c in ((100, 3), (200, 30))
        ]
        for parent in ("", world.school.name)
    )
    assert created[0] == created[1] and updated[0] == updated[1]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_sample_rows_import_as_they_are(world, fmt):
    name, content, _type = engine.template_file("organizations", [], fmt)
    result = engine.commit_file(
        actor=None, district=world.district, kind="organizations", file_name=name, content=content
    )
    assert result.unchanged == 2  # North and South Elementary, matched by name


# ---- bad input -----------------------------------------------------------------------------


def test_missing_required_column(world):
    plan = refused(world.district, csv_bytes([{"External Assigned ID": "S-9"}]))
    assert (1, "Organization Name") in where(plan)


def test_unknown_column_is_reported(world):
    plan = refused(world.district, csv_bytes([row("East High", Mascot="Owl")]))
    assert where(plan) == [(1, "Mascot")]


def test_duplicate_in_file(world):
    plan = refused(world.district, csv_bytes([row("East High"), row("east high")]))
    assert where(plan) == [(3, "Organization Name")]
    assert "also in row 2" in plan.errors[0].message


def test_name_of_another_organization_in_the_database(world):
    content = csv_bytes([row("North Elementary", **{"External Assigned ID": "NEW-1"})])
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Organization Name")]
    assert world.school.external_id in plan.errors[0].message


def test_unknown_parent(world):
    plan = refused(world.district, csv_bytes([row("East High", **{"Parent Organization": "Nope"})]))
    assert where(plan) == [(2, "Parent Organization")]


def test_parent_loop_is_refused(world):
    content = csv_bytes(
        [
            row("A Dept", **{"Parent Organization": "B Dept"}),
            row("B Dept", **{"Parent Organization": "A Dept"}),
        ]
    )
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Parent Organization"), (3, "Parent Organization")]


def test_bad_type(world):
    plan = refused(world.district, csv_bytes([row("East High", Type="Campus")]))
    assert where(plan) == [(2, "Type")]
    assert "School, Department or Local" in plan.errors[0].message


def test_district_type_is_refused(world):
    plan = refused(world.district, csv_bytes([row("East High", Type="District")]))
    assert where(plan) == [(2, "Type")]


def test_locked_field_of_synced_organization(world):
    world.school.origin = Origin.SYNCED
    world.school.save()
    content = csv_bytes([row("North Elem", **{"External Assigned ID": world.school.external_id})])
    plan = refused(world.district, content)
    assert where(plan) == [(2, "Organization Name")]
    assert "SIS" in plan.errors[0].message


def test_school_admin_cannot_import_organizations(world, school_admin):
    plan = refused(world.district, csv_bytes([row("East High")]), actor=school_admin)
    assert where(plan) == [(1, "")]


def test_district_admin_imports_organizations(world, district_admin):
    result = commit(
        world.district, csv_bytes([row("East High")]), kind="organizations", actor=district_admin
    )
    assert result.created == 1
    assert Organization.objects.get(name="East High").history.get().history_user == district_admin


# ---- undo ----------------------------------------------------------------------------------


def test_undo_removes_created_and_restores_updated_organizations(world):
    before = snapshot(world.district)
    content = csv_bytes(
        [
            row("Science", **{"Type": "Department", "Parent Organization": "East High"}),
            row("East High", **{"Parent Organization": ""}),
            row(
                "North Renamed",
                **{
                    "External Assigned ID": world.school.external_id,
                    "Parent Organization": "East High",
                },
            ),
        ]
    )
    result = commit(world.district, content, kind="organizations")
    engine.undo_import(actor=None, district=world.district, result={"applied": result.applied})
    assert snapshot(world.district) == before


def test_undo_keeps_a_created_school_that_has_classes_since(world):
    result = commit(
        world.district, csv_bytes([row("East High"), row("West High")]), kind="organizations"
    )
    east = Organization.objects.get(name="East High")
    factories.ClassGroupFactory(school=east, name="Room 1")
    kept = engine.undo_import(
        actor=None, district=world.district, result={"applied": result.applied}
    )
    assert Organization.objects.filter(pk=east.pk).exists()
    assert not Organization.objects.filter(name="West High").exists()
    assert kept == [
        "Organization East High has classes/groups or organizations of its own since this "
        "import, so it stays."
    ]
