"""Issue 11: a portal sign-in's username is what the roster engine accepts from a SIS ("Mary
Archer"), so such a user can be saved in the admin (users are a superuser's there: support
staff only view them) and signs in; a tab or line break is still refused."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.admin.conftest import admin_url, change_form_data

PASSWORD = "a long sign-in phrase 42"


def test_the_admin_adds_a_portal_user_named_as_the_sis_names_them(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "Mary Archer",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="Mary Archer")
    assert user.check_password(PASSWORD)


def test_the_admin_saves_a_teacher_renamed_with_a_space(admin_client, teacher):
    """On the educator's page (the sign-in's own page shows its username read-only), through
    the services: the sign-in follows, trimmed and cleaned as a SIS username is."""
    educator = teacher.educator
    data = change_form_data(admin_client.get(admin_url(educator)))
    data["username"] = " Tess\u200b Teacher\u00a0"

    response = admin_client.post(admin_url(educator), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    educator.refresh_from_db()
    teacher.refresh_from_db()
    assert educator.username == teacher.username == "Tess Teacher"
    assert educator.history.first().history_channel == "admin"


def test_the_admin_refuses_a_username_with_a_tab(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "Mary\tArcher",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["username"]
    assert "tab, line break or control character" in errors[0]
    assert not get_user_model().objects.filter(username__startswith="Mary").exists()


def test_a_portal_user_with_a_spaced_username_signs_in(client, db):
    user = get_user_model().objects.create_user("Mary Archer", password=PASSWORD)

    response = client.post(
        reverse("accounts:login"), {"username": "Mary Archer", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
