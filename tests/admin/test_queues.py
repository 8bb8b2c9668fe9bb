"""The assisted-import queue and the sync runs, worked from the admin."""

import pytest
from django.test import TestCase

from rostering.imports.models import AssistedSubmission, SubmissionFile
from rostering.models import Student
from rostering.sync.models import SyncRun, SyncSource
from tests.imports.views.conftest import students_csv
from tests.sync.engine.conftest import enroll, klass, student, teacher

from .conftest import admin_url

capture_on_commit = TestCase.captureOnCommitCallbacks


@pytest.fixture
def submission(world, district_admin):
    submission = AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin, note="Grade 3 starts Monday"
    )
    SubmissionFile.objects.create(
        submission=submission,
        kind="students",
        file_name="grade3.csv",
        content=students_csv(("Ana", "Lopez", "ana.l", "North Elementary")),
    )
    return submission


def _act(client, action, submission):
    """An admin action; the background task it queues runs as the request's transaction
    commits (the test settings' immediate backend). test_submission_background.py shows the
    request itself does no work."""
    with capture_on_commit(execute=True):
        return client.post(
            admin_url(AssistedSubmission, "changelist"),
            {"action": action, "_selected_action": [submission.pk]},
            follow=True,
        )


def test_support_checks_imports_and_verifies_a_submission(
    support_client,
    submission,
    fake_engine,
):
    queue = support_client.get(admin_url(AssistedSubmission, "changelist")).content.decode()
    assert "Grade 3 starts Monday" in queue and "Submitted" in queue

    response = _act(support_client, "run_checks", submission)
    submission.refresh_from_db()
    assert submission.status == AssistedSubmission.Status.CHECKED
    assert "1 submission(s) queued for checking" in response.content.decode()
    assert not Student.objects.filter(username="ana.l").exists()
    detail = support_client.get(admin_url(submission)).content.decode()
    assert "Ready to import" in detail and "grade3.csv" in detail and "created 1" in detail

    _act(support_client, "run_import", submission)
    submission.refresh_from_db()
    assert submission.status == AssistedSubmission.Status.IMPORTED
    assert Student.objects.filter(username="ana.l", district=submission.district).exists()

    _act(support_client, "mark_verified", submission)
    submission.refresh_from_db()
    assert submission.status == AssistedSubmission.Status.VERIFIED


def test_a_submission_with_errors_shows_them_and_cannot_be_imported(
    support_client,
    submission,
    fake_engine,
):
    submission.files.update(content=students_csv(("Ana", "Lopez", "", "North Elementary")))
    _act(support_client, "run_checks", submission)
    detail = support_client.get(admin_url(submission)).content.decode()
    assert "Has errors" in detail and "Row 2, Username: Username is empty" in detail

    response = _act(support_client, "run_import", submission)

    assert "Fix the errors in grade3.csv" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == AssistedSubmission.Status.CHECKED
    assert not Student.objects.exists()


def test_mark_verified_before_import_is_refused_with_the_reason(support_client, submission):
    response = _act(support_client, "mark_verified", submission)
    assert "Only an imported submission can be marked verified." in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == AssistedSubmission.Status.SUBMITTED


def _held_run(sis):
    sis.users = [student(n) for n in range(1, 11)] + [teacher(1)]
    sis.classes = [klass(1)]
    sis.enrollments = [enroll(1, f"stu-{n}") for n in range(1, 11)]
    sis.sync()
    sis.users = sis.users[5:]
    run = sis.sync()
    assert run.status == SyncRun.Status.HELD
    return run


def test_support_approves_a_held_run_and_the_queue_applies_it(
    support_client, support, sis, django_capture_on_commit_callbacks
):
    run = _held_run(sis)
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(
            admin_url(SyncRun, "changelist"),
            {"action": "approve", "_selected_action": [run.pk]},
            follow=True,
        )
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED and run.decided_by == support
    assert Student.objects.filter(is_active=False).count() == 5
    assert "1 held run(s) approved and queued" in response.content.decode()


def test_approving_a_run_that_is_not_held_is_refused_with_the_reason(support_client, sis):
    sis.users = [student(1)]
    run = sis.sync()
    assert run.status == SyncRun.Status.SUCCEEDED
    response = support_client.post(
        admin_url(SyncRun, "changelist"),
        {"action": "approve", "_selected_action": [run.pk]},
        follow=True,
    )
    assert "Only a held run can be approved." in response.content.decode()


def test_support_discards_a_held_run(support_client, sis):
    run = _held_run(sis)
    support_client.post(
        admin_url(SyncRun, "changelist"), {"action": "discard", "_selected_action": [run.pk]}
    )
    run.refresh_from_db()
    assert run.status == SyncRun.Status.DISCARDED
    assert not Student.objects.filter(is_active=False).exists()


def test_rerun_sync_queues_a_run_for_the_district(
    support_client,
    support,
    sis,
    django_capture_on_commit_callbacks,
):
    sis.users = [student(1)]
    sis.write()
    SyncSource.objects.filter(district=sis.district).update(
        source_type=SyncSource.SourceType.ONEROSTER_FOLDER, folder_path=str(sis.folder)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(
            admin_url(type(sis.district), "changelist"),
            {"action": "rerun_sync", "_selected_action": [sis.district.pk]},
            follow=True,
        )
    assert "Sync queued for Cedar District" in response.content.decode()
    run = SyncRun.objects.get(district=sis.district)
    assert run.created_by == support and run.trigger == SyncRun.Trigger.MANUAL
    # Tests run tasks as they are queued: the run has happened.
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    assert Student.objects.filter(username="kid1", origin="synced").exists()


def _rerun(client, district):
    return client.post(
        admin_url(type(district), "changelist"),
        {"action": "rerun_sync", "_selected_action": [district.pk]},
        follow=True,
    ).content.decode()


def test_rerun_is_refused_while_a_held_run_waits_for_a_decision(support_client, sis):
    _held_run(sis)
    SyncSource.objects.filter(district=sis.district).update(
        source_type=SyncSource.SourceType.ONEROSTER_FOLDER, folder_path=str(sis.folder)
    )

    page = _rerun(support_client, sis.district)

    assert "A held run is waiting for a decision: approve or discard it first." in page
    assert not SyncRun.objects.filter(status=SyncRun.Status.QUEUED).exists()


def test_rerun_of_a_district_without_a_source_says_to_set_one_up(support_client, world):
    page = _rerun(support_client, world.district)

    assert "Set up the source first" in page
    assert not SyncRun.objects.exists()
