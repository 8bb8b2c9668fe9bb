"""An import never stays "running": a job whose worker is gone is failed and says to retry,
every failure inside a task ends the job failed with a message (even when recording it hits a
database error), the commit status is written with the rows, support can cancel a stuck
import, and a job no worker picks up says the worker may be down."""

from __future__ import annotations

import _csv
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rostering.imports import engine, jobs, jobs_undo
from rostering.imports.models import ImportJob
from rostering.models import Student

from .conftest import students_csv

LONG_AGO = timedelta(hours=1)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BEN = students_csv(("Ben", "Kim", "ben", "North"))


def _job(district_admin, world, **fields) -> ImportJob:
    return ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="students.csv",
        file_content=BEN,
        **fields,
    )


def _queued(client, district_admin, world, capture) -> ImportJob:
    """A checked job, confirmed: the commit task has run by the time this returns."""
    job = jobs.job_check(_job(district_admin, world), actor=district_admin)
    client.force_login(district_admin)
    with capture(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


# ---- a worker that is gone ----------------------------------------------------------------


def test_an_import_left_running_by_a_dead_worker_fails_and_says_to_try_again(
    client, world, district_admin
):
    then = timezone.now() - LONG_AGO
    job = _job(district_admin, world, status=ImportJob.Status.RUNNING, heartbeat_at=then)
    client.force_login(district_admin)

    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()

    assert status["status"] == "failed" and status["finished"] is True
    assert (
        "The background worker stopped while importing this file; nothing was written. "
        "Try again." in html
    )
    assert "import-progress.js" not in html


def test_a_check_left_unfinished_by_a_dead_worker_fails_and_drops_the_file(
    client, world, district_admin
):
    job = _job(
        district_admin,
        world,
        status=ImportJob.Status.CHECKING,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    client.force_login(district_admin)
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and bytes(job.file_content) == b""
    assert "stopped while checking this file; nothing was written. Upload it again." in html


def test_an_import_whose_worker_still_beats_keeps_running(client, world, district_admin):
    job = _job(
        district_admin, world, status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    client.force_login(district_admin)
    assert client.get(reverse("imports:job_status", args=[job.pk])).json()["status"] == "running"


# ---- every failure ends the job ------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (MemoryError(), "needed more memory than the server allows; nothing was written"),
        (OperationalError("server closed the connection"), "database problem"),
        (_csv.Error("field larger than field limit (131072)"), "unexpected error"),
    ],
    ids=["memory", "database", "csv"],
)
def test_any_failure_while_committing_ends_the_job_failed_with_a_message(
    client, world, district_admin, fake_engine, monkeypatch, error, words,
    django_capture_on_commit_callbacks,
):
    def explode(**kwargs):
        raise error

    monkeypatch.setattr(engine, "commit_file", explode)
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.FAILED
    assert words in job.failure_reason
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert words in html and "Traceback" not in html


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (MemoryError(), "needs more memory to check than the server allows"),
        (OperationalError("server closed the connection"), "database problem"),
        (_csv.Error("field larger than field limit (131072)"), "We could not read s.csv"),
    ],
    ids=["memory", "database", "csv"],
)
def test_any_failure_while_checking_an_upload_ends_the_job_failed_without_its_file(
    client, district_admin, fake_engine, monkeypatch, error, words
):
    def explode(**kwargs):
        raise error

    monkeypatch.setattr(engine, "check_file", explode)
    client.force_login(district_admin)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": SimpleUploadedFile("s.csv", BEN)},
        follow=True,
    )

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and words in job.failure_reason
    assert bytes(job.file_content) == b""
    assert words in response.content.decode()


def test_a_database_error_while_recording_the_failure_still_ends_the_job_failed(
    client, world, district_admin, fake_engine, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(engine, "commit_file", lambda **kw: (_ for _ in ()).throw(MemoryError()))
    monkeypatch.setattr("rostering.liveness.RETRY_DELAYS", (0, 0, 0))
    real_save = ImportJob.save
    failures = []

    def flaky_save(self, *args, **kwargs):
        if "failure_reason" in (kwargs.get("update_fields") or ()) and not failures:
            failures.append(1)
            raise OperationalError("the database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ImportJob, "save", flaky_save)
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)

    assert failures == [1]
    assert job.status == ImportJob.Status.FAILED and "more memory" in job.failure_reason


# ---- committed with its rows ---------------------------------------------------------------


def test_a_crash_right_after_the_rows_are_written_leaves_neither_rows_nor_a_commit(
    client, world, district_admin, fake_engine, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker dies between the engine's writes and the end of the transaction: the rows
    and the job's "committed" go together, so there is never a commit that cannot be undone."""
    real_mark = jobs._mark_committed

    def crash_after(job, result):
        real_mark(job, result)
        assert Student.objects.filter(username="ben").exists()  # written, not yet committed
        raise SystemError("worker killed")

    monkeypatch.setattr(jobs, "_mark_committed", crash_after)
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)

    assert not Student.objects.filter(username="ben").exists()
    assert job.status == ImportJob.Status.FAILED and job.committed_at is None
    assert not job.result


def test_a_committed_import_has_its_rows_and_its_undo_record_together(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)
    ben = Student.objects.get(username="ben")
    assert job.status == ImportJob.Status.COMMITTED
    created = [item["pk"] for item in job.result["applied"]["records"] if item["op"] == "create"]
    assert created == [ben.pk]


def test_a_job_failed_meanwhile_is_not_marked_committed(
    client, world, district_admin, fake_engine, monkeypatch, django_capture_on_commit_callbacks
):
    real_commit = fake_engine.commit_file

    def slow_commit(**kwargs):
        result = real_commit(**kwargs)
        ImportJob.objects.update(status=ImportJob.Status.FAILED, failure_reason="Cancelled.")
        return result

    monkeypatch.setattr(engine, "commit_file", slow_commit)
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)
    assert job.status != ImportJob.Status.COMMITTED
    assert not Student.objects.filter(username="ben").exists()


