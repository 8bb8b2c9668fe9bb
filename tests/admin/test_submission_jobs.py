"""A file of an assisted submission is imported from the submission (its files together, in
order), never from the file's own preview: the preview sends support back to the submission
and a confirm posted by hand is refused. Checking a submission again after an import that
stopped part-way leaves the files already imported alone (no second job, no second check)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rostering.imports import submissions
from rostering.imports.models import AssistedSubmission, ImportJob, SubmissionFile
from rostering.models import Student
from tests.imports.views.conftest import students_csv

from .conftest import admin_url
from .test_submission_background import ANA, _act

Status = AssistedSubmission.Status


def _run_checks(client, support, submission, capture) -> AssistedSubmission:
    """Support's "Run the checks", and the worker running them."""
    _act(client, "run_checks", submission, capture)
    return submissions.submission_check_run(submission.pk, support.pk)


@pytest.fixture
def checked(
    support_client, support, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    """A submission of one students file, checked by support: its job waits for the Import."""
    submission = AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin
    )
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="grade3.csv", content=ANA
    )
    done = _run_checks(support_client, support, submission, django_capture_on_commit_callbacks)
    assert done.status == Status.CHECKED
    return submission


def test_fake_engine_a_submission_files_preview_sends_support_to_the_submission(
    support_client, checked
):
    job = checked.import_jobs.get()
    page = support_client.get(reverse("imports:job", args=[job.pk])).content.decode()

    assert "Every row is fine" in page
    assert f"assisted submission #{checked.pk}" in page
    assert admin_url(checked) in page  # back to the submission in the admin
    assert "Confirm and import" not in page
    assert "Upload another file" not in page  # the portal's upload is not support's


def test_fake_engine_confirming_a_submission_file_by_hand_is_refused(
    support_client, support, checked, django_capture_on_commit_callbacks
):
    job = checked.import_jobs.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert not Student.objects.filter(username="ana.l").exists()
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert f"part of assisted submission #{checked.pk}" in text

    # The submission's own Import still imports it.
    _act(support_client, "run_import", checked, django_capture_on_commit_callbacks)
    done = submissions.submission_import_run(checked.pk, support.pk)
    assert done.status == Status.IMPORTED, done.failure_reason
    assert Student.objects.filter(username="ana.l").exists()


def test_fake_engine_the_district_reads_its_submission_files_preview_without_a_confirm(
    client, district_admin, checked
):
    job = checked.import_jobs.get()
    client.force_login(district_admin)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Confirm and import" not in page
    assert reverse("imports:submission", args=[checked.pk]) in page


def test_fake_engine_a_portal_upload_keeps_its_confirm_and_upload_another(
    client, district_admin, fake_engine
):
    client.force_login(district_admin)
    client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": _upload("kids.csv", ANA)},
    )
    job = ImportJob.objects.latest("pk")
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Confirm and import" in page and "Upload another file" in page
    assert "assisted submission" not in page


def test_fake_engine_checking_again_after_a_stopped_import_skips_the_imported_files(
    support_client, support, world, checked, fake_engine, django_capture_on_commit_callbacks
):
    SubmissionFile.objects.create(  # organizations are imported first
        submission=checked,
        kind="organizations",
        file_name="orgs.csv",
        content=students_csv(("Bo", "King", "bo.k", "North Elementary")),
    )
    _run_checks(support_client, support, checked, django_capture_on_commit_callbacks)
    first = dict(checked.import_jobs.values_list("file_name", "pk"))
    # orgs.csv goes in, then the import stops at grade3.csv (its preview no longer waits).
    _act(support_client, "run_import", checked, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=first["grade3.csv"]).update(status=ImportJob.Status.INVALID)
    done = submissions.submission_import_run(checked.pk, support.pk)
    assert done.status == Status.FAILED and "Already imported: orgs.csv" in done.failure_reason

    checks_before = len(fake_engine.calls)
    done = _run_checks(support_client, support, checked, django_capture_on_commit_callbacks)

    assert done.status == Status.CHECKED
    assert len(fake_engine.calls) == checks_before + 1  # grade3.csv only
    jobs = dict(checked.import_jobs.values_list("file_name", "pk"))
    assert jobs["orgs.csv"] == first["orgs.csv"]  # the imported job, not a second one
    assert ImportJob.objects.filter(file_name="orgs.csv").count() == 1
    assert {e["file"]: e["job"] for e in done.check_result["files"]} == jobs
    page = support_client.get(admin_url(checked)).content.decode()
    assert "(imported)" in page  # orgs.csv's preview link says it is in

    _act(support_client, "run_import", checked, django_capture_on_commit_callbacks)
    done = submissions.submission_import_run(checked.pk, support.pk)
    assert done.status == Status.IMPORTED, done.failure_reason
    assert Student.objects.filter(username__in=["ana.l", "bo.k"]).count() == 2


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
