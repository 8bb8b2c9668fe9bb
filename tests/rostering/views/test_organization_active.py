"""Deactivating a school on Management > Organization: it leaves the pickers and takes no new
work, its records stay, reactivating brings it back; teachers, another district's
administrator and a synced school's status by hand are refused."""

import pytest
from django.urls import reverse

from rostering.models import ClassGroup, Organization, Student
from tests import factories


def set_active(client, org, active: bool):
    url = reverse("rostering:organization_set_active", args=[org.pk])
    return client.post(url, {"active": "1" if active else "0"}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def refresh(org) -> Organization:
    return Organization.objects.get(pk=org.pk)


def test_deactivated_school_leaves_the_pickers_and_its_records_stay(client, world, district_admin):
    student = factories.StudentFactory(school=world.other_school, first_name="Ada")
    group = factories.ClassGroupFactory(school=world.other_school, name="Room 5")
    client.force_login(district_admin)

    response = set_active(client, world.other_school, False)

    assert not refresh(world.other_school).is_active
    assert "South Elementary is inactive" in " ".join(messages_of(response))
    assert 'data-testid="inactive-badge"' in response.content.decode()
    add_student = client.get(reverse("rostering:student_add"))
    offered = [s.name for s in add_student.context["form"].fields["schools"].queryset]
    assert offered == ["North Elementary"]
    add_class = client.get(reverse("rostering:class_add"))
    assert "South Elementary" not in [
        s.name for s in add_class.context["form"].fields["school"].queryset
    ]
    # Its student and class/group are still there, listed and filterable.
    listed = client.get(reverse("rostering:student_list"), {"school": world.other_school.pk})
    assert "Ada" in listed.content.decode()
    assert Student.objects.get(pk=student.pk).is_active
    assert ClassGroup.objects.filter(pk=group.pk, school=world.other_school).exists()


def test_a_student_posted_by_hand_into_an_inactive_school_is_refused(client, world, district_admin):
    client.force_login(district_admin)
    set_active(client, world.other_school, False)
    response = client.post(
        reverse("rostering:student_add"),
        {
            "first_name": "Zed",
            "last_name": "Hand",
            "username": "zed.hand",
            "schools": [world.other_school.pk],
            "grade": "03",
        },
    )
    assert response.status_code == 200
    assert not Student.objects.filter(username="zed.hand").exists()


def test_service_refuses_new_class_in_an_inactive_school(world, district_admin):
    from django.core.exceptions import ValidationError

    from rostering import services

    services.organization_set_active(
        actor=district_admin, organization=world.other_school, active=False
    )
    with pytest.raises(ValidationError, match="South Elementary is inactive"):
        services.class_group_create(
            actor=district_admin,
            district=world.district,
            school=refresh(world.other_school),
            name="Art club",
        )
    assert not ClassGroup.objects.filter(name="Art club").exists()


def test_reactivating_puts_the_school_back_in_the_pickers(client, world, district_admin):
    client.force_login(district_admin)
    set_active(client, world.other_school, False)
    response = set_active(client, world.other_school, True)
    assert refresh(world.other_school).is_active
    assert "active again" in " ".join(messages_of(response))
    add_student = client.get(reverse("rostering:student_add"))
    assert "South Elementary" in [
        s.name for s in add_student.context["form"].fields["schools"].queryset
    ]


def test_teacher_cannot_deactivate_their_school(client, world, teacher):
    client.force_login(teacher)
    url = reverse("rostering:organization_set_active", args=[world.school.pk])
    response = client.post(url, {"active": "0"})
    assert response.status_code == 403
    assert refresh(world.school).is_active


def test_school_admin_cannot_deactivate_another_school_of_the_district(client, world, school_admin):
    client.force_login(school_admin)
    url = reverse("rostering:organization_set_active", args=[world.other_school.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    assert refresh(world.other_school).is_active


def test_another_districts_admin_cannot_deactivate_a_school(client, world, outsider):
    client.force_login(outsider)
    url = reverse("rostering:organization_set_active", args=[world.school.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    assert refresh(world.school).is_active


def test_a_synced_schools_status_is_the_sis_s(client, world, district_admin):
    Organization.objects.filter(pk=world.other_school.pk).update(origin="synced")
    client.force_login(district_admin)
    response = set_active(client, world.other_school, False)
    assert refresh(world.other_school).is_active
    assert "synced from your SIS" in " ".join(messages_of(response))


def test_a_district_cannot_be_deactivated(client, world, district_admin):
    client.force_login(district_admin)
    response = set_active(client, world.district, False)
    assert refresh(world.district).is_active
    assert "A district cannot be deactivated" in " ".join(messages_of(response))
