"""The Sync pages' tests: Maple district (tests/conftest.py world) with a small OneRoster zip
its SIS sends, uploaded as the district's source."""

from __future__ import annotations

import pytest

from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from tests.oneroster.csvset import set_files, zip_set

ORGS = [
    {"sourcedId": "dist", "name": "Maple District", "type": "district"},
    {
        "sourcedId": "sch-n",
        "name": "North Elementary",
        "type": "school",
        "identifier": "N1",
        "parentSourcedId": "dist",
    },
]


def sis_student(n: int, **extra) -> dict:
    return {
        "sourcedId": f"stu-{n}",
        "orgSourcedIds": "sch-n",
        "role": "student",
        "username": f"kid{n}",
        "givenName": f"Kid{n}",
        "familyName": "Sis",
        "identifier": f"{1000 + n}",
        "grades": "03",
        **extra,
    }


def sis_zip(students: int = 2, **tables) -> bytes:
    """A OneRoster 1.1 zip: Maple, North Elementary, ``students`` students, a teacher, a class."""
    users = [sis_student(n) for n in range(1, students + 1)] + [
        {
            "sourcedId": "tch-1",
            "orgSourcedIds": "sch-n",
            "role": "teacher",
            "username": "teach1",
            "givenName": "Terry",
            "familyName": "Sis",
            "identifier": "T1",
        }
    ]
    tables.setdefault("orgs", ORGS)
    tables.setdefault("users", users)
    tables.setdefault(
        "classes",
        [
            {
                "sourcedId": "cls-1",
                "title": "Math 3",
                "schoolSourcedId": "sch-n",
                "classType": "scheduled",
                "classCode": "MATH3",
            }
        ],
    )
    tables.setdefault(
        "enrollments",
        [
            {
                "sourcedId": "enr-1",
                "classSourcedId": "cls-1",
                "userSourcedId": "stu-1",
                "role": "student",
            }
        ],
    )
    return zip_set(set_files(**tables))


def upload_source(district, data: bytes, **values) -> SyncSource:
    source, _ = SyncSource.objects.update_or_create(
        district=district,
        defaults={"uploaded_snapshot": data, "uploaded_name": "maple.zip", **values},
    )
    return source


@pytest.fixture
def maple_home(world, tmp_path, settings):
    """Maple's own SIS folder, <SYNC_FOLDER_ROOT>/maple (the root set for the test), empty."""
    settings.SYNC_FOLDER_ROOT = str(tmp_path / "drop")
    home = tmp_path / "drop" / world.district.slug
    home.mkdir(parents=True)
    return home


@pytest.fixture
def configured(world):
    """Maple's sync set up with an uploaded zip of two students."""
    return upload_source(world.district, sis_zip())


@pytest.fixture
def held_run(world, configured, district_admin):
    """A run of Maple held because it would deactivate 8 of 10 synced students."""
    upload_source(world.district, sis_zip(students=10))
    first = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL)
    assert first.status == SyncRun.Status.SUCCEEDED, first.failure_reason
    upload_source(world.district, sis_zip(students=2))
    run = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL, actor=district_admin)
    assert run.status == SyncRun.Status.HELD
    return run
