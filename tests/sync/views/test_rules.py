"""The rules page: products of classes from course codes / subjects / class codes, and
students' product settings from extension columns."""

from __future__ import annotations

from django.urls import reverse

from rostering.models import ClassProduct
from rostering.sync.engine import run_sync
from rostering.sync.models import ProductRule, SettingRule, SyncRun
from tests import factories


def _add_product_rule(client, user, **values):
    client.force_login(user)
    return client.post(reverse("sync:rules"), {"form": "product", **values})


def _add_setting_rule(client, user, **values):
    client.force_login(user)
    return client.post(reverse("sync:rules"), {"form": "setting", **values})


def test_a_product_rule_is_added_and_the_next_sync_gives_the_class_the_product(
    client, world, district_admin, configured
):
    reading = factories.ProductFactory(name="Reading Quest")

    response = _add_product_rule(
        client,
        district_admin,
        **{"product-match_field": "class_code", "product-pattern": " MATH* ", "product-product": reading.pk},
    )

    assert response.status_code == 302
    rule = ProductRule.objects.get(district=world.district)
    assert (rule.match_field, rule.pattern, rule.product) == ("class_code", "MATH*", reading)
    run = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL)
    assert ClassProduct.objects.filter(
        class_group__name="Math 3", product=reading, origin="synced"
    ).exists(), run.failure_reason
    assert "Reading Quest" in client.get(reverse("sync:rules")).content.decode()


def test_the_same_product_rule_twice_is_refused(client, world, district_admin):
    reading = factories.ProductFactory(name="Reading Quest")
    values = {"product-match_field": "subject", "product-pattern": "ela", "product-product": reading.pk}
    _add_product_rule(client, district_admin, **values)

    response = _add_product_rule(client, district_admin, **{**values, "product-pattern": "ELA"})

    assert response.status_code == 200 and "This rule exists already." in response.content.decode()
    assert ProductRule.objects.count() == 1


def test_a_product_rule_needs_a_pattern(client, world, district_admin):
    reading = factories.ProductFactory()
    response = _add_product_rule(
        client,
        district_admin,
        **{"product-match_field": "subject", "product-pattern": "", "product-product": reading.pk},
    )
    assert "pattern" in response.context["product_form"].errors
    assert not ProductRule.objects.exists()


def test_a_setting_rule_maps_sis_values_to_setting_values(client, world, district_admin):
    language = factories.ProductSettingFactory()

    response = _add_setting_rule(
        client,
        district_admin,
        **{
            "setting-column": "metadata.language",
            "setting-setting": language.pk,
            "setting-value_map": "es = Spanish\n\nen=English",
        },
    )

    assert response.status_code == 302
    rule = SettingRule.objects.get(district=world.district)
    assert rule.column == "metadata.language" and rule.setting == language
    assert rule.value_map == {"es": "Spanish", "en": "English"}
    html = client.get(reverse("sync:rules")).content.decode()
    assert "metadata.language" in html and "es → Spanish" in html


def test_a_setting_rule_on_a_standard_column_is_refused(client, world, district_admin):
    language = factories.ProductSettingFactory()
    response = _add_setting_rule(
        client,
        district_admin,
        **{"setting-column": "givenName", "setting-setting": language.pk},
    )
    assert "givenName is not an extension column" in response.content.decode()
    assert not SettingRule.objects.exists()


def test_a_mapped_value_the_setting_does_not_allow_is_refused_naming_it(
    client, world, district_admin
):
    language = factories.ProductSettingFactory()
    response = _add_setting_rule(
        client,
        district_admin,
        **{
            "setting-column": "ext_language",
            "setting-setting": language.pk,
            "setting-value_map": "fr = French",
        },
    )
    html = response.content.decode()
    assert "fr = French" in html and "Choose one of: English, Spanish" in html
    assert not SettingRule.objects.exists()


def test_a_value_line_without_equals_is_refused_naming_the_line(client, world, district_admin):
    language = factories.ProductSettingFactory()
    response = _add_setting_rule(
        client,
        district_admin,
        **{
            "setting-column": "ext_language",
            "setting-setting": language.pk,
            "setting-value_map": "es = Spanish\nFrench",
        },
    )
    assert "Line 2" in response.content.decode()
    assert not SettingRule.objects.exists()


def test_rules_are_removed(client, world, district_admin):
    product_rule = ProductRule.objects.create(
        district=world.district, match_field="subject", pattern="ela", product=factories.ProductFactory()
    )
    setting_rule = SettingRule.objects.create(
        district=world.district, column="ext_lang", setting=factories.ProductSettingFactory()
    )
    client.force_login(district_admin)

    client.post(reverse("sync:product_rule_remove", args=[product_rule.pk]))
    client.post(reverse("sync:setting_rule_remove", args=[setting_rule.pk]))

    assert not ProductRule.objects.exists() and not SettingRule.objects.exists()
