"""The district administrator's SIS sync journey: upload a OneRoster zip, preview, sync now,
read the run; and the same pages at phone width."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from rostering.models import ClassGroup, Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun
from tests import factories
from tests.shared_data import SHARED_DATA
from tests.sync.views.conftest import sis_zip, upload_source

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password
OAT_SET = SHARED_DATA / "oneroster-oat-sa-v1p1-base"


def _oat_zip() -> bytes:
    """The public OAT OneRoster 1.1 sample (2 students, 3 classes, some warnings), zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(OAT_SET.glob("*.csv")):
            zf.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


def test_district_admin_uploads_a_zip_previews_syncs_and_reads_the_run(
    transactional_db, world, district_admin, page
):
    sign_in(page, "dana", PASSWORD)
    page.get_by_role("link", name="SIS sync", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SIS sync")
    expect(page.locator("#not-set-up")).to_be_visible()
    screenshot(page, "sync-home-not-set-up")

    page.get_by_role("link", name="Change the settings").click()
    page.get_by_label("SIS files (zip)").set_input_files(
        {"name": "oat-sample.zip", "mimeType": "application/zip", "buffer": _oat_zip()}
    )
    page.locator("input[type=checkbox]").and_(page.get_by_label("Email")).first.check()  # a shared field
    screenshot(page, "sync-settings")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("The sync settings are saved.")).to_be_visible()
    expect(page.locator("#sync-config")).to_contain_text("oat-sample.zip")

    page.get_by_role("button", name="Preview (dry run)").click()
    expect(page.locator("#preview-note")).to_contain_text("nothing was changed")
    expect(page.locator('[data-count="created"]')).to_have_text("5")
    expect(page.locator("#plan-created")).to_contain_text("Student")
    expect(page.locator("#plan-organizations")).to_contain_text("School 1")
    expect(page.locator("#run-warnings")).to_be_visible()
    assert not Student.objects.exists()
    screenshot(page, "sync-preview")

    page.locator("#preview-note").get_by_role("button", name="Sync now").click()
    expect(page.locator("#run-summary")).to_contain_text("Succeeded")
    expect(page.locator('[data-count="created"]')).to_have_text("5")
    expect(page.locator('[data-count="unchanged"]')).to_have_text("0")
    assert Student.objects.filter(district=world.district).count() == 2
    assert ClassGroup.objects.filter(district=world.district).count() == 3
    screenshot(page, "sync-run-succeeded")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the problems (CSV)").click()
    problems = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert problems.startswith("Level,File,Row,Record,Problem") and "Warning" in problems

    page.get_by_role("link", name="SIS sync", exact=True).first.click()
    expect(page.locator("#run-list tbody tr")).to_have_count(2)
    screenshot(page, "sync-home-with-runs")

    factories.ProductFactory(name="Reading Quest")
    page.get_by_role("link", name="0 rules: change them").click()
    page.get_by_label("Match the class's").select_option(label="Subject")
    page.get_by_label("Value or prefix").fill("ELA*")
    page.get_by_label("Product it gets").select_option(label="Reading Quest")
    page.locator("#product-rule-form").get_by_role("button", name="Add").click()
    expect(page.locator("#product-rules table")).to_contain_text("Reading Quest")
    screenshot(page, "sync-rules")


def test_the_sync_pages_at_phone_width(transactional_db, world, district_admin, phone_page):
    page = phone_page
    upload_source(world.district, sis_zip(students=10))
    run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL, actor=district_admin)
    upload_source(world.district, sis_zip(students=2))
    held = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL, actor=district_admin)
    assert held.status == SyncRun.Status.HELD

    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/sync/")
    expect(page.locator(f"#held-{held.pk}")).to_be_visible()
    screenshot(page, "sync-home-phone")

    page.locator(f"#held-{held.pk}").get_by_role("link", name="Review it").click()
    expect(page.locator("#hold-reason")).to_contain_text("8 of 10 synced students")
    screenshot(page, "sync-run-held-phone")
    page.get_by_role("button", name="Approve and apply").click()
    expect(page.locator("#run-summary")).to_contain_text("Succeeded")
    assert Student.objects.filter(is_active=False).count() == 8
    screenshot(page, "sync-run-approved-phone")

    page.goto("/manage/sync/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sync settings")
    screenshot(page, "sync-settings-phone")
    page.goto("/manage/sync/rules/")
    screenshot(page, "sync-rules-phone")
