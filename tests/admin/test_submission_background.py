"""Support's assisted submissions run in the background worker, like the portal's imports:
"Run the checks" and "Import" only queue the work and answer at once; the worker's task
checks or imports the files with a heartbeat; a submission whose worker is gone is failed
with the reason; any failure ends it stopped with a message, never stuck. Support downloads
the files the district sent, reads every error, and opens each file's full preview."""

from __future__ import annotations

import tracemalloc
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rostering.imports import engine, submissions
from rostering.imports.models import AssistedSubmission, ImportJob, SubmissionFile
from rostering.models import Student
from tests import factories
from tests import hostile_files as hostile
from tests.imports.views.conftest import students_csv

from .conftest import admin_url

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
Status = AssistedSubmission.Status
ANA = students_csv(("Ana", "Lopez", "ana.l", "North Elementary"))


@pytest.fixture
def submission(world, district_admin):
    submission = AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin, note="Grade 3 starts Monday"
    )
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="grade3.csv", content=ANA
    )
    return submission


def _act(client, action, submission, capture):
    """The admin action as a browser sends it; the queued task goes to the database backend
    (as in production), so nothing runs until a worker takes it."""
    with override_settings(TASKS=DB_TASKS), capture(execute=True):
        return client.post(
            admin_url(AssistedSubmission, "changelist"),
            {"action": action, "_selected_action": [submission.pk]},
            follow=True,
        )


def _page(client, submission) -> str:
    return client.get(admin_url(submission)).content.decode()


# ---- the request queues, the worker works ------------------------------------------------


def test_fake_engine_run_the_checks_answers_before_any_file_is_read(
    support_client, support, submission, fake_engine, django_capture_on_commit_callbacks
):
    response = _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)

    assert "1 submission(s) queued for checking" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.CHECKING
    assert fake_engine.calls == [] and not ImportJob.objects.exists()
    page = _page(support_client, submission)
    assert "Being checked by the background worker" in page
    assert 'data-reload-seconds' in page

    submissions.submission_check_run(submission.pk, support.pk)  # what the worker does

    submission.refresh_from_db()
    assert submission.status == Status.CHECKED
    assert fake_engine.calls == [("check", "students", support)]
    page = _page(support_client, submission)
    assert "Ready to import" in page and 'data-reload-seconds' not in page


def test_fake_engine_import_answers_before_any_row_is_written(
    support_client, support, submission, fake_engine, django_capture_on_commit_callbacks
):
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    submissions.submission_check_run(submission.pk, support.pk)

    response = _act(support_client, "run_import", submission, django_capture_on_commit_callbacks)

    assert "1 submission(s) queued for import" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.IMPORTING
    assert not Student.objects.exists()

    submissions.submission_import_run(submission.pk, support.pk)

    submission.refresh_from_db()
    assert submission.status == Status.IMPORTED, submission.failure_reason
    job = submission.import_jobs.get()
    assert job.status == ImportJob.Status.COMMITTED  # kept and undoable like any import
    assert Student.objects.filter(username="ana.l", district=submission.district).exists()


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_fake_engine_the_database_worker_checks_and_imports_a_queued_submission(
    client, world, district_admin, support, fake_engine
):
    submission = AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin
    )
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="grade3.csv", content=ANA
    )
    client.force_login(support)
    changelist = admin_url(AssistedSubmission, "changelist")
    with override_settings(TASKS=DB_TASKS):
        client.post(changelist, {"action": "run_checks", "_selected_action": [submission.pk]})
        assert AssistedSubmission.objects.get().status == Status.CHECKING
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        assert AssistedSubmission.objects.get().status == Status.CHECKED

        client.post(changelist, {"action": "run_import", "_selected_action": [submission.pk]})
        assert not Student.objects.exists()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert AssistedSubmission.objects.get().status == Status.IMPORTED
    assert Student.objects.filter(username="ana.l").exists()


def test_fake_engine_a_submission_cannot_be_queued_twice(
    support_client, submission, fake_engine, django_capture_on_commit_callbacks
):
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    response = _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    assert "It is being checked already." in response.content.decode()


def test_a_portal_role_cannot_queue_the_checks(client, district_admin, submission):
    client.force_login(district_admin)
    response = client.post(
        admin_url(AssistedSubmission, "changelist"),
        {"action": "run_checks", "_selected_action": [submission.pk]},
    )
    assert response.status_code == 302 and reverse("admin:login") in response.url
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


