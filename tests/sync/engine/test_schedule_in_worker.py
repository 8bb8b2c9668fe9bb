"""Issue 12: the background worker queues due syncs itself, once per slot whoever gets there."""

from __future__ import annotations

from datetime import time

from rostering.models import Student, WorkerHeartbeat
from rostering.sync import schedule
from rostering.sync.models import SyncRun, SyncSource
from rostering.worker_chores import WorkerChores

from .conftest import student


def make_due(district, folder) -> None:
    SyncSource.objects.filter(district=district).update(
        schedule="daily",
        time_of_day=time(0, 0),
        source_type="oneroster_folder",
        folder_path=str(folder),
    )


def test_a_worker_beat_stamps_its_heartbeat_and_runs_the_due_sync(
    sis, district, django_capture_on_commit_callbacks
):
    sis.users = [student(1)]
    sis.write()
    make_due(district, sis.folder)
    chores = WorkerChores("worker-a")
    with django_capture_on_commit_callbacks(execute=True):
        chores.tick()
    assert WorkerHeartbeat.objects.get(worker_id="worker-a").seen_at is not None
    run = SyncRun.objects.get(district=district)
    assert run.trigger == SyncRun.Trigger.SCHEDULE and run.status == SyncRun.Status.SUCCEEDED
    assert Student.objects.filter(username="kid1").exists()
    with django_capture_on_commit_callbacks(execute=True):
        WorkerChores("worker-b").tick()  # the next worker's beat: the slot is taken
    assert SyncRun.objects.filter(district=district).count() == 1
    assert WorkerHeartbeat.objects.count() == 2


def test_a_worker_that_lost_the_race_for_a_slot_queues_nothing(
    sis, district, monkeypatch, django_capture_on_commit_callbacks
):
    """Two workers read the source as due at the same moment; the other one claims the slot
    first (between this worker's read and its claim): only one run is queued."""
    sis.users = [student(1)]
    sis.write()
    make_due(district, sis.folder)
    real_is_due = schedule.is_due
    raced = []

    def is_due_while_another_worker_claims(source, now):
        due = real_is_due(source, now)
        if due and not raced:
            raced.append(True)
            assert len(schedule.enqueue_due_syncs(now)) == 1  # the other worker wins
        return due

    monkeypatch.setattr(schedule, "is_due", is_due_while_another_worker_claims)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.enqueue_due_syncs() == []
    assert raced and SyncRun.objects.filter(district=district).count() == 1


def test_workers_leave_the_schedule_to_cron_when_told(
    sis, district, settings, django_capture_on_commit_callbacks
):
    settings.WORKER_RUNS_SCHEDULE = False
    sis.write()
    make_due(district, sis.folder)
    with django_capture_on_commit_callbacks(execute=True):
        WorkerChores("worker-a").tick()
    assert not SyncRun.objects.exists()
    assert WorkerHeartbeat.objects.filter(worker_id="worker-a").exists()
