"""A signed-in user's role and scope (accounts.roles.scope_for): read in one query per request,
and the same organizations as ever, deeper trees and district-wide grants included."""

import pytest

from accounts import permissions
from accounts.models import User
from accounts.roles import Role, scope_for
from rostering.models import Educator, Organization
from tests import factories


def _fresh(user) -> User:
    """The user as the next request loads it (no scope cached on it yet)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("who", ["teacher", "school_admin", "district_admin"])
def test_the_scope_of_each_role_is_read_in_one_query(request, who, django_assert_num_queries):
    user = _fresh(request.getfixturevalue(who))
    with django_assert_num_queries(1):
        scope = scope_for(user)
    assert (
        scope.role
        is {
            "teacher": Role.TEACHER,
            "school_admin": Role.SCHOOL_ADMIN,
            "district_admin": Role.DISTRICT_ADMIN,
        }[who]
    )


def test_a_teacher_sees_the_students_of_organizations_below_their_school(world, teacher):
    department = factories.SchoolFactory(
        district=world.district,
        parent=world.school,
        name="North Annex",
        org_type=Organization.OrgType.DEPARTMENT,
    )
    wing = factories.SchoolFactory(
        district=world.district,
        parent=department,
        name="Annex Wing",
        org_type=Organization.OrgType.DEPARTMENT,
    )
    deep = factories.StudentFactory(school=wing, first_name="Dee")
    south = factories.StudentFactory(school=world.other_school, first_name="Sol")

    scope = scope_for(_fresh(teacher))
    assert scope.school_ids == {world.school.pk, department.pk, wing.pk}
    seen = set(permissions.students_for(_fresh(teacher)).values_list("pk", flat=True))
    assert deep.pk in seen and south.pk not in seen


def test_a_teacher_attached_to_the_district_acts_in_every_school_but_changes_none(world):
    user = factories.EducatorFactory(organization=world.district, username="dt").user
    scope = scope_for(_fresh(user))
    assert scope.role is Role.TEACHER
    assert scope.school_ids == set(
        Organization.objects.filter(district=world.district).values_list("pk", flat=True)
    )
    assert scope.roster_version == Organization.objects.get(pk=world.district.pk).roster_version
    assert not permissions.can_change(_fresh(user), world.school)
    student = factories.StudentFactory(school=world.other_school)
    assert permissions.can_change(_fresh(user), student)


def test_an_educator_without_organizations_sees_no_student(world):
    factories.StudentFactory(school=world.school)
    educator = factories.EducatorFactory(organization=world.school, username="loose")
    educator.organizations.clear()
    user = _fresh(educator.user)
    assert scope_for(user).school_ids == frozenset()
    assert not permissions.students_for(user).exists()


def test_an_inactive_educator_has_no_scope(world, teacher):
    Educator.objects.filter(user=teacher).update(is_active=False)
    assert scope_for(_fresh(teacher)).role is Role.NONE
