"""DESIGN.md rule 8: one transaction, dry runs, run records, failures, one sync at a time."""

import pytest

from rostering.engine.apply import _Writer
from rostering.models import ClassGroup, Educator, Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from rostering.sync.tasks import run_sync_task
from tests import factories
from tests.oneroster.csvset import set_files, zip_set

from .conftest import enroll, klass, student, teacher


def _state():
    return (
        list(Student.objects.order_by("pk").values()),
        list(Educator.objects.order_by("pk").values()),
        list(ClassGroup.objects.order_by("pk").values()),
        Student.history.count(),
    )


def test_a_crash_mid_apply_leaves_the_database_as_it_was(sis, school, monkeypatch):
    factories.StudentFactory(school=school, username="kid1", first_name="Before")
    before = _state()
    sis.users = [student(1), student(2), teacher(1)]
    sis.classes = [klass(1)]
    sis.enrollments = [enroll(1, "stu-1")]

    def explode(writer, batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr(_Writer, "links", explode)  # after people and classes
    sis.write()
    run = run_sync(district=sis.district, trigger="command", source_path=str(sis.folder))

    assert run.status == SyncRun.Status.FAILED
    assert "nothing was applied" in run.failure_reason and "disk full" in run.failure_reason
    assert _state() == before


def test_a_dry_run_stores_the_plan_and_writes_nothing(sis, school):
    timothy = factories.StudentFactory(school=school, first_name="Timothy", external_id="1001")
    before = _state()
    sis.users = [student(1, givenName="Tim"), student(2)]

    run = sis.sync(dry_run=True)

    assert run.status == SyncRun.Status.PREVIEWED and run.dry_run
    assert _state() == before
    assert [c["label"] for c in run.plan["created"]] == ["Kid2 Sis (kid2)"]
    [claimed] = run.plan["claimed"]
    assert claimed["changes"]["first_name"] == ["Timothy", "Tim"]
    assert claimed["changes"]["origin"] == ["manual", "synced"]
    assert run.counts["claimed"] == 1 and run.counts["created"] == 1
    timothy.refresh_from_db()
    assert timothy.origin == "manual"


def test_every_run_keeps_its_counts_duration_and_problems(sis):
    sis.users = [student(1), student(2, username="")]
    run = sis.sync()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.duration_seconds is not None and run.duration_seconds >= 0
    assert run.counts["created"] == 1
    [error] = run.errors
    assert (error["file"], error["row"], error["record"]) == ("users.csv", 3, "stu-2")
    assert run.source_name == str(sis.folder)


def test_an_unusable_snapshot_fails_the_run_with_its_reason(district, tmp_path):
    (tmp_path / "orgs.csv").write_text("sourcedId,name,type\ns,S,school\n")
    run = run_sync(district=district, trigger="command", source_path=str(tmp_path))
    assert run.status == SyncRun.Status.FAILED
    assert "no users.csv" in run.failure_reason


def test_without_a_source_the_run_fails_saying_what_to_set(district):
    run = run_sync(district=district, trigger="manual")
    assert run.status == SyncRun.Status.FAILED
    assert "upload a zip of the OneRoster files" in run.failure_reason


def test_without_a_source_a_clever_district_is_told_to_upload_its_clever_files(district):
    SyncSource.objects.filter(district=district).update(source_format=SyncSource.Format.CLEVER)
    run = run_sync(district=district, trigger="manual")
    assert run.status == SyncRun.Status.FAILED
    assert "upload a zip of the Clever files" in run.failure_reason
    assert "OneRoster" not in run.failure_reason


def test_an_uploaded_zip_is_the_default_source(district, school):
    files = set_files(
        orgs=[{"sourcedId": "sch-1", "name": "North", "type": "school", "identifier": "N1"}],
        users=[student(1)],
    )
    SyncSource.objects.filter(district=district).update(
        uploaded_snapshot=zip_set(files), uploaded_name="export.zip"
    )
    run = run_sync(district=district, trigger="manual")
    assert run.status == SyncRun.Status.SUCCEEDED and run.source_name == "export.zip"
    assert Student.objects.filter(username="kid1", district=district).exists()


def test_a_folder_source_is_read_from_its_path(sis, district):
    sis.users = [student(1)]
    sis.write()
    SyncSource.objects.filter(district=district).update(
        source_type="oneroster_folder", folder_path=str(sis.folder)
    )
    run = run_sync(district=district, trigger="schedule")
    assert run.status == SyncRun.Status.SUCCEEDED and run.counts["created"] == 1


def test_the_task_runs_a_queued_run(sis, district):
    sis.users = [student(1)]
    sis.write()
    SyncSource.objects.filter(district=district).update(
        source_type="oneroster_folder", folder_path=str(sis.folder)
    )
    run = SyncRun.objects.create(district=district, trigger="manual")
    run_sync_task.enqueue(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED and run.counts["created"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_sync_takes_the_district_lock_before_planning(sis, monkeypatch):
    """Two syncs of one district never interleave: planning starts only with the lock held."""
    from rostering.sync import engine

    calls = []
    real_lock, real_plan = engine._lock, engine.build_plan
    monkeypatch.setattr(engine, "_lock", lambda d: (calls.append("lock"), real_lock(d)))
    monkeypatch.setattr(
        engine, "build_plan", lambda **kw: (calls.append("plan"), real_plan(**kw))[1]
    )
    sis.users = [student(1)]
    sis.sync()
    assert calls == ["lock", "plan"]
