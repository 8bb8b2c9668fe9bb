"""A small SIS for engine tests: ``sis.write(users=[...], ...)`` writes a OneRoster set to
tmp_path, ``sis.sync()`` runs the engine on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from tests import factories
from tests.oneroster.csvset import write_set


def student(n: int, school: str = "sch-1", **extra) -> dict:
    return {
        "sourcedId": f"stu-{n}",
        "orgSourcedIds": school,
        "role": "student",
        "username": f"kid{n}",
        "givenName": f"Kid{n}",
        "familyName": "Sis",
        "identifier": f"{1000 + n}",
        "grades": "03",
        "email": f"kid{n}@sis.example.org",
        **extra,
    }


def teacher(n: int, school: str = "sch-1", **extra) -> dict:
    return {
        "sourcedId": f"tch-{n}",
        "orgSourcedIds": school,
        "role": "teacher",
        "username": f"teach{n}",
        "givenName": f"Teach{n}",
        "familyName": "Sis",
        "identifier": f"T{n}",
        "email": f"teach{n}@sis.example.org",
        **extra,
    }


def klass(n: int, school: str = "sch-1", **extra) -> dict:
    return {
        "sourcedId": f"cls-{n}",
        "title": f"Class {n}",
        "schoolSourcedId": school,
        "classType": "scheduled",
        **extra,
    }


def enroll(class_n: int, user_id: str, role: str = "student") -> dict:
    return {
        "sourcedId": f"enr-{class_n}-{user_id}",
        "classSourcedId": f"cls-{class_n}",
        "userSourcedId": user_id,
        "role": role,
    }


SCHOOLS = [
    {"sourcedId": "dist", "name": "Cedar District", "type": "district"},
    {
        "sourcedId": "sch-1",
        "name": "North Elementary",
        "type": "school",
        "identifier": "N1",
        "parentSourcedId": "dist",
    },
]


@dataclass
class Sis:
    district: object
    folder: Path
    orgs: list = field(default_factory=lambda: list(SCHOOLS))
    users: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    courses: list = field(default_factory=list)
    enrollments: list = field(default_factory=list)
    extra_user_columns: tuple = ()
    without_user_columns: tuple = ()

    def write(self) -> Path:
        tables = {
            "orgs": self.orgs,
            "users": self.users,
            "classes": self.classes,
            "enrollments": self.enrollments,
        }
        if self.courses:
            tables["courses"] = self.courses
        return write_set(
            self.folder,
            extra_user_columns=self.extra_user_columns,
            without_user_columns=self.without_user_columns,
            **tables,
        )

    def sync(self, **kwargs) -> SyncRun:
        self.write()
        run = run_sync(
            district=self.district,
            trigger=SyncRun.Trigger.COMMAND,
            source_path=str(self.folder),
            **kwargs,
        )
        assert run.status != SyncRun.Status.FAILED, run.failure_reason
        return run


@pytest.fixture
def district(db):
    district = factories.DistrictFactory(name="Cedar District", slug="cedar")
    SyncSource.objects.create(district=district)
    return district


@pytest.fixture
def school(district):
    return factories.SchoolFactory(district=district, name="North Elementary", external_id="N1")


@pytest.fixture
def sis(district, school, tmp_path, settings) -> Sis:
    """Cedar's SIS, writing into Cedar's own folder under SYNC_FOLDER_ROOT (set for the test),
    so a folder source pointing at it may be saved and read."""
    settings.SYNC_FOLDER_ROOT = str(tmp_path / "drop")
    return Sis(district=district, folder=tmp_path / "drop" / district.slug)


@pytest.fixture
def district_admin_user(district):
    """An administrator of the whole district (a manual educator with a portal sign-in)."""
    return factories.EducatorFactory(
        organization=district, username="dora", educator_type="administrator"
    ).user
