"""undo_import: undoes a committed import job now, prints what it kept, exit codes."""

from __future__ import annotations

import json

from rostering.imports import engine
from rostering.imports.models import ImportJob
from rostering.models import Student
from tests.imports.engine.conftest import csv_bytes, student_row
from tests.imports.test_commands import run


def _committed_job(world, district_admin) -> ImportJob:
    content = csv_bytes([student_row(1, world.school), student_row(2, world.school)])
    result = engine.commit_file(
        actor=None, district=world.district, kind="students", file_name="s.csv", content=content
    )
    return ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="s.csv",
        file_content=content,
        status=ImportJob.Status.COMMITTED,
        result={"applied": result.applied, "created": 2},
    )


def test_undo_import_prints_each_kept_record_as_json(world, district_admin):
    job = _committed_job(world, district_admin)
    Student.objects.filter(username="ana.lopez1").update(first_name="Anita")

    status, out = run("undo_import", str(job.pk), "--json")

    assert status == 0
    assert json.loads(out) == {
        "undone": True,
        "kept": [
            "Student Anita Lopez1 (ana.lopez1) was changed since this import (First name), "
            "so it stays."
        ],
        "error": "",
    }
    assert list(
        Student.objects.filter(district=world.district).values_list("username", flat=True)
    ) == ["ana.lopez1"]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE


def test_undo_import_of_an_old_job_says_it_cannot_and_exits_1(world, district_admin):
    job = _committed_job(world, district_admin)
    job.result = {"touched": {"students": {"created": [1], "updated": []}}}
    job.save()

    status, out = run("undo_import", str(job.pk), "--json")

    assert status == 1
    summary = json.loads(out)
    assert summary["undone"] is False
    assert summary["error"].startswith("This import cannot be undone: it was committed before")
    assert Student.objects.filter(district=world.district).count() == 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED


def test_undo_import_of_a_job_not_committed_is_a_usage_error(world, district_admin):
    job = _committed_job(world, district_admin)
    job.status = ImportJob.Status.UNDONE
    job.save()
    assert run("undo_import", str(job.pk))[0] == 2
