"""An inactive school takes nothing new through an import either: a new student, educator or
class/group there, or the school added to an existing record, is refused with the forms'
words; records already in it update as before."""

from rostering.models import Organization
from tests import factories

from .conftest import check, csv_bytes, student_row, where

CLOSED = "South Elementary is inactive: nothing new can be added there."


def _close(school) -> None:
    Organization.objects.filter(pk=school.pk).update(is_active=False)


def _messages(plan) -> str:
    return " ".join(e.message for e in plan.errors)


def test_a_new_student_in_an_inactive_school_is_refused(world, district_admin):
    _close(world.other_school)
    content = csv_bytes([student_row(1, world.school), student_row(2, world.other_school)])
    plan = check(world.district, content, actor=district_admin)
    assert where(plan) == [(3, "Organizations")]
    assert CLOSED in _messages(plan)


def test_a_student_already_in_an_inactive_school_still_updates(world, district_admin):
    ana = factories.StudentFactory(
        school=world.other_school, username="ana.lopez1", external_id="000001"
    )
    _close(world.other_school)
    content = csv_bytes([student_row(1, world.other_school, **{"First Name": "Anita"})])
    plan = check(world.district, content, actor=district_admin)
    assert plan.errors == []
    assert plan.updated == 1 and plan.changes[0].record_id == ana.pk


def test_adding_an_inactive_school_to_a_student_is_refused(world, district_admin):
    factories.StudentFactory(school=world.school, username="ana.lopez1", external_id="000001")
    _close(world.other_school)
    both = f"{world.school.name}; {world.other_school.name}"
    plan = check(
        world.district,
        csv_bytes([student_row(1, world.school, Organizations=both)]),
        actor=district_admin,
    )
    assert CLOSED in _messages(plan)


def test_a_new_class_in_an_inactive_school_is_refused(world, district_admin, products):
    _close(world.other_school)
    content = csv_bytes(
        [
            {
                "Class/Group Name": "Art",
                "Organization": world.other_school.name,
                "Product": "Reading Stars",
            }
        ]
    )
    plan = check(world.district, content, actor=district_admin, kind="classes")
    assert where(plan) == [(2, "Organization")] and CLOSED in _messages(plan)


def test_a_new_educator_in_an_inactive_school_is_refused(world, district_admin):
    _close(world.other_school)
    content = csv_bytes(
        [
            {
                "First Name": "Eli",
                "Last Name": "New",
                "Username": "eli.new",
                "Educator Type": "Teacher",
                "Organizations": world.other_school.name,
            }
        ]
    )
    plan = check(world.district, content, actor=district_admin, kind="educators")
    assert where(plan) == [(2, "Organizations")] and CLOSED in _messages(plan)
