"""Assisted submissions: a district administrator sends files; support checks, imports and
verifies (the steps the support admin calls); the district follows the status."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports import submissions
from rostering.imports.models import AssistedSubmission, ImportJob
from rostering.models import Student

from .conftest import students_csv

NEW = reverse("imports:submission_new")


def test_district_admin_sends_several_files_with_a_note(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        NEW,
        {
            "note": "Grades 1-3 start on Monday",
            "files_students": [
                SimpleUploadedFile("north.csv", b"a,b\r\n1,2\r\n"),
                SimpleUploadedFile("south.csv", b"a,b\r\n3,4\r\n"),
            ],
            "files_educators": [SimpleUploadedFile("staff.xlsx", b"PK\x03\x04")],
        },
    )
    submission = AssistedSubmission.objects.get()
    assert response.url == reverse("imports:submission", args=[submission.pk])
    assert submission.district == world.district and submission.submitted_by == district_admin
    assert submission.note == "Grades 1-3 start on Monday"
    assert sorted((f.kind, f.file_name) for f in submission.files.all()) == [
        ("educators", "staff.xlsx"),
        ("students", "north.csv"),
        ("students", "south.csv"),
    ]
    page = client.get(response.url).content.decode()
    assert "Submitted" in page and "north.csv" in page and "Grades 1-3 start on Monday" in page


def test_a_submission_without_files_is_refused(client, district_admin):
    client.force_login(district_admin)
    response = client.post(NEW, {"note": "here you go"})
    assert "Add at least one file." in response.content.decode()
    assert not AssistedSubmission.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "school_admin"])
def test_only_district_administrators_send_submissions(client, people, who):
    client.force_login(people[who])
    response = client.post(NEW, {"files_students": [SimpleUploadedFile("a.csv", b"a\r\n1\r\n")]})
    assert response.status_code == 403
    assert not AssistedSubmission.objects.exists()


def test_outsider_cannot_open_another_districts_submission(client, world, district_admin, outsider):
    submission = AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin
    )
    client.force_login(outsider)
    assert client.get(reverse("imports:submission", args=[submission.pk])).status_code == 404


def _submission(world, district_admin, content):
    return submissions.submission_create(
        actor=district_admin, note="", files=[("students", "kids.csv", content)]
    )


def test_fake_engine_support_checks_imports_and_verifies_a_submission(
    world, district_admin, support, fake_engine, django_capture_on_commit_callbacks
):
    submission = _submission(world, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    # Each step queues a task, which the test settings' immediate backend runs on commit.
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submission_check(actor=support, submission=submission)
    submission.refresh_from_db()
    assert submission.status == "checked" and submission.check_result["ok"] is True
    job = submission.import_jobs.get()
    assert job.district == world.district and job.status == ImportJob.Status.CHECKED
    assert not Student.objects.filter(username="ben").exists()

    with django_capture_on_commit_callbacks(execute=True):
        submissions.submission_import(actor=support, submission=submission)
    submission.refresh_from_db()
    assert submission.status == "imported"
    assert Student.objects.get(username="ben").district == world.district

    submissions.submission_mark_verified(actor=support, submission=submission, note="Called Dana")
    submission.refresh_from_db()
    assert submission.status == "verified" and submission.support_note == "Called Dana"


def test_fake_engine_a_submission_with_errors_cannot_be_imported(
    world, district_admin, support, fake_engine, django_capture_on_commit_callbacks
):
    submission = _submission(world, district_admin, students_csv(("Ben", "Kim", "", "North")))
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submission_check(actor=support, submission=submission)
    with pytest.raises(ValidationError, match="Fix the errors in kids.csv"):
        submissions.submission_import(actor=support, submission=submission)
    submission.refresh_from_db()
    assert submission.status == "checked"
    assert submission.check_result["files"][0]["errors"] == 1
    assert submission.import_jobs.get().errors[0]["column"] == "Username"


def test_district_staff_cannot_run_the_support_steps(world, district_admin, fake_engine):
    submission = _submission(world, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    with pytest.raises(PermissionDenied):
        submissions.submission_check(actor=district_admin, submission=submission)
    with pytest.raises(PermissionDenied):
        submissions.submission_mark_verified(actor=district_admin, submission=submission)
    submission.refresh_from_db()
    assert submission.status == "submitted" and fake_engine.calls == []
