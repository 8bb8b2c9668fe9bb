"""`purge_uploads` deletes stored upload files older than UPLOAD_RETENTION_DAYS, and only
those: what they produced (counts, results) stays, and what still waits for someone keeps
its file."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from rostering.imports.models import AssistedSubmission, ImportJob, SubmissionFile
from rostering.sync.models import SyncRun

FILE = b"First Name,Last Name,Username,Organizations,Password\r\nAna,Lopez,ana,North,Zebra-42\r\n"


def _aged(model, obj, days: int, field: str = "created_at"):
    model.objects.filter(pk=obj.pk).update(**{field: timezone.now() - timedelta(days=days)})
    return obj


def _job(world, days: int, status=ImportJob.Status.COMMITTED, name="students.csv"):
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        file_name=name,
        file_content=FILE,
        status=status,
        counts={"created": 1},
        result={"touched": {"students": [1]}, "created": 1},
    )
    return _aged(ImportJob, job, days)


def _purge(capsys, *args) -> list[str]:
    call_command("purge_uploads", *args)
    return capsys.readouterr().out.splitlines()


def test_only_files_older_than_the_retention_are_deleted(world, capsys, settings):
    settings.UPLOAD_RETENTION_DAYS = 30
    old = _job(world, 31, name="old.csv")
    recent = _job(world, 29, name="recent.csv")

    out = _purge(capsys)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.file_content) == b"" and bytes(recent.file_content) == FILE
    assert old.status == ImportJob.Status.COMMITTED  # the import itself stays as it was
    assert old.counts == {"created": 1} and old.result["touched"] == {"students": [1]}
    assert any("old.csv" in line for line in out)
    assert not any("recent.csv" in line for line in out)
    assert out[-1] == "1 stored file(s) older than 30 days deleted."


def test_running_again_deletes_nothing_more(world, capsys):
    _job(world, 40)
    _purge(capsys)
    assert _purge(capsys) == ["0 stored file(s) older than 30 days deleted."]


def test_the_retention_follows_the_setting(world, capsys, settings):
    settings.UPLOAD_RETENTION_DAYS = 5
    job = _job(world, 6)
    _purge(capsys)
    job.refresh_from_db()
    assert bytes(job.file_content) == b""


def test_an_unconfirmed_import_whose_file_is_gone_says_to_upload_again(world, capsys):
    checked = _job(world, 31, status=ImportJob.Status.CHECKED)
    running = _job(world, 31, status=ImportJob.Status.RUNNING)

    _purge(capsys)

    checked.refresh_from_db()
    running.refresh_from_db()
    assert checked.status == ImportJob.Status.FAILED
    assert "Upload the file again" in checked.failure_reason
    assert bytes(running.file_content) == FILE  # a worker may be reading it


def test_a_file_being_checked_keeps_it(world, capsys):
    # An old preview checked again (or a check a worker has not finished) reads the file.
    checking = _job(world, 31, status=ImportJob.Status.CHECKING, name="rechecked.csv")

    out = _purge(capsys)

    checking.refresh_from_db()
    assert bytes(checking.file_content) == FILE
    assert checking.status == ImportJob.Status.CHECKING
    assert not any("rechecked.csv" in line for line in out)


def test_held_runs_keep_their_snapshot_until_decided(world, capsys):
    held = SyncRun.objects.create(
        district=world.district, status=SyncRun.Status.HELD, snapshot=b"PK-held"
    )
    failed = SyncRun.objects.create(
        district=world.district, status=SyncRun.Status.FAILED, snapshot=b"PK-failed"
    )
    for run in (held, failed):
        _aged(SyncRun, run, 60)

    _purge(capsys)

    assert bytes(SyncRun.objects.get(pk=held.pk).snapshot) == b"PK-held"
    assert SyncRun.objects.get(pk=failed.pk).snapshot is None


def test_a_finished_submission_loses_its_files_one_in_progress_keeps_them(world, capsys):
    files = {}
    for status in (AssistedSubmission.Status.VERIFIED, AssistedSubmission.Status.SUBMITTED):
        submission = AssistedSubmission.objects.create(district=world.district, status=status)
        files[status] = SubmissionFile.objects.create(
            submission=submission, kind="students", file_name=f"{status}.csv", content=FILE
        )
        _aged(AssistedSubmission, submission, 45, field="updated_at")

    _purge(capsys)

    verified = SubmissionFile.objects.get(pk=files[AssistedSubmission.Status.VERIFIED].pk)
    waiting = SubmissionFile.objects.get(pk=files[AssistedSubmission.Status.SUBMITTED].pk)
    assert bytes(verified.content) == b"" and bytes(waiting.content) == FILE
