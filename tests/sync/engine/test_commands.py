"""sync_district (JSON output, exit codes) and run_due_syncs (the schedule)."""

import json
from datetime import datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rostering.models import Student
from rostering.sync.models import SyncRun, SyncSource
from rostering.sync.schedule import enqueue_due_syncs, is_due

from .conftest import student

CHICAGO = ZoneInfo("America/Chicago")


def _json(*args) -> dict:
    out = StringIO()
    call_command("sync_district", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_sync_district_prints_the_counts_as_json(sis, district):
    sis.users = [student(1), student(2, username="")]
    sis.write()
    result = _json("cedar", "--source", str(sis.folder))
    assert {
        k: result[k] for k in ("created", "updated", "claimed", "deactivated", "unchanged")
    } == {"created": 1, "updated": 0, "claimed": 0, "deactivated": 0, "unchanged": 0}
    assert result["held"] is False
    assert result["errors"][0]["record"] == "stu-2"
    assert isinstance(result["warnings"], list)


def test_sync_district_prints_each_problem_where_it_is(sis, district):
    config = district.sync_configuration
    config.shared_fields["student"] = ["preferred_first_name"]
    config.save()
    sis.users = [student(1), student(2, username="")]
    sis.write()
    out = StringIO()

    call_command("sync_district", "cedar", "--source", str(sis.folder), stdout=out)

    lines = out.getvalue().splitlines()
    # A record's problem names its row and sourcedId; the whole file's, the file alone.
    assert any(line.startswith("Error: users.csv row 3 [stu-2]: ") for line in lines), lines
    assert any(
        line.startswith("Warning: users.csv: The sync settings share Preferred first name")
        for line in lines
    ), lines


def test_sync_district_dry_run_applies_nothing(sis):
    sis.users = [student(1)]
    sis.write()
    result = _json("cedar", "--source", str(sis.folder), "--dry-run")
    assert result["created"] == 1
    assert not Student.objects.exists()


def test_sync_district_exits_0_when_held(sis):
    sis.users = [student(n) for n in range(1, 6)]
    sis.sync()
    sis.users = sis.users[:2]
    sis.write()
    result = _json("cedar", "--source", str(sis.folder))
    assert result["held"] is True and result["deactivated"] == 3
    assert Student.objects.filter(is_active=True).count() == 5


def test_sync_district_exits_1_on_failure_with_the_reason(district, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("sync_district", "cedar", "--source", str(tmp_path / "missing"), "--json")
    assert exit_info.value.code == 1
    result = json.loads(capsys.readouterr().out)
    assert "does not exist" in result["errors"][-1]["message"]


def test_sync_district_refuses_an_unknown_district(db):
    with pytest.raises(CommandError, match="No district"):
        call_command("sync_district", "nowhere")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)  # 2026-11-23 is a Monday


def test_a_daily_sync_is_due_once_its_time_has_passed(district):
    source = SyncSource.objects.get(district=district)
    source.schedule, source.time_of_day = "daily", time(2, 0)
    assert is_due(source, _at(23, 2, 5))
    source.last_enqueued_at = _at(23, 2, 1)
    assert not is_due(source, _at(23, 23, 0))
    assert is_due(source, _at(24, 2, 0))


def test_a_weekly_sync_is_due_on_its_weekday(district):
    source = SyncSource.objects.get(district=district)
    source.schedule, source.weekday, source.time_of_day = "weekly", 2, time(6, 0)  # Wednesday
    source.last_enqueued_at = _at(18, 6, 1)  # last Wednesday
    assert not is_due(source, _at(24, 12))  # Tuesday
    assert is_due(source, _at(25, 6, 30))  # Wednesday


def test_run_due_syncs_queues_and_runs_due_districts_once(
    sis, district, django_capture_on_commit_callbacks
):
    sis.users = [student(1)]
    sis.write()
    SyncSource.objects.filter(district=district).update(
        schedule="daily",
        time_of_day=time(0, 0),
        source_type="oneroster_folder",
        folder_path=str(sis.folder),
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_due_syncs", stdout=out)
    run = SyncRun.objects.get(district=district)
    assert run.trigger == "schedule" and run.status == SyncRun.Status.SUCCEEDED
    assert Student.objects.filter(username="kid1").exists()
    assert enqueue_due_syncs() == []  # enqueued today already
    assert "Queued the sync of Cedar District" in out.getvalue()


def test_run_due_syncs_skips_districts_without_a_schedule(district):
    out = StringIO()
    call_command("run_due_syncs", stdout=out)
    assert not SyncRun.objects.exists() and "No sync is due" in out.getvalue()
