import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError

from rostering import services
from rostering.models import Educator, Origin
from tests import factories


def test_district_admin_adds_an_educator_who_can_sign_in(world, district_admin):
    educator = services.educator_create(
        actor=district_admin,
        district=world.district,
        first_name="Lee",
        last_name="Chan",
        username="lee.chan",
        organizations=[world.school],
        password="a-long-portal-password",
    )
    assert educator.user is not None
    assert authenticate(username="lee.chan", password="a-long-portal-password") == educator.user


def test_school_admin_cannot_add_a_district_wide_administrator(world, school_admin):
    with pytest.raises(PermissionDenied):
        services.educator_create(
            actor=school_admin,
            district=world.district,
            first_name="Big",
            last_name="Boss",
            username="boss",
            organizations=[world.district],
            educator_type=Educator.EducatorType.ADMINISTRATOR,
        )
    assert not Educator.objects.filter(username="boss").exists()


def test_synced_educator_type_is_locked(world, district_admin):
    educator = factories.EducatorFactory(organization=world.school, origin=Origin.SYNCED)
    with pytest.raises(ValidationError) as exc:
        services.educator_update(
            actor=district_admin, educator=educator, educator_type="administrator"
        )
    assert "educator_type" in exc.value.message_dict


def test_deactivating_an_educator_blocks_portal_sign_in(world, district_admin):
    educator = factories.EducatorFactory(organization=world.school)
    services.educator_set_active(actor=district_admin, educator=educator, active=False)
    educator.user.refresh_from_db()
    assert educator.user.is_active is False


def test_educator_username_taken_by_a_portal_user_is_refused(world, district_admin):
    factories.UserFactory(username="taken")
    with pytest.raises(ValidationError):
        services.educator_create(
            actor=district_admin,
            district=world.district,
            first_name="A",
            last_name="B",
            username="taken",
            organizations=[world.school],
        )
    assert not Educator.objects.filter(username="taken").exists()
