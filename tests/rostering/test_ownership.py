import pytest

from rostering.models import Origin
from rostering.ownership import FieldState, field_state, field_states, locked_fields
from tests import factories


@pytest.fixture
def synced_student(world):
    world.district.sync_configuration.shared_fields = {"student": ["grade"]}
    world.district.sync_configuration.save()
    return factories.StudentFactory(school=world.school, origin=Origin.SYNCED)


@pytest.mark.parametrize(
    ("field", "state"),
    [
        ("first_name", FieldState.LOCKED),
        ("last_name", FieldState.LOCKED),
        ("username", FieldState.LOCKED),
        ("external_id", FieldState.LOCKED),
        ("schools", FieldState.LOCKED),
        ("grade", FieldState.SHARED),  # the district chose to send it
        ("email", FieldState.LOCAL),  # shareable, but this district does not send it
        ("middle_name", FieldState.LOCAL),
    ],
)
def test_synced_student_field_states(synced_student, field, state):
    assert field_state(synced_student, field) is state


def test_every_field_of_a_manual_student_is_local(world):
    student = factories.StudentFactory(school=world.school)
    states = field_states(student, ["first_name", "username", "grade", "schools"])
    assert set(states.values()) == {FieldState.LOCAL}
    assert locked_fields(student) == frozenset()


@pytest.mark.parametrize(
    ("field", "state"),
    [
        ("first_name", FieldState.LOCKED),
        ("username", FieldState.LOCKED),
        ("educator_type", FieldState.LOCKED),
        ("organizations", FieldState.LOCKED),
        ("email", FieldState.SHARED),
        ("alt_external_id", FieldState.LOCAL),
    ],
)
def test_synced_educator_field_states(world, field, state):
    world.district.sync_configuration.shared_fields = {"educator": ["email"]}
    world.district.sync_configuration.save()
    educator = factories.EducatorFactory(organization=world.school, origin=Origin.SYNCED)
    assert field_state(educator, field) is state


@pytest.mark.parametrize("field", ["name", "school", "external_id", "students", "educators"])
def test_every_details_field_and_roster_of_a_synced_class_is_locked(world, field):
    class_group = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    assert field_state(class_group, field) is FieldState.LOCKED


def test_a_field_the_district_lists_but_that_is_not_shareable_stays_locked(world):
    world.district.sync_configuration.shared_fields = {"student": ["first_name"]}
    world.district.sync_configuration.save()
    student = factories.StudentFactory(school=world.school, origin=Origin.SYNCED)
    assert field_state(student, "first_name") is FieldState.LOCKED
