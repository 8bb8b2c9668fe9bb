"""Educators import: create, re-upload, update with differences, every bad input reported
by row and column with nothing written, and undo."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering.history import Channel
from rostering.imports import engine
from rostering.models import Educator, Origin
from tests import factories

from .conftest import check, commit, csv_bytes, where

HEADER = ["First Name", "Last Name", "Username", "Educator Type", "Organizations"]


def row(n: int, org, **extra) -> dict:
    values = {
        "First Name": f"Tina{n}",
        "Last Name": f"Teach{n}",
        "Username": f"tina{n}",
        "Educator Type": "Teacher",
        "Organizations": org.name,
    }
    values.update(extra)
    return values


def educators_file(rows, header=None) -> bytes:
    return csv_bytes(rows, header)


def snapshot(district) -> list[tuple]:
    """Everything an import could change about the district's educators and their users."""
    return [
        (
            e.pk,
            e.first_name,
            e.last_name,
            e.username,
            e.email,
            e.educator_type,
            e.external_id,
            e.user_id,
            e.user.username if e.user else None,
            tuple(sorted(e.organizations.values_list("pk", flat=True))),
        )
        for e in Educator.objects.filter(district=district).order_by("pk")
    ] + [tuple(get_user_model().objects.order_by("pk").values_list("pk", "username"))]


def refused(district, content, **kw):
    """Check and commit; both refuse, nothing written. Returns the plan."""
    before = snapshot(district)
    plan = check(district, content, kind="educators", **kw)
    assert plan.errors, "the file should have been refused"
    with pytest.raises(engine.ImportRejected):
        commit(district, content, kind="educators", **kw)
    assert snapshot(district) == before
    return plan


def queries_to_commit(district, content, kind) -> int:
    with CaptureQueriesContext(connection) as queries:
        commit(district, content, kind=kind)
    return len(queries)


@pytest.fixture
def tess(world):
    """Tess, a manual teacher of North Elementary."""
    return factories.EducatorFactory(
        organization=world.school,
        username="tess.t",
        first_name="Tess",
        last_name="Teacher",
        email="tess@example.org",
        external_id="T-1",
    )


# ---- good files ----------------------------------------------------------------------------


def test_good_file_creates_educators_with_portal_users_without_password(world):
    content = educators_file(
        [row(1, world.school), row(2, world.district, **{"Educator Type": "Administrator"})]
    )
    result = commit(world.district, content, kind="educators")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    tina = Educator.objects.get(username="tina1")
    assert tina.origin == Origin.MANUAL
    assert list(tina.organizations.all()) == [world.school]
    assert tina.user.username == "tina1" and not tina.user.has_usable_password()
    admin = Educator.objects.get(username="tina2")
    assert admin.educator_type == Educator.EducatorType.ADMINISTRATOR
    assert list(admin.organizations.all()) == [world.district]
    assert tina.history.get().history_channel == Channel.IMPORT


def test_reupload_changes_nothing(world):
    content = educators_file([row(1, world.school), row(2, world.other_school)])
    commit(world.district, content, kind="educators")
    before = snapshot(world.district)
    plan = check(world.district, content, kind="educators")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 2)
    result = commit(world.district, content, kind="educators")
    assert result.unchanged == 2
    assert snapshot(world.district) == before


def test_changed_row_updates_and_shows_the_differences(world, tess):
    content = educators_file(
        [
            row(
                1,
                world.school,
                Username="tess.t",
                **{
                    "First Name": "Tessa",
                    "Last Name": "Teacher",
                    "Educator Type": "administrator",
                    "Organizations": "North Elementary; South Elementary",
                },
            )
        ]
    )
    plan = check(world.district, content, kind="educators")
    assert plan.updated == 1
    change = plan.changes[0]
    assert change.action == "update"
    assert change.changes == {
        "First Name": ("Tess", "Tessa"),
        "Educator Type": ("Teacher", "Administrator"),
        "Organizations": ("North Elementary", "North Elementary; South Elementary"),
    }
    commit(world.district, content, kind="educators")
    tess.refresh_from_db()
    assert tess.first_name == "Tessa"
    assert tess.educator_type == Educator.EducatorType.ADMINISTRATOR
    assert set(tess.organizations.all()) == {world.school, world.other_school}
    assert tess.user.first_name == "Tessa"  # the portal sign-in follows
    assert tess.external_id == "T-1"  # no External Assigned ID column: kept


