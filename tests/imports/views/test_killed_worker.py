"""A real worker killed in the middle of an import (PostgreSQL): its heartbeat stops, stale
detection fails the job with the reason, and nothing of the import was written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from rostering.imports import engine, jobs
from rostering.imports.models import ImportJob
from rostering.imports.tasks import import_commit_task
from rostering.liveness import fail_stale
from rostering.models import Student

from .conftest import students_csv

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ROWS = 10_000  # enough for the engine to be busy for a while


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a second process writing beside a running import needs PostgreSQL")


def _wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _big_file() -> bytes:
    rows = [(f"Kid{n}", "Many", f"kid.many{n}", "North Elementary") for n in range(ROWS)]
    return students_csv(*rows)


def _no_other_sessions() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] == 0


def _heartbeat(job_id: int):
    return ImportJob.objects.filter(pk=job_id).values_list("heartbeat_at", flat=True).first()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_a_failed_job_and_no_rows(world, district_admin):
    _needs_postgresql()
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="many.csv",
        file_content=_big_file(),
        status=ImportJob.Status.QUEUED,
        queued_at=timezone.now(),
    )
    with override_settings(TASKS=DB_TASKS):
        import_commit_task.enqueue(job.pk)
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.imports.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "JOB_HEARTBEAT_SECONDS": "0.2",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING, 60
        ), "the worker never started the import"
        first = _heartbeat(job.pk)
        # The worker is inside the engine's transaction; its heartbeat still reaches us.
        assert _wait_for(lambda: _heartbeat(job.pk) > first, 30), "no heartbeat while running"
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    # A heartbeat the worker sent just before it died may still commit: its database sessions
    # finish their last statement, then end. Only then is its last beat known.
    assert _wait_for(_no_other_sessions, 30), "the dead worker's database sessions stayed"
    last = _heartbeat(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # nobody has noticed yet
    with override_settings(JOB_STALE_SECONDS=1):
        assert _wait_for(lambda: fail_stale() > 0, 30)
    job.refresh_from_db()
    assert _heartbeat(job.pk) == last  # the dead worker beat no more
    assert job.status == ImportJob.Status.FAILED
    assert "The background worker stopped while importing this file; nothing was written." in (
        job.failure_reason
    )
    assert not Student.objects.filter(username__startswith="kid.many").exists()


@pytest.mark.django_db(transaction=True)
def test_fake_engine_heartbeat_reaches_other_connections_inside_the_commit_transaction(
    world, district_admin, monkeypatch
):
    _needs_postgresql()
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="s.csv",
        file_content=students_csv(("Ben", "Kim", "ben", "North")),
        status=ImportJob.Status.QUEUED,
    )
    seen = []

    def commit_file(**kwargs):
        assert connection.in_atomic_block
        poller = connections.create_connection("default")
        try:

            def beat():
                with poller.cursor() as cursor:
                    cursor.execute("SELECT heartbeat_at FROM imports_importjob WHERE id=%s", [job.pk])
                    return cursor.fetchone()[0]

            start = beat()
            seen.append(_wait_for(lambda: beat() > start, 30))
        finally:
            poller.close()
        raise engine.ImportRejected(engine.ImportPlan(kind="students"))

    monkeypatch.setattr(engine, "commit_file", commit_file)
    with override_settings(JOB_HEARTBEAT_SECONDS=0.05):
        jobs.job_run(job.pk)
    assert seen == [True]
