"""A real worker killed while it imports an assisted submission (PostgreSQL): the submission's
heartbeat stops, stale detection ends it stopped with the reason (support runs the checks
again), the file being imported is failed too, and none of its rows were written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from rostering.imports import submissions
from rostering.imports.models import AssistedSubmission, ImportJob, SubmissionFile
from rostering.liveness import fail_stale
from rostering.models import Student
from tests.imports.views.test_killed_worker import (
    DB_TASKS,
    ROOT,
    _big_file,
    _needs_postgresql,
    _wait_for,
)

Status = AssistedSubmission.Status


def _beat(pk: int):
    return AssistedSubmission.objects.filter(pk=pk).values_list("heartbeat_at", flat=True).first()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_submission_import_leaves_it_stopped_and_no_rows(
    world, district_admin, support
):
    _needs_postgresql()
    submission = AssistedSubmission.objects.create(
        district=world.district, submitted_by=district_admin
    )
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="many.csv", content=_big_file()
    )
    submissions.submission_check(actor=support, submission=submission)  # immediate: checks
    submission.refresh_from_db()
    assert submission.status == Status.CHECKED, submission.failure_reason
    with override_settings(TASKS=DB_TASKS):
        submissions.submission_import(actor=support, submission=submission)
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.imports.worker_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "JOB_HEARTBEAT_SECONDS": "0.2",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    job = submission.import_jobs.get()
    try:
        assert _wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING, 60
        ), "the worker never started the import"
        first = _beat(submission.pk)
        assert first is not None
        assert _wait_for(lambda: _beat(submission.pk) > first, 30), "no heartbeat while importing"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    assert AssistedSubmission.objects.get(pk=submission.pk).status == Status.IMPORTING
    with override_settings(JOB_STALE_SECONDS=1):
        # The submission and its job each go stale from their own last heartbeat: wait for
        # both (one pass may fail the submission a moment before its job's beat is old).
        def both_failed() -> bool:
            fail_stale()
            job_status = ImportJob.objects.get(pk=job.pk).status
            return _stopped(submission.pk) and job_status == ImportJob.Status.FAILED

        assert _wait_for(both_failed, 30)
    submission.refresh_from_db()
    assert "The background worker stopped while importing these files" in (
        submission.failure_reason
    )
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED
    assert not Student.objects.filter(username__startswith="kid.many").exists()


def _stopped(pk: int) -> bool:
    return AssistedSubmission.objects.get(pk=pk).status == Status.FAILED
