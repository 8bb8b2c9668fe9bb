"""Journeys on the import pages: template, upload, preview, confirm, progress bar to the end."""

import csv
import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from rostering.imports import engine
from rostering.imports.models import ImportJob
from rostering.models import Student

from .conftest import ARTIFACTS, screenshot, sign_in

PASSWORD = "homeroom-test"  # tests.factories.UserFactory's password


def viewport_shot(page, name: str) -> None:
    """What fits on one screen (a full page of 100 errors is too tall to read)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _fill(template: bytes, rows: list[dict]) -> bytes:
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode()


def test_district_admin_downloads_a_template_imports_students_and_watches_it_finish(
    transactional_db, world, district_admin, page
):
    sign_in(page, "dana", PASSWORD)
    page.get_by_role("link", name="Imports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    screenshot(page, "import-home-empty")

    page.get_by_role("link", name="Generate Import Templates").click()
    expect(page.get_by_role("heading", name="Students template")).to_be_visible()
    screenshot(page, "import-templates")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    template = Path(download_info.value.path()).read_bytes()
    content = _fill(
        template,
        [
            {
                "First Name": "Ana",
                "Last Name": "Lopez",
                "Username": "ana.lopez",
                "Student ID": "000123",
                "Organizations": world.school.name,
            },
            {
                "First Name": "Ben",
                "Last Name": "Kim",
                "Username": "ben.kim",
                "Student ID": "000124",
                "Organizations": world.other_school.name,
            },
        ],
    )

    page.get_by_role("link", name="I have my file: upload it").click()
    page.get_by_label("Students").check()
    page.get_by_label("File").set_input_files(
        {"name": "students.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#ready-summary")).to_contain_text("Every row is fine")
    expect(page.locator('[data-count="created"]')).to_have_text("2")
    expect(page.locator("#import-changes")).to_contain_text("ana.lopez")
    assert not Student.objects.filter(district=world.district).exists()
    screenshot(page, "import-preview")

    page.get_by_role("button", name="Confirm and import").click()
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.locator("#progress-message")).to_contain_text("2 created")
    expect(page.get_by_role("link", name="Download the result")).to_be_visible()
    screenshot(page, "import-finished")
    assert Student.objects.filter(district=world.district).count() == 2
    assert ImportJob.objects.get().status == ImportJob.Status.COMMITTED

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(bar).to_have_attribute("aria-valuenow", "100")
    screenshot(page, "import-finished-phone")
    page.goto("/manage/imports/")
    expect(page.locator("#import-list")).to_contain_text("students.csv")
    screenshot(page, "import-home-phone")


def _fake_errors_plan(**kwargs):
    plan = engine.ImportPlan(kind=kwargs["kind"], created=1, updated=1)
    plan.errors = [
        engine.RowError(
            n, "Grade", f"Grade “13” is not a grade. Use K, 1 to 12, PK or TK (row {n})."
        )
        for n in range(3, 260)
    ]
    plan.changes = [
        engine.RecordChange(2, "update", "Ana Lopez (ana.lopez)", {"Grade": ("02", "03")})
    ]
    return plan


def test_fake_engine_phone_preview_of_a_file_with_many_errors(
    transactional_db, world, district_admin, phone_page, monkeypatch
):
    monkeypatch.setattr(engine, "check_file", _fake_errors_plan)
    page = phone_page
    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/imports/new/")
    page.get_by_label("Students").check()
    page.get_by_label("File").set_input_files(
        {"name": "grades.csv", "mimeType": "text/csv", "buffer": b"First Name\r\nAna\r\n"}
    )
    screenshot(page, "import-upload-phone")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#error-summary")).to_contain_text("257 errors")
    expect(page.get_by_role("button", name="Confirm and import")).to_be_disabled()
    expect(page.get_by_text("Showing errors 1–100 of 257.")).to_be_visible()
    screenshot(page, "import-preview-errors-phone")
    viewport_shot(page, "import-preview-errors-phone-top")
    page.locator("#import-errors").scroll_into_view_if_needed()
    viewport_shot(page, "import-preview-errors-phone-table")


def test_progress_bar_follows_a_running_import_until_it_finishes(
    transactional_db, world, district_admin, page
):
    """A real worker runs the import elsewhere: the page polls the status and shows the end."""
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="big.csv",
        file_content=b"First Name\r\n",
        status=ImportJob.Status.RUNNING,
        progress=10,
        progress_message="Checking 10,000 rows",
        counts={"created": 10000, "updated": 0, "unchanged": 0, "errors": 0},
    )
    sign_in(page, "dana", PASSWORD)
    page.goto(f"/manage/imports/{job.pk}/")
    bar = page.get_by_role("progressbar", name="Import progress")
    expect(bar).to_have_attribute("aria-valuenow", "10")
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()

    ImportJob.objects.filter(pk=job.pk).update(progress=60, progress_message="Writing students")
    expect(bar).to_have_attribute("aria-valuenow", "60")
    expect(page.locator("#progress-message")).to_have_text("Writing students")
    screenshot(page, "import-progress-running")

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.COMMITTED, progress=100, result={"touched": {}}
    )
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#progress-message")).to_contain_text("10,000 created")
    screenshot(page, "import-progress-finished")


def test_district_admin_sends_files_to_support_and_sees_the_status(
    transactional_db, world, district_admin, page
):
    from rostering.imports.models import AssistedSubmission

    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/imports/")
    page.get_by_role("link", name="Send files to support").click()
    page.get_by_label("Students files").set_input_files(
        [
            {"name": "north.csv", "mimeType": "text/csv", "buffer": b"First Name\r\nAna\r\n"},
            {"name": "south.csv", "mimeType": "text/csv", "buffer": b"First Name\r\nBen\r\n"},
        ]
    )
    page.get_by_label("Note for support staff").fill("Both schools start on Monday.")
    screenshot(page, "import-submission-form")
    page.get_by_role("button", name="Send to support").click()
    expect(page.locator("#submission-files")).to_contain_text("north.csv")
    expect(page.locator("#submission-files")).to_contain_text("south.csv")
    screenshot(page, "import-submission-sent")
    assert AssistedSubmission.objects.get().files.count() == 2
    page.goto("/manage/imports/")
    expect(page.locator("#submission-list")).to_contain_text("Submitted")


def test_bulk_create_students_page_at_phone_width(
    transactional_db, world, district_admin, phone_page
):
    sign_in(phone_page, "dana", PASSWORD)
    phone_page.goto("/manage/imports/bulk-students/")
    expect(phone_page.get_by_label("School")).to_be_visible()
    expect(phone_page.get_by_label("Students file")).to_be_visible()
    screenshot(phone_page, "import-bulk-students-phone")


def _students_file(world) -> bytes:
    return (
        "First Name,Last Name,Username,Student ID,Organizations\r\n"
        f"Ana,Lopez,ana.lopez,000123,{world.school.name}\r\n"
        f"Ben,Kim,ben.kim,000124,{world.school.name}\r\n"
    ).encode()


def test_district_admin_undoes_an_import_after_confirming_what_it_removes(
    transactional_db, world, district_admin, page
):
    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/imports/new/")
    page.get_by_label("Students").check()
    page.get_by_label("File").set_input_files(
        {"name": "students.csv", "mimeType": "text/csv", "buffer": _students_file(world)}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#ready-summary")).to_contain_text("Every row is fine")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()

    page.get_by_role("link", name="Undo this import").click()
    expect(page.locator("#undo-confirm")).to_contain_text("This will remove 2 students it created.")
    assert Student.objects.filter(district=world.district).count() == 2  # nothing yet
    screenshot(page, "import-undo-confirm")
    page.get_by_role("button", name="Undo import").click()
    expect(page.get_by_role("heading", name="Import undone")).to_be_visible()
    screenshot(page, "import-undone")
    assert not Student.objects.filter(district=world.district).exists()
    assert ImportJob.objects.get().status == ImportJob.Status.UNDONE


def test_an_undo_lists_the_student_it_kept_because_a_teacher_edited_her_since(
    transactional_db, world, district_admin, page
):
    sign_in(page, "dana", PASSWORD)
    page.goto("/manage/imports/new/")
    page.get_by_label("Students").check()
    page.get_by_label("File").set_input_files(
        {"name": "students.csv", "mimeType": "text/csv", "buffer": _students_file(world)}
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    Student.objects.filter(username="ana.lopez").update(last_name="Lopez-Kim")  # since

    page.get_by_role("link", name="Undo this import").click()
    page.get_by_role("button", name="Undo import").click()
    expect(page.get_by_role("heading", name="Import undone")).to_be_visible()
    expect(page.locator("#undo-kept")).to_contain_text(
        "Student Ana Lopez-Kim (ana.lopez) was changed since this import (Last name), "
        "so it stays."
    )
    screenshot(page, "import-undone-kept")
    assert list(Student.objects.values_list("username", flat=True)) == ["ana.lopez"]


def test_checking_page_turns_into_the_preview_when_the_worker_is_done(
    transactional_db, world, district_admin, page
):
    """The upload only stores the file; a worker checks it while the page polls."""
    from rostering.imports import jobs

    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="students.csv",
        file_content=_students_file(world),
        status=ImportJob.Status.CHECKING,
        queued_at=timezone.now(),
        progress_message="Waiting for a worker to check the file",
    )
    sign_in(page, "dana", PASSWORD)
    page.goto(f"/manage/imports/{job.pk}/")
    expect(page.get_by_role("heading", name="Checking your file…")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    screenshot(page, "import-checking")

    jobs.job_check_run(job.pk)  # what the worker does

    expect(page.locator("#ready-summary")).to_contain_text("Every row is fine")
    expect(page.get_by_role("button", name="Confirm and import")).to_be_enabled()


def test_a_job_no_worker_picks_up_warns_that_the_worker_may_be_down(
    transactional_db, world, district_admin, page
):
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="students.csv",
        file_content=_students_file(world),
        status=ImportJob.Status.QUEUED,
        queued_at=timezone.now() - timedelta(minutes=2),
        progress_message="Waiting for a worker to start the import",
    )
    sign_in(page, "dana", PASSWORD)
    page.goto(f"/manage/imports/{job.pk}/")
    warning = page.locator("#worker-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("No worker has picked this up for 1")
    expect(warning).to_contain_text("the background worker may be down")
    screenshot(page, "import-worker-down")


def test_a_oneroster_preview_says_which_classes_no_product_rule_matched(
    transactional_db, world, district_admin, page
):
    from rostering.oneroster import load_files, zip_files
    from tests.shared_data import SHARED_DATA

    minimal = SHARED_DATA / "oneroster-moodle-enrol-fixtures" / "v1p1-bulk-minimal"
    content = zip_files(load_files(minimal))
    sign_in(page, "dana", PASSWORD)
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_role("link", name="New import").click()
    page.get_by_label("OneRoster CSV").check()
    page.get_by_label("File").set_input_files(
        {"name": "minimal.zip", "mimeType": "application/zip", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()
    notice = page.locator("#without-product")
    expect(notice).to_contain_text("2 classes and 4 enrollments will not be imported")
    viewport_shot(page, "import-preview-without-product")
    notice.get_by_role("link", name="Products from SIS data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Products from SIS data")
    screenshot(page, "product-rules-from-preview")
