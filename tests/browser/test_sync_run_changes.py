"""The district administrator reads what last night's sync changed: the run's change list,
searched, paged and downloaded (axe-checked on every load)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun
from tests.sync.views.conftest import sis_student, sis_zip, upload_source
from tests.sync.views.test_run_changes import TEACHER

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password


def test_district_admin_reads_searches_and_downloads_what_a_run_changed(
    transactional_db, world, district_admin, page
):
    upload_source(world.district, sis_zip(students=60))
    run_sync(district=world.district, trigger=SyncRun.Trigger.SCHEDULE)
    users = [sis_student(n, grades="04" if n == 7 else "03") for n in range(1, 61)]
    users.append(TEACHER)
    upload_source(world.district, sis_zip(users=users))
    second = run_sync(district=world.district, trigger=SyncRun.Trigger.SCHEDULE)
    assert second.status == SyncRun.Status.SUCCEEDED

    sign_in(page, "dana", PASSWORD)
    page.goto(f"/manage/sync/runs/{second.pk}/")
    changes = page.locator("#run-changes")
    expect(changes).to_contain_text("Kid7 Sis")
    expect(changes).to_contain_text("Grade 3")
    expect(changes).to_contain_text("Grade 4")
    expect(changes).not_to_contain_text("Sis values")  # bookkeeping, not a change
    expect(changes.locator("tbody tr")).to_have_count(1)
    screenshot(page, "sync-run-changes")

    first = SyncRun.objects.exclude(pk=second.pk).get()
    page.goto(f"/manage/sync/runs/{first.pk}/")
    expect(changes.get_by_text("Page 1 of 2")).to_be_visible()
    changes.get_by_label("Search by name or SIS ID").fill("kid42")
    changes.get_by_role("button", name="Search").click()
    expect(changes.locator("tbody tr")).to_have_count(1)
    expect(changes.locator("tbody")).to_contain_text("Kid42 Sis")
    screenshot(page, "sync-run-changes-searched")

    with page.expect_download() as download_info:
        changes.get_by_role("link", name="Download the changes (CSV)").click()
    rows = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "Action,Type,Record,SIS ID,Changes"
    assert len(rows) == 2 and rows[1].startswith("Created,Student,Kid42 Sis (kid42),stu-42")

    changes.get_by_role("link", name="Show all").click()  # back to the whole list
    expect(changes.locator("tbody tr")).to_have_count(50)
