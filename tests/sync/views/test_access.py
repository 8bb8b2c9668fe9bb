"""Only the district's administrators use its Sync pages; every other request is refused on
the server and changes nothing (STYLE.md: 404 outside the user's district, 403 for a role)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering.models import Student, SyncConfiguration
from rostering.sync.models import ProductRule, SettingRule, SyncRun
from tests import factories

from .conftest import sis_zip, upload_source

PAGES = ("sync:home", "sync:settings", "sync:rules")
ACTIONS = ("sync:sync_now", "sync:preview")


@pytest.mark.parametrize("role", ["teacher", "school_admin", "support"])
@pytest.mark.parametrize("name", PAGES)
def test_only_district_administrators_open_the_sync_pages(client, people, role, name):
    client.force_login(people[role])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "school_admin"])
def test_the_navbar_shows_sync_to_district_administrators_only(client, people, role):
    client.force_login(people["district_admin"])
    assert reverse("sync:home") in client.get(reverse("home")).content.decode()
    client.force_login(people[role])
    assert reverse("sync:home") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["teacher", "school_admin"])
@pytest.mark.parametrize("name", ACTIONS)
def test_teachers_and_school_administrators_cannot_start_a_sync(
    client, people, configured, role, name
):
    client.force_login(people[role])
    assert client.post(reverse(name)).status_code == 403
    assert not SyncRun.objects.exists()


def test_a_school_administrator_cannot_change_the_settings(client, world, people, configured):
    before = SyncConfiguration.objects.get(district=world.district).shared_fields
    client.force_login(people["school_admin"])

    response = client.post(
        reverse("sync:settings"),
        {
            "source_type": "oneroster_folder",
            "folder_path": "/tmp",
            "external_id_field": "sourcedId",
            "username_field": "username",
            "schedule": "daily",
            "weekday": "0",
            "time_of_day": "01:00",
            "hold_threshold_percent": "100",
            "shared_student": ["middle_name"],
        },
    )

    assert response.status_code == 403
    configured.refresh_from_db()
    assert (configured.source_type, configured.schedule) == ("oneroster_upload", "off")
    assert configured.hold_threshold_percent == 10
    assert SyncConfiguration.objects.get(district=world.district).shared_fields == before


def test_a_school_administrator_cannot_add_a_rule(client, world, people):
    client.force_login(people["school_admin"])
    response = client.post(
        reverse("sync:rules"),
        {
            "form": "product",
            "product-match_field": "subject",
            "product-pattern": "ela",
            "product-product": factories.ProductFactory().pk,
        },
    )
    assert response.status_code == 403 and not ProductRule.objects.exists()


def test_another_districts_administrator_sees_only_their_own_sync(
    client, world, people, configured
):
    client.force_login(people["outsider"])
    html = client.get(reverse("sync:home")).content.decode()
    assert "maple.zip" not in html and "not set up yet" in html


@pytest.mark.parametrize(
    "name", ["sync:run", "sync:run_status", "sync:run_problems", "sync:run_changes"]
)
def test_another_districts_run_is_not_found(client, people, held_run, name):
    client.force_login(people["outsider"])
    assert client.get(reverse(name, args=[held_run.pk])).status_code == 404


@pytest.mark.parametrize("name", ["sync:run_approve", "sync:run_discard"])
def test_approving_or_discarding_another_districts_run_is_refused(
    client, people, held_run, name
):
    client.force_login(people["outsider"])

    response = client.post(reverse(name, args=[held_run.pk]))

    assert response.status_code == 404
    held_run.refresh_from_db()
    assert held_run.status == SyncRun.Status.HELD and held_run.decided_by is None


@pytest.mark.parametrize("name", ["sync:run_approve", "sync:run_discard"])
def test_a_school_administrator_cannot_decide_a_held_run(client, people, held_run, name):
    client.force_login(people["school_admin"])
    assert client.post(reverse(name, args=[held_run.pk])).status_code == 403
    held_run.refresh_from_db()
    assert held_run.status == SyncRun.Status.HELD


def test_removing_another_districts_rules_is_refused(client, world, people):
    product_rule = ProductRule.objects.create(
        district=world.district,
        match_field="subject",
        pattern="ela",
        product=factories.ProductFactory(),
    )
    setting_rule = SettingRule.objects.create(
        district=world.district, column="ext_lang", setting=factories.ProductSettingFactory()
    )
    client.force_login(people["outsider"])

    product_url = reverse("sync:product_rule_remove", args=[product_rule.pk])
    setting_url = reverse("sync:setting_rule_remove", args=[setting_rule.pk])
    assert client.post(product_url).status_code == 404
    assert client.post(setting_url).status_code == 404
    assert ProductRule.objects.exists() and SettingRule.objects.exists()


def test_another_districts_sync_now_runs_their_district_only(
    client, world, people, configured, django_capture_on_commit_callbacks
):
    upload_source(world.other_district, sis_zip())
    client.force_login(people["outsider"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sync:sync_now"))

    run = SyncRun.objects.get()
    assert run.district == world.other_district and run.status == SyncRun.Status.SUCCEEDED
    assert not Student.objects.filter(district=world.district).exists()
    assert Student.objects.filter(district=world.other_district).count() == 2
