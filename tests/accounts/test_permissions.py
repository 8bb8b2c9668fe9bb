"""The permission chokepoint for every role and record type: 404 when a record is outside the
user's organizations, 403 when visible but not changeable, the record when changeable."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import permissions
from accounts.permissions import Feature
from rostering.models import ClassGroup, Educator, Organization, Student
from tests import factories

OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404


def outcome(user, record):
    try:
        permissions.get_changeable_or_403(user, type(record), pk=record.pk)
    except Http404:
        return NOT_FOUND
    except PermissionDenied:
        return FORBIDDEN
    return OK


@pytest.fixture
def records(world):
    colleague = factories.EducatorFactory(organization=world.school, username="colleague")
    return {
        "own_student": factories.StudentFactory(school=world.school),
        "other_school_student": factories.StudentFactory(school=world.other_school),
        "outsider_student": factories.StudentFactory(school=world.outsider_school),
        "own_class": factories.ClassGroupFactory(school=world.school),
        "other_school_class": factories.ClassGroupFactory(school=world.other_school),
        "outsider_class": factories.ClassGroupFactory(school=world.outsider_school),
        "colleague": colleague,
        "other_school_educator": factories.EducatorFactory(organization=world.other_school),
        "district_educator": factories.EducatorFactory(
            organization=world.district, educator_type=Educator.EducatorType.ADMINISTRATOR
        ),
        "outsider_educator": factories.EducatorFactory(organization=world.outsider_school),
        "own_school": world.school,
        "other_school": world.other_school,
        "district": world.district,
        "outsider_school": world.outsider_school,
    }


EXPECTED = {
    #                        teacher     school_admin  district_admin outsider   support
    "own_student": (OK, OK, OK, NOT_FOUND, OK),
    "other_school_student": (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "outsider_student": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK),
    "own_class": (OK, OK, OK, NOT_FOUND, OK),
    "other_school_class": (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "outsider_class": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK),
    "colleague": (FORBIDDEN, OK, OK, NOT_FOUND, OK),
    "other_school_educator": (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "district_educator": (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "outsider_educator": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK),
    "own_school": (FORBIDDEN, OK, OK, NOT_FOUND, OK),
    "other_school": (NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK),
    "district": (FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK),
    "outsider_school": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK),
}
ROLES = ("teacher", "school_admin", "district_admin", "outsider", "support")


@pytest.mark.parametrize("record_name", EXPECTED)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_and_changes_what_it_should(people, records, role, record_name):
    expected = EXPECTED[record_name][ROLES.index(role)]
    assert outcome(people[role], records[record_name]) == expected


def test_querysets_never_leak_another_district(people, records):
    outsider = people["outsider"]
    assert set(permissions.students_for(outsider)) == {records["outsider_student"]}
    assert set(permissions.class_groups_for(outsider)) == {records["outsider_class"]}
    assert records["own_student"] not in permissions.students_for(outsider)


def test_teacher_sees_only_students_of_their_schools(people, records, world):
    shared = factories.StudentFactory(school=world.other_school)
    shared.schools.add(world.school)  # enrolled in both schools
    visible = set(permissions.students_for(people["teacher"]))
    assert visible == {records["own_student"], shared}


def test_inactive_educator_loses_all_access(people, records, world):
    educator = Educator.objects.get(user=people["teacher"])
    educator.is_active = False
    educator.save()
    user = type(people["teacher"]).objects.get(pk=people["teacher"].pk)
    assert outcome(user, records["own_student"]) == NOT_FOUND


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("teacher", {Feature.IMPORT_STUDENTS, Feature.IMPORT_CLASSES}),
        ("outsider", set(Feature) - {Feature.USE_ADMIN}),
        ("support", set(Feature)),
    ],
)
def test_features_by_role(people, role, allowed):
    assert {f for f in Feature if permissions.has_feature(people[role], f)} == allowed


def test_teacher_cannot_view_the_educators_area_but_school_admin_can(people):
    assert not permissions.has_feature(people["teacher"], Feature.VIEW_EDUCATORS)
    assert permissions.has_feature(people["school_admin"], Feature.VIEW_EDUCATORS)
    assert not permissions.has_feature(people["school_admin"], Feature.MANAGE_SYNC)


def test_anonymous_sees_nothing(db, records):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for model in (Student, ClassGroup, Educator, Organization):
        assert not permissions.visible_queryset(anonymous, model).exists()
