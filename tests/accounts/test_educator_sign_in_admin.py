"""In the admin, a roster educator's portal sign-in follows the educator: its username, names,
email and status are read-only on the user's page, which points to the educator's page where
they change (through the services and the engine, with history); the sign-in is never
deleted from under the educator. Other users (staff, support) are edited as before."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rostering.models import Educator
from tests import factories
from tests.admin.conftest import admin_url, change_form_data


def _form_data(client, user) -> dict:
    """The user's change page posted as it is (its sign-in dates are shown, not posted)."""
    data = change_form_data(client.get(admin_url(user)))
    assert "date_joined" not in data and "last_login" not in data
    return data


@pytest.fixture
def reed():
    return factories.EducatorFactory(
        username="ms.reed", first_name="Ada", last_name="Reed", email="ada@example.org"
    )


def test_the_sign_in_page_shows_the_followed_fields_read_only_and_links_the_educator(
    admin_client, reed
):
    response = admin_client.get(admin_url(reed.user))

    form = response.context["adminform"].form
    for name in ("username", "first_name", "last_name", "email", "is_active"):
        assert name not in form.fields
    assert "is_staff" in form.fields and "groups" in form.fields  # still the superuser's
    page = response.content.decode()
    assert f'href="{admin_url(reed)}"' in page
    assert "Change them on the educator's page" in page
    assert ">Delete<" not in page


def test_a_rename_posted_by_hand_to_the_sign_in_page_changes_nothing(admin_client, reed):
    user = reed.user
    before = (user.username, user.first_name, user.last_name, user.email, user.is_active)
    data = _form_data(admin_client, user)
    data.update(
        username="someone.else",
        first_name="Eve",
        last_name="Evil",
        email="eve@example.org",
        is_staff="on",
    )
    data.pop("is_active", None)  # an unticked box is not posted: "deactivate" by hand

    response = admin_client.post(admin_url(reed.user), data)

    assert response.status_code == 302
    user.refresh_from_db()
    reed.refresh_from_db()
    assert (user.username, user.first_name, user.last_name, user.email, user.is_active) == before
    assert user.is_staff  # what is not the educator's is saved as before
    assert (reed.username, reed.first_name) == ("ms.reed", "Ada")


def test_an_educators_sign_in_cannot_be_deleted(admin_client, reed):
    url = reverse("admin:accounts_user_delete", args=[reed.user.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Educator.objects.get(pk=reed.pk).user_id == reed.user.pk


def test_a_bulk_delete_holding_an_educators_sign_in_deletes_nothing(admin_client, reed):
    helper = factories.UserFactory(username="helper")
    url = reverse("admin:accounts_user_changelist")
    selection = {"action": "delete_selected", "_selected_action": [helper.pk, reed.user.pk]}

    response = admin_client.post(url, {**selection, "post": "yes"})

    assert response.status_code == 200
    assert "ms.reed: the sign-in of educator" in response.content.decode()
    assert get_user_model().objects.filter(pk__in=[helper.pk, reed.user.pk]).count() == 2


def test_a_user_who_is_no_educator_is_changed_and_deleted_as_before(admin_client):
    user = factories.UserFactory(username="helper")
    data = _form_data(admin_client, user)
    data.update(first_name="Hal", username="helper2")

    assert admin_client.post(admin_url(user), data).status_code == 302
    user.refresh_from_db()
    assert (user.username, user.first_name) == ("helper2", "Hal")
    url = reverse("admin:accounts_user_changelist")
    selection = {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"}
    assert admin_client.post(url, selection).status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