def test_updated_educator_without_portal_user_gets_one(world):
    lone = factories.EducatorFactory(organization=world.school, username="lone", user=None)
    content = educators_file([row(1, world.school, Username="lone")])
    commit(world.district, content, kind="educators")
    lone.refresh_from_db()
    assert lone.user.username == "lone" and lone.user.first_name == "Tina1"
    assert not lone.user.has_usable_password()


def test_shared_field_of_synced_educator_may_change(world, tess):
    tess.origin = Origin.SYNCED
    tess.save()
    content = educators_file(
        [
            row(
                1,
                world.school,
                Username="tess.t",
                Email="tess.new@example.org",
                **{"First Name": "Tess", "Last Name": "Teacher"},
            )
        ]
    )
    result = commit(world.district, content, kind="educators")
    assert result.updated == 1
    tess.refresh_from_db()
    assert tess.email == "tess.new@example.org"


def test_queries_do_not_grow_with_the_rows(world, tess):
    def rows(first, count, school):
        return educators_file([row(n, school) for n in range(first, first + count)])

    created = [
        queries_to_commit(world.district, rows(n, c, world.school), "educators")
        for n, c in ((100, 3), (200, 30))
    ]
    updated = [
        queries_to_commit(world.district, rows(n, c, world.other_school), "educators")
        for n, c in ((100, 3), (200, 30))
    ]
    assert created[0] == created[1] and updated[0] == updated[1]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_sample_rows_import_as_they_are(world, fmt):
    name, content, _type = engine.template_file("educators", [], fmt)
    result = engine.commit_file(
        actor=None, district=world.district, kind="educators", file_name=name, content=content
    )
    assert (result.created, result.updated) == (2, 0)


# ---- bad input -----------------------------------------------------------------------------


def test_missing_required_column_is_named(world):
    content = educators_file([row(1, world.school)], header=HEADER[:3] + HEADER[4:])
    plan = refused(world.district, content)
    assert (1, "Educator Type") in where(plan)
    assert "missing" in plan.errors[0].message


def test_unknown_column_is_reported(world):
    content = educators_file([{**row(1, world.school), "Shoe Size": "9"}])
    plan = refused(world.district, content)
    assert where(plan) == [(1, "Shoe Size")]


def test_duplicate_username_in_file(world):
    content = educators_file([row(1, world.school), row(2, world.school, Username="tina1")])
    plan = refused(world.district, content)
    assert where(plan) == [(3, "Username")]
    assert "also in row 2" in plan.errors[0].message


def test_username_taken_in_another_district(world):
    factories.EducatorFactory(organization=world.outsider_school, username="tina1")
    plan = refused(world.district, educators_file([row(1, world.school)]))
    assert where(plan) == [(2, "Username")]
    assert "already taken" in plan.errors[0].message


def test_username_taken_by_support_staff(world, support):
    plan = refused(world.district, educators_file([row(1, world.school, Username="sky")]))
    assert where(plan) == [(2, "Username")]


def test_external_id_of_another_educator_in_the_district(world, tess):
    content = educators_file([row(1, world.school, **{"External Assigned ID": "T-1"})])
    plan = refused(world.district, content)
    assert where(plan) == [(2, "External Assigned ID")]
    assert "tess.t" in plan.errors[0].message


def test_duplicate_external_id_in_file(world):
    content = educators_file(
        [
            row(1, world.school, **{"External Assigned ID": "X"}),
            row(2, world.school, **{"External Assigned ID": "X"}),
        ]
    )
    plan = refused(world.district, content)
    assert where(plan) == [(3, "External Assigned ID")]


