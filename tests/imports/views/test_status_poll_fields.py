"""The import progress poll reads only what it shows: never the stored file, error report,
errors, warnings, changes or undo record (a poll every second used to read 1.7 MB each)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.imports.models import ImportJob

HEAVY = ("file_content", "error_report", "errors", "warnings", "changes", "result")


def test_the_status_poll_never_selects_the_file_or_the_change_list(client, world, district_admin):
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="students.csv",
        file_content=b"First Name,Last Name\n" + b"Ana,Lopez\n" * 20_000,
        status=ImportJob.Status.RUNNING,
        progress=40,
        progress_message="Importing row 8,000 of 20,000",
        counts={"created": 3},
        changes=[{"row": n, "field": "grade"} for n in range(2_000)],
        errors=[],
    )
    client.force_login(district_admin)
    url = reverse("imports:job_status", args=[job.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).json()
    assert status["progress"] == 40 and status["counts"] == {"created": 3}
    assert status["message"] == "Importing row 8,000 of 20,000"
    table = ImportJob._meta.db_table
    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "SELECT" in q["sql"]]
    assert reads, "the poll reads the job"
    for sql in reads:
        selected = sql.split(" FROM ")[0]
        for column in HEAVY:
            assert f'"{table}"."{column}"' not in selected, (column, sql)


def test_the_status_poll_of_another_districts_job_is_404(client, world, district_admin, outsider):
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="s.csv",
        file_content=b"x",
    )
    client.force_login(outsider)
    assert client.get(reverse("imports:job_status", args=[job.pk])).status_code == 404