# ---- never stuck ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.CHECKING, "stopped while checking these files; nothing was written"),
        (Status.IMPORTING, "stopped while importing these files"),
    ],
)
def test_a_submission_whose_worker_is_gone_is_failed_with_the_reason(
    support_client, submission, status, words
):
    AssistedSubmission.objects.filter(pk=submission.pk).update(
        status=status, heartbeat_at=timezone.now() - timedelta(hours=1)
    )

    page = _page(support_client, submission)

    submission.refresh_from_db()
    assert submission.status == Status.FAILED
    assert words in submission.failure_reason and words in page
    assert 'data-reload-seconds' not in page


def test_a_submission_no_worker_picked_up_says_the_worker_may_be_down(support_client, submission):
    AssistedSubmission.objects.filter(pk=submission.pk).update(
        status=Status.CHECKING, queued_at=timezone.now() - timedelta(seconds=90)
    )
    with override_settings(WORKER_WARNING_SECONDS=30):
        page = _page(support_client, submission)
    assert "No worker has picked this up for 9" in page
    assert "the background worker may be down" in page


def test_fake_engine_a_stopped_submission_can_be_checked_again(
    support_client, support, submission, fake_engine, django_capture_on_commit_callbacks
):
    AssistedSubmission.objects.filter(pk=submission.pk).update(
        status=Status.FAILED, failure_reason="The background worker stopped"
    )
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    submissions.submission_check_run(submission.pk, support.pk)
    submission.refresh_from_db()
    assert submission.status == Status.CHECKED and submission.failure_reason == ""


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (MemoryError(), "needs more memory to check than the server allows"),
        (OperationalError("server closed the connection"), "stopped on a database problem"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), "We could not read grade3.csv"),
    ],
)
def test_a_file_that_breaks_the_check_stops_the_submission_with_a_message(
    support_client,
    support,
    submission,
    monkeypatch,
    django_capture_on_commit_callbacks,
    error,
    words,
):
    SubmissionFile.objects.create(
        submission=submission, kind="organizations", file_name="orgs.csv", content=b"Name\r\nA\r\n"
    )
    calls = []

    def check_file(**kwargs):
        calls.append(kwargs["file_name"])
        if kwargs["file_name"] == "grade3.csv":
            raise error
        return engine.ImportPlan(kind=kwargs["kind"], created=1)

    monkeypatch.setattr(engine, "check_file", check_file)
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)

    done = submissions.submission_check_run(submission.pk, support.pk)

    assert calls == ["orgs.csv", "grade3.csv"]  # organizations first
    assert done.status == Status.FAILED and words in done.failure_reason
    assert not ImportJob.objects.exists()  # all or nothing: orgs.csv's check is not kept
    assert words in _page(support_client, submission)


def test_fake_engine_an_import_that_fails_says_which_file_and_what_is_already_in(
    support_client,
    support,
    world,
    submission,
    fake_engine,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    SubmissionFile.objects.create(
        submission=submission, kind="organizations", file_name="orgs.csv", content=ANA
    )
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    submissions.submission_check_run(submission.pk, support.pk)
    real_commit = engine.commit_file

    def commit_file(**kwargs):
        if kwargs["kind"] == "students":
            raise OperationalError("the database went away")
        return real_commit(**kwargs)

    monkeypatch.setattr(engine, "commit_file", commit_file)
    _act(support_client, "run_import", submission, django_capture_on_commit_callbacks)

    done = submissions.submission_import_run(submission.pk, support.pk)

    assert done.status == Status.FAILED
    assert done.failure_reason.startswith(
        "grade3.csv was not imported: The import stopped on a database problem; nothing was "
        "written."
    )
    assert "Already imported: orgs.csv." in done.failure_reason
    statuses = dict(submission.import_jobs.values_list("file_name", "status"))
    assert statuses == {"orgs.csv": "committed", "grade3.csv": "failed"}

    # Support runs the checks again and imports the rest.
    monkeypatch.setattr(engine, "commit_file", real_commit)
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    submissions.submission_check_run(submission.pk, support.pk)
    _act(support_client, "run_import", submission, django_capture_on_commit_callbacks)
    done = submissions.submission_import_run(submission.pk, support.pk)
    assert done.status == Status.IMPORTED, done.failure_reason
    # The failed job left the submission (it stays in the import history); orgs.csv, already
    # imported, was not checked or imported a second time.
    kept = sorted(submission.import_jobs.values_list("file_name", "status"))
    assert kept == [("grade3.csv", "committed"), ("orgs.csv", "committed")]
    assert ImportJob.objects.filter(file_name="orgs.csv").count() == 1
    assert ImportJob.objects.filter(file_name="grade3.csv", status="failed").exists()


# ---- hostile files through the admin path ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "build", "words"),
    [
        (
            "students",
            "kids.xlsx",
            lambda: hostile.shared_strings_xlsx(["First Name"]),
            "expands more than 100 times when unzipped",
        ),
        ("oneroster", "bomb.zip", hostile.zip_bomb, "looks like a zip bomb"),
        (
            "students",
            "kids.xlsx",
            lambda: hostile.forged_dimension_xlsx(
                [
                    ["First Name", "Last Name", "Username", "Organizations"],
                    ["Ana", "L", "ana", "North"],
                ]
            ),
            None,
        ),
    ],
)
def test_a_hostile_file_is_refused_by_the_worker_in_little_memory(
    support_client,
    support,
    submission,
    django_capture_on_commit_callbacks,
    kind,
    name,
    build,
    words,
):
    submission.files.all().delete()
    SubmissionFile.objects.create(submission=submission, kind=kind, file_name=name, content=build())
    tracemalloc.start()
    try:
        _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
        _, request_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        done = submissions.submission_check_run(submission.pk, support.pk)
        _, worker_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert request_peak < 50 * 1024 * 1024, request_peak
    assert worker_peak < 300 * 1024 * 1024, worker_peak
    assert done.status in (Status.CHECKED, Status.FAILED)  # never left checking
    page = _page(support_client, submission)
    if words:
        assert words in page
        assert not done.check_result.get("ok")
    assert not Student.objects.exists()


