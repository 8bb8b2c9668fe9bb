"""Every OneRoster set in ../shared/data syncs: its quirks become warnings, not a crash."""


import pytest

from rostering.models import ClassGroup, Educator, Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun
from tests.shared_data import SHARED_DATA

DATA = SHARED_DATA


def _messages(problems) -> str:
    return "\n".join(p["message"] for p in problems)


@pytest.mark.parametrize(
    ("folder", "students", "educators", "classes", "expected_warnings"),
    [
        (
            "oneroster-moodle-enrol-fixtures/v1p1-bulk-full",
            3,
            2,
            1,  # the History class is marked tobedeleted
            [
                'classType "Scheduled" read as "scheduled"',
                "should be blank in a bulk file",
                "is not in orgs.csv; History Department is placed directly under the district",
            ],
        ),
        (
            "oneroster-moodle-enrol-fixtures/v1p1-bulk-minimal",
            3,
            2,
            2,
            ['classType "Scheduled" read as "scheduled"', "no courses.csv"],
        ),
        (
            "oneroster-moodle-enrol-fixtures/v1p2-bulk",
            3,
            3,
            1,
            [
                '"prefferedGivenName" read as "preferredGivenName"',
                "userProfiles.csv holds roles data",
                "is not an ISO 8601 date",
                "2 column(s) with no header name ignored",
            ],
        ),
        ("oneroster-moodle-enrol-fixtures/v1p2-delta", 1, 0, 1, []),
        (
            "oneroster-oat-sa-v1p1-base",
            2,
            0,
            3,
            ['"grade" read as "grades"', "header but no rows", "not an ISO 8601 date"],
        ),
    ],
)
def test_real_world_set_syncs_with_warnings(
    district, folder, students, educators, classes, expected_warnings, moodle_as_exported
):
    run = run_sync(district=district, trigger="command", source_path=str(DATA / folder))
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    assert Student.objects.filter(district=district, origin="synced").count() == students
    assert Educator.objects.filter(district=district, origin="synced").count() == educators
    assert ClassGroup.objects.filter(district=district, origin="synced").count() == classes
    text = _messages(run.warnings)
    for expected in expected_warnings:
        assert expected in text

    again = run_sync(district=district, trigger="command", source_path=str(DATA / folder))
    assert again.counts["created"] == again.counts["updated"] == 0


def test_a_class_marked_tobedeleted_in_a_real_set_is_not_created(district):
    run_sync(
        district=district,
        trigger="command",
        source_path=str(DATA / "oneroster-moodle-enrol-fixtures/v1p1-bulk-full"),
    )
    assert not ClassGroup.objects.filter(sis_sourced_id="cls-222-123478", is_active=True).exists()


def test_a_delta_set_never_deactivates_records_it_does_not_mention(sis, district):
    from .conftest import student

    sis.users = [student(1)]
    sis.sync()
    run_sync(
        district=district,
        trigger="command",
        source_path=str(DATA / "oneroster-moodle-enrol-fixtures/v1p2-delta"),
    )
    assert Student.objects.get(sis_sourced_id="stu-1").is_active
    assert Student.objects.filter(username="brucewayne", district=district).exists()


def test_sds_classic_files_are_refused_as_not_oneroster(district):
    run = run_sync(
        district=district,
        trigger="command",
        source_path=str(DATA / "ms-school-data-sync-samples/sds-v1-classic-100-users"),
    )
    assert run.status == SyncRun.Status.FAILED
    assert "not a OneRoster CSV set" in run.failure_reason