# ---- the check runs in the background ------------------------------------------------------


def test_an_upload_is_checked_by_the_worker_and_the_page_says_checking_meanwhile(
    client, district_admin, fake_engine
):
    client.force_login(district_admin)
    with override_settings(TASKS=DB_TASKS):
        response = client.post(
            reverse("imports:upload"),
            {"kind": "students", "file": SimpleUploadedFile("s.csv", BEN)},
        )
        job = ImportJob.objects.get()
        assert response.url == reverse("imports:job", args=[job.pk])
        assert job.status == ImportJob.Status.CHECKING and job.task_id
        assert fake_engine.calls == []  # the web request did not parse the file
        page = client.get(response.url).content.decode()
        status = client.get(reverse("imports:job_status", args=[job.pk])).json()

    assert "Checking your file…" in page and "import-progress.js" in page
    assert "Confirm and import" not in page
    assert status["status"] == "checking" and status["finished"] is False

    jobs.job_check_run(job.pk)  # what the worker does

    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Every row is fine" in page and "Confirm and import" in page
    assert client.get(reverse("imports:job_status", args=[job.pk])).json()["finished"] is True


def test_a_job_no_worker_picked_up_says_the_worker_may_be_down(client, world, district_admin):
    job = _job(
        district_admin,
        world,
        status=ImportJob.Status.QUEUED,
        queued_at=timezone.now() - timedelta(seconds=75),
    )
    client.force_login(district_admin)
    with override_settings(WORKER_WARNING_SECONDS=30):
        html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
        status = client.get(reverse("imports:job_status", args=[job.pk])).json()

    assert "No worker has picked this up for 7" in html
    assert "the background worker may be down" in status["warning"]
    assert status["finished"] is False


def test_a_check_no_worker_picked_up_says_so_too(client, world, district_admin):
    job = _job(
        district_admin,
        world,
        status=ImportJob.Status.CHECKING,
        queued_at=timezone.now() - timedelta(seconds=75),
    )
    client.force_login(district_admin)
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert "No worker has picked this up" in status["warning"]


def test_a_freshly_queued_job_shows_no_warning(client, world, district_admin):
    job = _job(district_admin, world, status=ImportJob.Status.QUEUED, queued_at=timezone.now())
    client.force_login(district_admin)
    assert client.get(reverse("imports:job_status", args=[job.pk])).json()["warning"] == ""


# ---- undo asks first, then runs in the background ------------------------------------------


def test_undo_asks_for_confirmation_first_and_says_what_it_removes(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)

    html = client.get(reverse("imports:job_undo", args=[job.pk])).content.decode()

    assert "This will remove 1 student it created." in html
    assert "Undo import" in html
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Student.objects.filter(username="ben").exists()  # nothing undone by looking


def test_undo_is_queued_for_the_worker_and_its_outcome_shows_on_the_job_page(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    job = _queued(client, district_admin, world, django_capture_on_commit_callbacks)
    with override_settings(TASKS=DB_TASKS):
        response = client.post(reverse("imports:job_undo", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDOING and job.undone_by == district_admin
    html = response.content.decode()
    assert "Undoing the import…" in html and "import-progress.js" in html
    assert Student.objects.filter(username="ben").exists()

    jobs_undo.job_undo_run(job.pk)  # what the worker does

    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE and job.undone_at
    assert not Student.objects.filter(username="ben").exists()
    assert "Import undone" in client.get(reverse("imports:job", args=[job.pk])).content.decode()


def test_an_undo_whose_worker_is_gone_gives_the_import_back(client, world, district_admin):
    job = _job(
        district_admin,
        world,
        status=ImportJob.Status.UNDOING,
        heartbeat_at=timezone.now() - LONG_AGO,
    )
    client.force_login(district_admin)
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert "stopped while undoing this import; nothing was undone. Try again." in html


# ---- support cancels a stuck import --------------------------------------------------------


def test_support_cancels_a_stuck_import_from_the_admin_with_a_reason(client, world, support):
    job = _job(support, world, status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now())
    client.force_login(support)

    response = client.post(
        reverse("admin:imports_importjob_changelist"),
        {"action": "cancel", "_selected_action": [job.pk], "reason": "district asked"},
        follow=True,
    )

    assert "1 import(s) cancelled." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.failure_reason == (
        "Support (sky) cancelled this import: district asked. Nothing was written; try again."
    )


def test_support_cannot_cancel_a_finished_import(client, world, support):
    job = _job(support, world, status=ImportJob.Status.COMMITTED)
    client.force_login(support)
    response = client.post(
        reverse("admin:imports_importjob_changelist"),
        {"action": "cancel", "_selected_action": [job.pk], "reason": ""},
        follow=True,
    )
    assert "only an import still in progress can be cancelled" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
