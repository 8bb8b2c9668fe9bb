"""Support staff delete an empty school in the admin; one that holds anything is refused with
what it holds, and nobody else may delete."""

from rostering.models import Organization
from tests import factories

from .conftest import admin_url


def delete_url(org) -> str:
    from django.urls import reverse

    return reverse("admin:rostering_organization_delete", args=[org.pk])


def test_support_deletes_an_empty_school(client, world, support):
    empty = factories.SchoolFactory(district=world.district, name="Made By Mistake")
    client.force_login(support)
    assert client.get(delete_url(empty)).status_code == 200
    response = client.post(delete_url(empty), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Organization.objects.filter(pk=empty.pk).exists()
    # The deletion is in the school's history, with who did it.
    gone = Organization.history.filter(id=empty.pk, history_type="-").get()
    assert gone.history_user == support


def test_support_cannot_delete_a_school_that_holds_students_or_classes(client, world, support):
    factories.StudentFactory(school=world.school)
    factories.ClassGroupFactory(school=world.school)
    client.force_login(support)
    for response in (
        client.get(delete_url(world.school), follow=True),
        client.post(delete_url(world.school), {"post": "yes"}, follow=True),
    ):
        text = " ".join(str(m) for m in response.context["messages"])
        assert "North Elementary cannot be deleted: it holds 1 student" in text
        assert "1 class/group" in text
        assert response.redirect_chain[-1][0] == admin_url(world.school)
    assert Organization.objects.filter(pk=world.school.pk).exists()


def test_a_school_with_an_educator_is_not_deleted(client, world, support, teacher):
    client.force_login(support)
    response = client.post(delete_url(world.school), {"post": "yes"}, follow=True)
    assert "1 educator" in " ".join(str(m) for m in response.context["messages"])
    assert Organization.objects.filter(pk=world.school.pk).exists()


def test_the_bulk_delete_action_is_not_offered(client, world, support):
    client.force_login(support)
    response = client.get(admin_url(Organization, "changelist"))
    assert "delete_selected" not in response.content.decode()


def test_service_refuses_delete_by_a_district_admin(world, district_admin):
    import pytest
    from django.core.exceptions import PermissionDenied

    from rostering import services

    empty = factories.SchoolFactory(district=world.district, name="Empty")
    with pytest.raises(PermissionDenied):
        services.organization_delete(actor=district_admin, organization=empty)
    assert Organization.objects.filter(pk=empty.pk).exists()
