"""Issue 11: a district administrator uploads Clever's SFTP files (a zip) on the import page,
reads the preview and commits it, as with a OneRoster set."""

from playwright.sync_api import expect

from rostering.imports.models import ImportJob
from rostering.models import ClassGroup, Student
from tests.imports.views.test_clever_upload import _ready, clever_zip

from .conftest import screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password


def test_district_admin_imports_a_clever_zip_previews_and_commits_it(
    transactional_db, world, district_admin, page
):
    _ready(world)
    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/imports/new/")
    page.get_by_label("Clever SFTP export").check()
    page.get_by_label("File").set_input_files(
        {"name": "clever-sftp.zip", "mimeType": "application/zip", "buffer": clever_zip(world)}
    )
    screenshot(page, "import-clever-upload")

    page.get_by_role("button", name="Check the file").click()
    expect(page.locator('[data-count="created"]')).to_have_text("4")
    expect(page.locator("#import-changes")).to_contain_text("clever.kid1")
    expect(page.locator("#passwords-set")).to_contain_text("1 student password to set")
    assert not Student.objects.filter(district=world.district).exists()
    screenshot(page, "import-clever-preview")

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    screenshot(page, "import-clever-finished")
    assert ImportJob.objects.get().status == ImportJob.Status.COMMITTED
    assert Student.objects.filter(district=world.district).count() == 2
    assert ClassGroup.objects.get(district=world.district, name="Math 3").students.count() == 2

    page.goto("/manage/imports/")
    expect(page.locator("#import-list")).to_contain_text("Clever SFTP export")
