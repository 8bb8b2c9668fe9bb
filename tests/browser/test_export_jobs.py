"""A district administrator exports a list too long to stream: the Export CSV opens the
export's page, which follows the background job and then offers the whole file."""

from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from rostering.export_jobs.models import ExportJob
from rostering.models import Educator
from tests import factories

from .conftest import screenshot, sign_in


def _district():
    district = factories.DistrictFactory(name="Maple District", slug="maple")
    school = factories.SchoolFactory(district=district, name="North Elementary")
    factories.EducatorFactory(
        organization=district,
        username="dana",
        first_name="Dana",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
    )
    for n in range(5):
        factories.StudentFactory(school=school, last_name=f"North{n}", username=f"north{n}")
    return school


def test_admin_exports_a_long_list_from_its_page(transactional_db, page, settings):
    settings.EXPORT_BACKGROUND_ROWS = 3
    _district()
    sign_in(page, "dana", "homeroom-test")
    page.goto("/manage/students/")
    page.get_by_role("link", name="Export CSV").click()

    expect(page.get_by_role("heading", name="Students export")).to_be_visible()
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible()
    expect(page.locator("#progress-message")).to_have_text("Ready: 5 rows, 1 KB.")
    screenshot(page, "export-job-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download students.csv").click()
    assert download.value.suggested_filename == "students.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 5 and lines[0].startswith("First Name,Last Name")


def test_the_export_page_follows_the_job_until_the_file_is_ready(transactional_db, page):
    _district()
    dana = Educator.objects.get(username="dana").user
    job = ExportJob.objects.create(
        kind="students",
        requested_by=dana,
        file_name="students.csv",
        rows_expected=50_000,
        rows_written=10_000,
        status=ExportJob.Status.RUNNING,
        queued_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    sign_in(page, "dana", "homeroom-test")
    page.goto(f"/manage/exports/{job.pk}/")
    expect(page.locator("#progress-message")).to_have_text("Writing row 10,000 of 50,000…")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "20")
    expect(page.get_by_role("link", name="Download students.csv")).to_have_count(0)
    screenshot(page, "export-job-running")

    content = "\ufeffFirst Name,Last Name\r\nAna,Lopez\r\n".encode()
    job.content, job.size, job.rows_written = content, len(content), 1
    job.status, job.finished_at = ExportJob.Status.DONE, timezone.now()
    job.save()
    # The page polls its status and reloads once the worker is done.
    expect(page.get_by_role("link", name="Download students.csv")).to_be_visible(timeout=20_000)
    expect(page.locator("#progress-message")).to_have_text("Ready: 1 row, 1 KB.")
