"""A district's sync settings and rules, edited by support staff in the admin, go through the
Sync pages' services: the same checks, shown on the form, and nothing half-saved."""

import json

from django.urls import reverse

from rostering.models import SyncConfiguration
from rostering.sync.models import ProductRule, SettingRule, SyncSource
from tests import factories

from .conftest import admin_url, change_form_data


def _add(client, model, values):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    return client.post(url, {**change_form_data(client.get(url)), **values})


def test_a_product_rule_is_added_once_and_a_duplicate_is_refused(support_client, world):
    product = factories.ProductFactory()
    rule = {
        "district": world.district.pk,
        "match_field": "subject",
        "pattern": "MATH*",
        "product": product.pk,
    }
    assert _add(support_client, ProductRule, rule).status_code == 302

    response = _add(support_client, ProductRule, {**rule, "pattern": " math* "})

    assert response.status_code == 200
    assert "This rule exists already." in response.content.decode()
    assert ProductRule.objects.get().pattern == "MATH*"


def test_a_setting_rule_mapping_to_a_value_the_setting_refuses_is_not_saved(
    support_client, world
):
    setting = factories.ProductSettingFactory()  # English or Spanish

    response = _add(
        support_client,
        SettingRule,
        {
            "district": world.district.pk,
            "column": "metadata.language",
            "setting": setting.pk,
            "value_map": json.dumps({"fr": "French"}),
        },
    )

    assert response.status_code == 200
    assert "fr = French" in response.content.decode()
    assert not SettingRule.objects.exists()


def test_changing_a_rule_replaces_it_and_deleting_removes_it(support_client, world):
    product = factories.ProductFactory()
    rule = ProductRule.objects.create(
        district=world.district, match_field="subject", pattern="MATH*", product=product
    )
    url = admin_url(rule)

    data = change_form_data(support_client.get(url))
    response = support_client.post(url, {**data, "pattern": "SCI*"})

    assert response.status_code == 302
    assert list(ProductRule.objects.values_list("pattern", flat=True)) == ["SCI*"]
    rule = ProductRule.objects.get()
    delete = reverse("admin:sync_productrule_delete", args=[rule.pk])
    assert support_client.post(delete, {"post": "yes"}).status_code == 302
    assert not ProductRule.objects.exists()


def test_shared_fields_the_sis_cannot_send_are_refused(support_client, world):
    config = SyncConfiguration.objects.get(district=world.district)
    before = config.shared_fields
    url = admin_url(config)
    data = change_form_data(support_client.get(url))

    response = support_client.post(
        url, {**data, "shared_fields": json.dumps({"student": ["first_name"]})}
    )

    assert response.status_code == 200
    assert "These fields cannot be sent by the SIS" in response.content.decode()
    config.refresh_from_db()
    assert config.shared_fields == before

    response = support_client.post(
        url, {**data, "shared_fields": json.dumps({"student": ["email"]})}
    )

    assert response.status_code == 302
    config.refresh_from_db()
    assert config.shared_fields == {"student": ["email"]}


def test_a_sync_source_schedule_is_saved_through_the_service(support_client, world):
    source = SyncSource.objects.create(district=world.district)
    url = admin_url(source)
    data = change_form_data(support_client.get(url))

    assert support_client.post(url, {**data, "schedule": "daily"}).status_code == 302
    source.refresh_from_db()
    assert source.schedule == "daily"
