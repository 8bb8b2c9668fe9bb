"""Confirm queues the background task; the task commits, records progress and the result."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports import engine, jobs
from rostering.imports.models import ImportJob
from rostering.models import Student
from tests import factories

from .conftest import students_csv


def _checked_job(client, user, content: bytes) -> ImportJob:
    client.force_login(user)
    client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": SimpleUploadedFile("students.csv", content)},
    )
    return ImportJob.objects.latest("pk")


def _confirm(client, job, capture):
    with capture(execute=True) as callbacks:
        response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    return response, callbacks


def test_fake_engine_confirm_runs_the_task_after_commit_and_writes_the_students(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    response, callbacks = _confirm(client, job, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(callbacks) == 1  # queued with transaction.on_commit, not inside the request's write
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert job.progress == 100 and job.committed_at is not None
    assert job.task_id
    assert job.result["created"] == 1
    assert fake_engine.progress_seen == [40]
    ben = Student.objects.get(username="ben")
    assert ben.district == world.district
    assert ("commit", "students", district_admin) in fake_engine.calls


def test_fake_engine_finished_page_shows_a_full_progress_bar_and_the_result(
    client, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    _confirm(client, job, django_capture_on_commit_callbacks)
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'aria-valuenow="100"' in html and "bg-success" in html
    assert "Import finished" in html
    assert "Finished: 1 created, 0 updated, 0 unchanged." in html
    assert "Download the result" in html and "Undo this import" in html
    assert "import-progress.js" not in html  # nothing left to poll


def test_fake_engine_status_endpoint_reports_progress_as_json(client, district_admin, fake_engine):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, progress=35, progress_message="Writing students"
    )
    data = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert data["progress"] == 35 and data["message"] == "Writing students"
    assert data["finished"] is False and data["status"] == "running"
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "import-progress.js" in page and 'aria-valuenow="35"' in page


def test_fake_engine_result_csv_lists_what_was_created_and_updated(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    factories.StudentFactory(school=world.school, username="ana", first_name="Anna")
    job = _checked_job(
        client,
        district_admin,
        students_csv(("Ana", "Lopez", "ana", "North"), ("=cmd", "Kim", "ben", "North")),
    )
    _confirm(client, job, django_capture_on_commit_callbacks)
    response = client.get(reverse("imports:job_result", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [
        ["Row", "Action", "Record", "Changes"],
        ["2", "Updated", "Ana (ana)", "First Name: Anna -> Ana"],
        ["3", "Created", "'=cmd (ben)", "First Name: (blank) -> =cmd"],
    ]


def test_fake_engine_a_second_confirm_does_not_import_twice(
    client, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    _confirm(client, job, django_capture_on_commit_callbacks)
    response, callbacks = _confirm(client, job, django_capture_on_commit_callbacks)
    assert callbacks == []
    assert [c[0] for c in fake_engine.calls].count("commit") == 1
    assert Student.objects.filter(username="ben").count() == 1
    msgs = [str(m) for m in response.wsgi_request._messages]
    assert any("cannot be confirmed" in m for m in msgs)


def test_fake_engine_rows_that_changed_since_the_preview_fail_the_job_and_write_nothing(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    original = fake_engine.check_file

    def now_broken(**kwargs):
        plan = original(**kwargs)
        plan.errors.append(engine.RowError(2, "Username", "ben is now taken by another student."))
        return plan

    fake_engine.check_file = now_broken
    _confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "nothing was written" in job.failure_reason
    assert job.errors[0]["message"] == "ben is now taken by another student."
    assert not Student.objects.filter(username="ben").exists()
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Import stopped" in html and "bg-danger" in html


def test_fake_engine_an_unexpected_crash_fails_the_job_with_a_plain_message(
    client, district_admin, fake_engine, monkeypatch, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))

    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "commit_file", crash)
    _confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "unexpected error; nothing was written" in job.failure_reason
    assert "disk on fire" not in job.failure_reason


def test_job_run_only_starts_a_queued_job(district_admin, world, fake_engine):
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="a.csv",
        file_content=students_csv(("Ben", "Kim", "ben", "North")),
        status=ImportJob.Status.CHECKED,
    )
    assert jobs.job_run(job.pk) is None
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert not Student.objects.filter(username="ben").exists()


def test_fake_engine_undo_removes_what_the_import_created(
    client, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    _confirm(client, job, django_capture_on_commit_callbacks)
    response = client.post(reverse("imports:job_undo", args=[job.pk]), follow=True)
    assert "is undone" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE and job.undone_at is not None
    assert not Student.objects.filter(username="ben").exists()


def test_fake_engine_undo_is_refused_when_records_changed_since(
    client, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    _confirm(client, job, django_capture_on_commit_callbacks)
    Student.objects.filter(username="ben").update(first_name="Changed by hand")
    response = client.post(reverse("imports:job_undo", args=[job.pk]), follow=True)
    assert "cannot be undone: Some of these students were changed" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Student.objects.filter(username="ben").exists()


def test_fake_engine_an_import_that_was_not_committed_cannot_be_undone(
    client, district_admin, fake_engine
):
    job = _checked_job(client, district_admin, students_csv(("Ben", "Kim", "ben", "North")))
    response = client.post(reverse("imports:job_undo", args=[job.pk]), follow=True)
    assert "Only an import that was committed can be undone." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert ("undo", district_admin) not in fake_engine.calls
