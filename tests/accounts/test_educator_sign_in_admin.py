"""In the admin, an educator's portal sign-in follows the educator: its name, username, email
and status change on the educator's page (through the services and the engine, with history),
and it is never deleted from under the educator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering.models import Educator
from tests import factories
from tests.admin.conftest import change_form_data


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    return client


def _change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _form_data(client, user) -> dict:
    """The user's change page posted as it is (its date_joined split in two inputs)."""
    data = change_form_data(client.get(_change_url(user)))
    joined = data.pop("date_joined")
    data["date_joined_0"], data["date_joined_1"] = joined[:10], joined[11:19]
    return data


def test_an_educators_sign_in_keeps_the_educators_username_and_names(superuser_client):
    educator = factories.EducatorFactory(username="ms.reed", first_name="Ada")
    url = _change_url(educator.user)
    data = _form_data(superuser_client, educator.user)
    data.update(username="someone.else", first_name="Eve", email="eve@example.org")
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    educator.user.refresh_from_db()
    assert (educator.user.username, educator.user.first_name) == ("ms.reed", "Ada")


def test_an_educators_sign_in_cannot_be_deleted(superuser_client):
    educator = factories.EducatorFactory()
    url = reverse("admin:accounts_user_delete", args=[educator.user.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert Educator.objects.get(pk=educator.pk).user_id == educator.user.pk


def test_a_sign_in_of_no_educator_is_changed_and_deleted_as_before(superuser_client):
    user = factories.UserFactory(username="helper")
    url = _change_url(user)
    data = _form_data(superuser_client, user)
    data["first_name"] = "Hal"
    assert superuser_client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Hal"
    delete = reverse("admin:accounts_user_delete", args=[user.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
