"""`run_due_syncs --wait` (cron's command): it queues the due sync, a real worker process runs
it, and the command waits for the run and exits 0 when it succeeded, 1 (with the run's reason
on stderr) when it failed or was refused."""

from __future__ import annotations

import io
from datetime import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from rostering.models import Student
from rostering.sync.models import SyncRun, SyncSource
from tests import factories
from tests.oneroster.csvset import set_files, zip_set
from tests.sync.engine.conftest import SCHOOLS, student

from .conftest import DB_TASKS, subprocess_env, worker_command

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process shares the test database: SQLite's is in this process's memory",
    ),
    pytest.mark.django_db(transaction=True),  # the worker process must see committed rows
]


def _due_district(snapshot: bytes):
    district = factories.DistrictFactory(name="Cedar District", slug="cedar")
    factories.SchoolFactory(district=district, name="North Elementary", external_id="N1")
    SyncSource.objects.create(
        district=district,
        uploaded_name="sis.zip",
        uploaded_snapshot=snapshot,
        schedule=SyncSource.Schedule.DAILY,
        time_of_day=time(0, 0),
        hold_threshold_percent=100,
    )
    return district


def _run_due_syncs_waiting(start_process) -> tuple[int, str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    # The worker only runs tasks: the schedule is the command's to queue here.
    env = subprocess_env(url, WORKER_RUNS_SCHEDULE="0", JOB_HEARTBEAT_SECONDS="1")
    worker = start_process(*worker_command(), env=env)
    out, err = io.StringIO(), io.StringIO()
    with override_settings(TASKS=DB_TASKS):
        try:
            call_command("run_due_syncs", wait=120, stdout=out, stderr=err)
            status = 0
        except SystemExit as exit_:
            status = exit_.code
    assert worker.alive(), worker.log()
    return status, out.getvalue(), err.getvalue()


def test_wait_waits_for_the_worker_to_run_the_sync_and_exits_0(start_process):
    users = [student(n, identifier=f"ID{n}") for n in range(3)]
    district = _due_district(zip_set(set_files(orgs=SCHOOLS, users=users)))

    status, out, err = _run_due_syncs_waiting(start_process)

    assert (status, err) == (0, ""), out
    assert "Queued the sync of Cedar District" in out
    run = SyncRun.objects.get(district=district)
    assert run.status == SyncRun.Status.SUCCEEDED and run.trigger == SyncRun.Trigger.SCHEDULE
    assert Student.objects.filter(district=district).count() == 3  # done before it returned


def test_wait_exits_1_with_the_reason_when_the_run_fails(start_process):
    district = _due_district(zip_set({"orgs.csv": set_files(orgs=SCHOOLS)["orgs.csv"]}))

    status, _out, err = _run_due_syncs_waiting(start_process)

    assert status == 1
    run = SyncRun.objects.get(district=district)
    assert run.status == SyncRun.Status.FAILED
    assert f"The sync of Cedar District (run {run.pk}) failed: " in err
    assert "users.csv" in err


def test_wait_exits_1_when_the_run_is_refused_for_rostering_nobody(start_process):
    users = [student(n, username=f"kid\t{n}") for n in range(3)]  # every username refused
    district = _due_district(zip_set(set_files(orgs=SCHOOLS, users=users)))

    status, _out, err = _run_due_syncs_waiting(start_process)

    assert status == 1
    run = SyncRun.objects.get(district=district)
    assert run.status == SyncRun.Status.REFUSED
    assert f"(run {run.pk}) was refused: " in err
    assert not Student.objects.filter(district=district).exists()
