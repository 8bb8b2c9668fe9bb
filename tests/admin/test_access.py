"""Only support staff (the Support staff group) and superusers reach the admin."""

import pytest
from django.urls import reverse

from accounts.models import SUPPORT_GROUP
from rostering.demo import DEMO_PASSWORD
from rostering.models import Student
from tests import factories

from .conftest import admin_url


@pytest.mark.parametrize("who", ["teacher", "school_admin", "district_admin", "outsider"])
def test_portal_roles_are_refused_the_admin(client, people, world, who):
    student = factories.StudentFactory(school=world.school)
    client.force_login(people[who])
    for url in (reverse("admin:index"), admin_url(student), admin_url(Student, "changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))


def test_a_district_administrator_made_staff_by_mistake_is_still_refused(client, district_admin):
    district_admin.is_staff = True
    district_admin.save()
    client.force_login(district_admin)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_district_administrator_cannot_post_to_the_admin(client, world, district_admin):
    student = factories.StudentFactory(school=world.school, first_name="Ana")
    client.force_login(district_admin)
    client.post(admin_url(student), {"first_name": "Hacked"})
    student.refresh_from_db()
    assert student.first_name == "Ana"


def test_demo_support_reaches_the_admin_through_the_group_not_superuser(demo, demo_support, client):
    assert not demo_support.is_superuser
    assert demo_support.groups.filter(name=SUPPORT_GROUP).exists()
    assert client.login(username="demo-support", password=DEMO_PASSWORD)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Students" in page and "Assisted submissions" in page and "Sync runs" in page


def test_staff_outside_the_support_group_is_refused(client, db):
    user = factories.UserFactory(username="intern", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_superuser_reaches_the_admin(client, db):
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200


def test_support_group_has_change_but_no_delete_on_students(support):
    assert support.has_perm("rostering.change_student")
    assert support.has_perm("rostering.view_student")
    assert not support.has_perm("rostering.delete_student")
    assert support.has_perm("imports.change_assistedsubmission")
    assert support.has_perm("sync.view_syncrun")


def test_make_support_staff_restores_a_removed_group_with_its_permissions(db):
    from django.contrib.auth.models import Group

    from accounts.services import make_support_staff

    Group.objects.filter(name=SUPPORT_GROUP).delete()
    user = make_support_staff(factories.UserFactory(username="newhire"))
    user = type(user).objects.get(pk=user.pk)  # no cached permissions
    assert user.has_perm("rostering.change_student") and not user.is_superuser
