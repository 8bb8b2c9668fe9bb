"""A sync run never stays "running": a run whose worker is gone is failed and unblocks the
district, every failure inside the task ends the run failed with a message (even when
recording it hits a database error), support can cancel a stuck run, and a run no worker
picks up says the worker may be down."""

from __future__ import annotations

import _csv
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rostering.models import Student
from rostering.sync import engine, services
from rostering.sync.models import SyncRun
from rostering.sync.sources import ZipSource
from rostering.sync.tasks import run_sync_task

from .conftest import sis_zip, upload_source

LONG_AGO = timedelta(hours=1)


def _stuck_run(district, **fields) -> SyncRun:
    """A run a killed worker left "running", last heard from an hour ago."""
    then = timezone.now() - LONG_AGO
    run = SyncRun.objects.create(
        district=district,
        status=SyncRun.Status.RUNNING,
        started_at=then,
        heartbeat_at=then,
        **fields,
    )
    return run


def test_a_run_left_running_by_a_dead_worker_no_longer_blocks_sync_now(
    client, world, district_admin, configured, django_capture_on_commit_callbacks
):
    stuck = _stuck_run(world.district)
    client.force_login(district_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sync:sync_now"), follow=True)

    html = response.content.decode()
    assert "already queued or running" not in html
    stuck.refresh_from_db()
    assert stuck.status == SyncRun.Status.FAILED and stuck.finished_at
    assert "background worker stopped while running this sync; nothing was applied" in (
        stuck.failure_reason
    )
    assert "Try again." in stuck.failure_reason
    new = SyncRun.objects.exclude(pk=stuck.pk).get()
    assert new.status == SyncRun.Status.SUCCEEDED
    assert set(Student.objects.values_list("username", flat=True)) == {"kid1", "kid2"}


def test_a_stuck_run_page_says_it_failed_and_to_try_again(client, world, district_admin):
    stuck = _stuck_run(world.district)
    client.force_login(district_admin)

    html = client.get(reverse("sync:run", args=[stuck.pk])).content.decode()
    status = client.get(reverse("sync:run_status", args=[stuck.pk])).json()

    assert "The background worker stopped while running this sync" in html
    assert "sync-run.js" not in html
    assert status["status"] == "failed" and status["finished"] is True


def test_a_running_run_with_a_fresh_heartbeat_is_left_alone(world, configured):
    alive = SyncRun.objects.create(
        district=world.district,
        status=SyncRun.Status.RUNNING,
        started_at=timezone.now() - LONG_AGO,  # a long run, but its worker still beats
        heartbeat_at=timezone.now(),
    )
    call_command("fail_stale_jobs", verbosity=0)
    alive.refresh_from_db()
    assert alive.status == SyncRun.Status.RUNNING


def test_the_command_fails_stuck_runs_and_says_how_many(world, capsys):
    _stuck_run(world.district)
    with override_settings(JOB_STALE_SECONDS=60):
        call_command("fail_stale_jobs")
    assert "1 stuck import(s)/sync run(s) marked failed" in capsys.readouterr().out
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (MemoryError(), "needs more memory to read than the server allows"),
        (OperationalError("server closed the connection"), "database problem"),
        (_csv.Error("field larger than field limit (131072)"), "could not be read"),
    ],
    ids=["memory", "database", "csv"],
)
def test_any_failure_while_reading_the_snapshot_ends_the_run_failed(
    world, configured, district_admin, monkeypatch, error, words
):
    def explode(source):
        raise error

    monkeypatch.setattr(ZipSource, "open_snapshot", explode)
    run = SyncRun.objects.create(district=world.district, created_by=district_admin)

    run_sync_task.enqueue(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert words in run.failure_reason and "nothing was applied" in run.failure_reason
    assert not Student.objects.exists()


def test_a_database_error_while_applying_ends_the_run_failed_and_applies_nothing(
    world, configured, monkeypatch
):
    def broken(plan, *, actor):
        raise OperationalError("could not write to the database")

    monkeypatch.setattr(engine, "apply_plan", broken)
    run = SyncRun.objects.create(district=world.district)

    run_sync_task.enqueue(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert "nothing was applied" in run.failure_reason
    assert not Student.objects.exists()


def test_a_database_error_while_recording_the_failure_still_ends_the_run_failed(
    world, configured, monkeypatch
):
    monkeypatch.setattr(
        ZipSource, "open_snapshot", lambda source: (_ for _ in ()).throw(MemoryError())
    )
    monkeypatch.setattr("rostering.liveness.RETRY_DELAYS", (0, 0, 0))
    real_save = SyncRun.save
    failures = []

    def flaky_save(self, *args, **kwargs):
        if "failure_reason" in (kwargs.get("update_fields") or ()) and not failures:
            failures.append(1)
            raise OperationalError("the database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(SyncRun, "save", flaky_save)
    run = SyncRun.objects.create(district=world.district)

    run_sync_task.enqueue(run.pk)

    run.refresh_from_db()
    assert failures == [1]  # the first attempt to record the failure did fail
    assert run.status == SyncRun.Status.FAILED and "more memory" in run.failure_reason


def test_an_unexpected_error_outside_the_engine_ends_the_run_failed(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("rostering.sync.tasks.run_sync", broken)
    run = SyncRun.objects.create(district=world.district)

    run_sync_task.enqueue(run.pk)

    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert run.failure_reason == engine.UNEXPECTED


def test_a_run_failed_meanwhile_keeps_its_failure_and_applies_nothing(
    world, configured, monkeypatch
):
    """Stale detection failed the run while a slow worker was still planning: the worker's
    changes roll back, so "nothing was applied" stays true."""
    real_build = engine.build_plan

    def slow_build(**kwargs):
        plan = real_build(**kwargs)
        SyncRun.objects.filter(district=world.district).update(
            status=SyncRun.Status.FAILED, failure_reason="Cancelled meanwhile."
        )
        return plan

    monkeypatch.setattr(engine, "build_plan", slow_build)
    run = SyncRun.objects.create(district=world.district)

    run_sync_task.enqueue(run.pk)

    run.refresh_from_db()
    # Here the "other" write shares the worker's connection, so it rolls back with it; what
    # matters is that the worker did not mark the run succeeded nor keep its changes.
    assert run.status != SyncRun.Status.SUCCEEDED
    assert not Student.objects.exists()


def test_a_run_no_worker_picked_up_says_the_worker_may_be_down(
    client, world, district_admin
):
    run = SyncRun.objects.create(district=world.district, queued_at=timezone.now())
    SyncRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(seconds=95))
    client.force_login(district_admin)

    with override_settings(WORKER_WARNING_SECONDS=30):
        html = client.get(reverse("sync:run", args=[run.pk])).content.decode()
        status = client.get(reverse("sync:run_status", args=[run.pk])).json()

    assert "No worker has picked this up for 9" in html
    assert "the background worker may be down" in html
    assert status["warning"].startswith("No worker has picked this up for 9")
    assert status["finished"] is False


def test_a_freshly_queued_run_shows_no_warning(client, world, district_admin):
    run = SyncRun.objects.create(district=world.district, queued_at=timezone.now())
    client.force_login(district_admin)
    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    assert "Queued: the sync starts in a moment." in html
    assert "No worker has picked this up" not in html


def test_support_cancels_a_stuck_run_with_a_reason_and_the_district_can_sync_again(
    client, world, support, configured, district_admin
):
    stuck = SyncRun.objects.create(
        district=world.district,
        status=SyncRun.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    client.force_login(support)

    response = client.post(
        reverse("admin:sync_syncrun_changelist"),
        {
            "action": "cancel",
            "_selected_action": [stuck.pk],
            "reason": "worker restarted during the run",
        },
        follow=True,
    )

    assert "1 run(s) cancelled; their districts can sync again." in response.content.decode()
    stuck.refresh_from_db()
    assert stuck.status == SyncRun.Status.FAILED
    assert stuck.failure_reason == (
        "Support (sky) cancelled this run: worker restarted during the run. Nothing was applied."
    )
    run = services.sync_enqueue(actor=district_admin, district=world.district, dry_run=True)
    assert run.status == SyncRun.Status.QUEUED


def test_cancel_refuses_a_finished_run(client, world, support):
    done = SyncRun.objects.create(district=world.district, status=SyncRun.Status.SUCCEEDED)
    client.force_login(support)
    response = client.post(
        reverse("admin:sync_syncrun_changelist"),
        {"action": "cancel", "_selected_action": [done.pk], "reason": ""},
        follow=True,
    )
    assert "only a queued or running run can be cancelled" in response.content.decode()
    done.refresh_from_db()
    assert done.status == SyncRun.Status.SUCCEEDED


def test_an_approved_held_run_nobody_applies_can_be_cancelled(world, support, held_run):
    held_run.decided_by = support
    held_run.save(update_fields=["decided_by"])
    assert services.run_cancel(actor=support, run=held_run, reason="")
    held_run.refresh_from_db()
    assert held_run.status == SyncRun.Status.FAILED and held_run.snapshot is None
    assert "it was stuck" in held_run.failure_reason


def test_upload_of_a_new_zip_after_a_stuck_run_still_syncs(
    world, district_admin, django_capture_on_commit_callbacks
):
    upload_source(world.district, sis_zip(students=3))
    _stuck_run(world.district)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.sync_enqueue(actor=district_admin, district=world.district, dry_run=False)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED


def test_looking_for_stale_work_only_reads_when_nothing_is_stale(world, district_admin):
    """Pages look for stale work on every view; on SQLite a write would wait for the write
    lock of a long import or sync, so with nothing stale they must not write at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rostering.liveness import fail_stale

    SyncRun.objects.create(
        district=world.district, status=SyncRun.Status.RUNNING, heartbeat_at=timezone.now()
    )
    with CaptureQueriesContext(connection) as queries:
        assert fail_stale() == 0
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_reaches_other_connections_while_the_apply_transaction_is_open(
    world, configured, monkeypatch
):
    """A long apply runs in one transaction; pages (other connections) still see the run beat,
    so it is not taken for dead."""
    import time

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: beats wait for the apply's transaction")
    real_apply = engine.apply_plan
    seen = []

    def watched_apply(plan, *, actor):
        assert connection.in_atomic_block
        poller = connections.create_connection("default")
        try:

            def beat():
                with poller.cursor() as cursor:
                    cursor.execute("SELECT heartbeat_at FROM sync_syncrun WHERE id = %s", [run.pk])
                    return cursor.fetchone()[0]

            start = beat()
            deadline = time.monotonic() + 30
            while beat() <= start and time.monotonic() < deadline:
                time.sleep(0.05)
            seen.append(beat() > start)
        finally:
            poller.close()
        return real_apply(plan, actor=actor)

    monkeypatch.setattr(engine, "apply_plan", watched_apply)
    run = SyncRun.objects.create(district=world.district)
    with override_settings(JOB_HEARTBEAT_SECONDS=0.05):
        run_sync_task.enqueue(run.pk)
    run.refresh_from_db()
    assert seen == [True]
    assert run.status == SyncRun.Status.SUCCEEDED