def test_unknown_school(world):
    plan = refused(world.district, educators_file([row(1, world.outsider_school)]))
    assert where(plan) == [(2, "Organizations")]
    assert 'no school "Oak Middle"' in plan.errors[0].message


def test_bad_educator_type(world):
    plan = refused(
        world.district, educators_file([row(1, world.school, **{"Educator Type": "Principal"})])
    )
    assert where(plan) == [(2, "Educator Type")]
    assert "Teacher or Administrator" in plan.errors[0].message


def test_empty_required_value(world):
    plan = refused(world.district, educators_file([row(1, world.school, **{"Last Name": ""})]))
    assert where(plan) == [(2, "Last Name")]


def test_locked_field_of_synced_educator(world, tess):
    tess.origin = Origin.SYNCED
    tess.save()
    content = educators_file(
        [row(1, world.school, Username="tess.t", **{"First Name": "Tessa", "Last Name": "Teacher"})]
    )
    plan = refused(world.district, content)
    assert where(plan) == [(2, "First Name")]
    assert "SIS" in plan.errors[0].message and "Tess" in plan.errors[0].message


def test_school_admin_cannot_add_educators_outside_their_schools(world, school_admin):
    plan = refused(world.district, educators_file([row(1, world.other_school)]), actor=school_admin)
    assert where(plan) == [(2, "Organizations")]
    assert "not one of your schools" in plan.errors[0].message


def test_school_admin_cannot_add_district_wide_educators(world, school_admin):
    plan = refused(world.district, educators_file([row(1, world.district)]), actor=school_admin)
    assert where(plan) == [(2, "Organizations")]


def test_school_admin_cannot_change_educator_of_another_school(world, school_admin):
    factories.EducatorFactory(organization=world.other_school, username="sol")
    plan = refused(
        world.district, educators_file([row(1, world.school, Username="sol")]), actor=school_admin
    )
    assert (2, "Username") in where(plan)


def test_teacher_cannot_import_educators(world, teacher):
    plan = refused(world.district, educators_file([row(1, world.school)]), actor=teacher)
    assert where(plan) == [(1, "")]
    assert "does not allow" in plan.errors[0].message


def test_school_admin_imports_teachers_of_their_school(world, school_admin):
    result = commit(
        world.district, educators_file([row(1, world.school)]), kind="educators", actor=school_admin
    )
    assert result.created == 1
    assert Educator.objects.get(username="tina1").history.get().history_user == school_admin


# ---- undo ----------------------------------------------------------------------------------


def test_undo_removes_created_educators_and_their_users_and_restores_updated(world, tess):
    before = snapshot(world.district)
    content = educators_file(
        [
            row(1, world.school),
            row(2, world.school, Username="tess.t", **{"First Name": "Tessa"}),
        ]
    )
    result = commit(world.district, content, kind="educators")
    engine.undo_import(actor=None, district=world.district, result={"applied": result.applied})
    assert snapshot(world.district) == before
    tess.refresh_from_db()
    assert tess.user.first_name == "Tess"
    # The username is free again: the same file imports once more.
    assert commit(world.district, content, kind="educators").created == 1


def test_undo_keeps_an_educator_field_changed_since_and_puts_back_the_rest(world, tess):
    result = commit(
        world.district,
        educators_file(
            [row(1, world.school, Username="tess.t", **{"First Name": "Tessa", "Last Name": "T"})]
        ),
        kind="educators",
    )
    tess.refresh_from_db()
    tess.last_name = "Changed"
    tess.save()
    kept = engine.undo_import(
        actor=None, district=world.district, result={"applied": result.applied}
    )
    tess.refresh_from_db()
    assert (tess.first_name, tess.last_name) == ("Tess", "Changed")
    assert tess.user.first_name == "Tess"  # the portal sign-in follows again
    assert kept == [
        "Educator Tessa Changed (tess.t): Last name changed again since this import, so the "
        "newer value stays."
    ]
