"""Issue 12: three worker processes on one PostgreSQL share 30 imports and syncs.

Ten districts each have a sync queued by "Sync now", an import queued, and a daily schedule
that is due: the workers' own beat queues that scheduled sync once the first is done (whichever
worker claims the slot). Every job runs exactly once, the two syncs of a district never
overlap (the second finds everything the first wrote: nothing to create, no duplicate), and
all 30 finish.
"""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from rostering.imports import jobs
from rostering.imports.models import ImportJob
from rostering.models import Educator, Student
from rostering.sync.models import SyncRun, SyncSource
from rostering.sync.services import sync_enqueue
from tests import factories
from tests.oneroster.csvset import write_set
from tests.sync.engine.conftest import SCHOOLS, student

from .conftest import DB_TASKS, subprocess_env, wait_until, worker_command

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="many machines share one PostgreSQL; SQLite allows one writer on one machine",
    ),
    pytest.mark.django_db(transaction=True),  # the worker processes must see committed rows
]

DISTRICTS = 10
STUDENTS = 15


def a_district(n: int, drop):
    district = factories.DistrictFactory(name=f"District {n}", slug=f"d{n}")
    school = factories.SchoolFactory(district=district, name="North Elementary", external_id="N1")
    admin = factories.EducatorFactory(
        organization=district,
        username=f"admin{n}",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
    ).user
    folder = drop / district.slug
    users = [
        student(n * 100 + i, username=f"d{n}kid{i}", identifier=f"{n}-{i}") for i in range(STUDENTS)
    ]
    write_set(folder, orgs=SCHOOLS, users=users, classes=[], enrollments=[])
    SyncSource.objects.create(
        district=district,
        source_type="oneroster_folder",
        folder_path=str(folder),
        schedule="daily",
        time_of_day=time(0, 0),
        hold_threshold_percent=100,
    )
    return district, school, admin


def test_three_workers_run_thirty_jobs_of_ten_districts_each_once(
    start_process, tmp_path, settings
):
    drop = tmp_path / "drop"
    settings.SYNC_FOLDER_ROOT = str(drop)
    db = connection.settings_dict
    env = subprocess_env(
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        SYNC_FOLDER_ROOT=str(drop),
        JOB_HEARTBEAT_SECONDS="1",
    )
    with override_settings(TASKS=DB_TASKS):
        districts = []
        for n in range(DISTRICTS):
            district, school, admin = a_district(n, drop)
            csv = "First Name,Last Name,Username,Student ID,Organizations\r\n" + "".join(
                f"Manual{i},Kid,d{n}manual{i},M{n}-{i},North Elementary\r\n" for i in range(5)
            )
            job = jobs.job_create(
                actor=admin, kind="students", file_name=f"d{n}.csv", content=csv.encode()
            )
            assert job.status == ImportJob.Status.CHECKED and not job.errors, job.errors
            jobs.job_confirm(actor=admin, job=job)
            sync_enqueue(actor=admin, district=district, dry_run=False)
            districts.append(district)

    workers = [start_process(*worker_command(), env=env, name=f"worker{i}") for i in range(3)]

    def all_done():
        for worker in workers:
            assert worker.alive(), worker.log()
        runs = SyncRun.objects.filter(district__in=districts)
        finished = runs.exclude(status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING])
        imported = ImportJob.objects.filter(status=ImportJob.Status.COMMITTED).count()
        return finished.count() == 2 * DISTRICTS and imported == DISTRICTS

    wait_until(all_done, timeout=300, what="30 imports and syncs to finish")

    for district in districts:
        first, second = SyncRun.objects.filter(district=district).order_by("pk")
        assert (first.trigger, second.trigger) == ("manual", "schedule")
        assert first.status == second.status == SyncRun.Status.SUCCEEDED, second.failure_reason
        assert first.counts["created"] == STUDENTS
        assert second.counts["created"] == 0  # it ran after the first, on what it wrote
        assert second.started_at >= first.finished_at  # never overlapping
        assert Student.objects.filter(district=district).count() == STUDENTS + 5
    tasks = DBTaskResult.objects.exclude(task_path__endswith="import_check_task")
    assert tasks.count() == 3 * DISTRICTS
    assert {t.status for t in tasks} == {"SUCCESSFUL"}
    assert all(len(t.worker_ids) == 1 for t in tasks)  # each claimed once, run once
    assert len({t.worker_ids[0] for t in tasks}) >= 2  # shared between the workers