# ---- a good tool: the files, every error, the full preview ---------------------------------


def test_support_downloads_the_file_the_district_sent(support_client, submission):
    item = submission.files.get()
    page = _page(support_client, submission)
    url = reverse("admin:imports_assistedsubmission_file", args=[submission.pk, item.pk])
    assert url in page

    response = support_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="grade3.csv"'
    assert response.content == ANA


def test_only_support_downloads_a_submitted_file(client, district_admin, world, submission):
    item = submission.files.get()
    url = reverse("admin:imports_assistedsubmission_file", args=[submission.pk, item.pk])
    client.force_login(district_admin)
    response = client.get(url)
    assert response.status_code == 302 and reverse("admin:login") in response.url

    staff = factories.UserFactory(username="clerk", is_staff=True)  # staff, not support
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 302 and reverse("admin:login") in response.url

    other = AssistedSubmission.objects.create(district=world.other_district)
    client.force_login(factories.SupportUserFactory(username="sam"))
    wrong = reverse("admin:imports_assistedsubmission_file", args=[other.pk, item.pk])
    assert client.get(wrong).status_code == 404  # a file is found only in its submission


def test_fake_engine_support_sees_every_error_and_opens_the_full_preview(
    support_client, support, submission, fake_engine, django_capture_on_commit_callbacks
):
    rows = [("Kid", f"Doe{n}", "", "North") for n in range(60)]
    submission.files.update(content=students_csv(*rows, ("Ana", "Lopez", "ana.l", "North")))
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)
    submissions.submission_check_run(submission.pk, support.pk)

    page = _page(support_client, submission)

    assert "60 error(s)" in page
    assert page.count("Username is empty: type one.") == 60
    assert "Row 61, Username: Username is empty" in page
    job = submission.import_jobs.get()
    preview = reverse("imports:job", args=[job.pk])
    assert preview in page
    html = support_client.get(preview).content.decode()
    assert "Ana (ana.l)" in html and "60 errors: nothing will be written." in html
    assert "for Maple District" in html  # support sees whose file it is


def test_a_database_error_while_recording_the_stop_still_ends_the_submission_stopped(
    support_client, support, submission, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db.models.query import QuerySet

    monkeypatch.setattr(engine, "check_file", lambda **kw: (_ for _ in ()).throw(MemoryError()))
    monkeypatch.setattr("rostering.liveness.RETRY_DELAYS", (0, 0, 0))
    real_update = QuerySet.update
    failures = []

    def flaky_update(self, **kwargs):
        if self.model is AssistedSubmission and "failure_reason" in kwargs and not failures:
            failures.append(1)
            raise OperationalError("the database went away")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    _act(support_client, "run_checks", submission, django_capture_on_commit_callbacks)

    done = submissions.submission_check_run(submission.pk, support.pk)

    assert failures == [1]
    assert done.status == Status.FAILED and "more memory" in done.failure_reason


def test_the_district_sees_a_stopped_submission_as_with_support(client, district_admin, submission):
    AssistedSubmission.objects.filter(pk=submission.pk).update(
        status=Status.FAILED, failure_reason="The background worker stopped while checking"
    )
    client.force_login(district_admin)
    page = client.get(reverse("imports:submission", args=[submission.pk])).content.decode()
    assert "With support" in page
    assert "background worker" not in page  # support's business, not the district's
