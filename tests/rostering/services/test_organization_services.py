"""organization_update and organization_create: the rules every channel shares."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rostering import services
from rostering.history import Channel
from rostering.models import Organization
from rostering.ownership import LOCKED_MESSAGE, FieldState, field_state
from tests import factories


@pytest.fixture
def synced_school(world):
    return factories.SchoolFactory(
        district=world.district, name="Synced High", origin="synced", external_id="SH-1"
    )


def test_a_synced_organizations_name_is_locked_for_every_channel_but_the_sync(
    world, district_admin, synced_school
):
    assert field_state(synced_school, "name") is FieldState.LOCKED
    for channel in (Channel.FORM, Channel.IMPORT, Channel.ADMIN):
        with pytest.raises(ValidationError) as error:
            services.organization_update(
                actor=district_admin, organization=synced_school, channel=channel, name="X"
            )
        assert error.value.message_dict == {"name": [LOCKED_MESSAGE]}
    synced_school.refresh_from_db()
    assert synced_school.name == "Synced High"
    services.organization_update(
        actor=None, organization=synced_school, channel=Channel.SYNC, name="Synced High School"
    )
    synced_school.refresh_from_db()
    assert synced_school.name == "Synced High School"


def test_a_synced_school_keeps_its_local_settings_editable(world, district_admin, synced_school):
    assert field_state(synced_school, "sso_enabled") is FieldState.LOCAL


def test_school_admin_cannot_change_the_rostering_method(world, school_admin):
    with pytest.raises(PermissionDenied):
        services.organization_update(
            actor=school_admin, organization=world.district, rostering_method="automated"
        )
    world.district.refresh_from_db()
    assert world.district.rostering_method == "self_managed"


def test_the_rostering_method_belongs_to_the_district_not_a_school(world, district_admin):
    with pytest.raises(ValidationError) as error:
        services.organization_update(
            actor=district_admin, organization=world.school, rostering_method="automated"
        )
    assert "whole district" in error.value.message_dict["rostering_method"][0]


def test_school_admin_cannot_place_their_school_under_one_they_do_not_administer(
    world, school_admin
):
    with pytest.raises(ValidationError) as error:
        services.organization_update(
            actor=school_admin, organization=world.school, parent=world.other_school
        )
    assert "South Elementary" in error.value.message_dict["parent"][0]
    world.school.refresh_from_db()
    assert world.school.parent == world.district


def test_single_sign_on_needs_automated_rostering(world, district_admin):
    with pytest.raises(ValidationError) as error:
        services.organization_update(
            actor=district_admin, organization=world.district, sso_enabled=True
        )
    assert "sso_enabled" in error.value.message_dict
    services.organization_update(
        actor=district_admin,
        organization=world.district,
        rostering_method="automated",
        sso_enabled=True,
    )
    world.district.refresh_from_db()
    assert (world.district.rostering_method, world.district.sso_enabled) == ("automated", True)


def test_a_new_school_sits_in_the_district_unless_told_otherwise(world, district_admin):
    school = services.organization_create(
        actor=district_admin, district=world.district, name="  West Middle "
    )
    assert (school.name, school.parent, school.org_type) == (
        "West Middle",
        world.district,
        Organization.OrgType.SCHOOL,
    )


def test_school_admin_cannot_add_a_school(world, school_admin):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=school_admin, district=world.district, name="Rogue")
    assert not Organization.objects.filter(name="Rogue").exists()


@pytest.mark.parametrize("who", ["teacher", "outsider"])
def test_an_organization_is_renamed_only_by_someone_who_may_change_it(request, world, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=actor, organization=world.school, name="Renamed")
    world.school.refresh_from_db()
    assert world.school.name == "North Elementary"


def test_an_organization_update_checks_what_the_last_writer_left(world, district_admin):
    """The form's copy is stale (the sync took the school over meanwhile): the update re-reads
    it under the lock and refuses the now locked name instead of writing over the SIS's."""
    stale = Organization.objects.get(pk=world.school.pk)
    Organization.objects.filter(pk=world.school.pk).update(origin="synced")
    with pytest.raises(ValidationError) as error:
        services.organization_update(actor=district_admin, organization=stale, name="Mine")
    assert error.value.message_dict == {"name": [LOCKED_MESSAGE]}


def test_another_districts_admin_cannot_deactivate_a_school(world, outsider):
    with pytest.raises(PermissionDenied):
        services.organization_set_active(actor=outsider, organization=world.school, active=False)
    world.school.refresh_from_db()
    assert world.school.is_active
