"""A product setting that students have values for is never deleted from the admin: the
delete would take the values with it, past the engine and the students' history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering.models import ProductSetting, StudentProductSetting
from tests import factories
from tests.admin.conftest import admin_url, change_form_data


def _delete_url(setting) -> str:
    return reverse("admin:rostering_productsetting_delete", args=[setting.pk])


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    return client


def test_a_setting_students_have_values_for_cannot_be_deleted(superuser_client):
    value = factories.StudentProductSettingFactory()
    response = superuser_client.post(_delete_url(value.setting), {"post": "yes"})
    assert response.status_code == 403
    assert StudentProductSetting.objects.filter(pk=value.pk).exists()


def test_the_product_page_does_not_delete_its_settings(superuser_client):
    value = factories.StudentProductSettingFactory()
    url = admin_url(value.setting.product)
    data = change_form_data(superuser_client.get(url))
    data["settings-0-DELETE"] = "on"
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    assert ProductSetting.objects.filter(pk=value.setting.pk).exists()
    assert StudentProductSetting.objects.filter(pk=value.pk).exists()


def test_a_setting_nobody_uses_can_be_deleted(superuser_client):
    setting = factories.ProductSettingFactory()
    response = superuser_client.post(_delete_url(setting), {"post": "yes"})
    assert response.status_code == 302
    assert not ProductSetting.objects.filter(pk=setting.pk).exists()
