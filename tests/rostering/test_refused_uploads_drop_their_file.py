"""An upload that ends refused (row errors), failed or cancelled never runs again, so its
file (which may hold plain-text student passwords) is dropped at once, not after the
retention period; only the errors report stays, with "(set)" for each password.

The database is searched the way the server itself could read it: every column of every
table, each value decrypted with the key when it is an encrypted file."""

from __future__ import annotations

import csv
import io

from cryptography.fernet import InvalidToken
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from rostering.imports import jobs
from rostering.imports.models import ImportJob
from rostering.passwords import decrypt_bytes
from tests.rostering.test_no_plain_passwords import PASSWORD, _students_file, _texts


def leaks_to_the_key_holder(secret: str) -> list[str]:
    """Every table.column holding ``secret``, raw or once decrypted with the server's key."""
    needle = secret.encode()
    where = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    texts = _texts(value)
                    if isinstance(value, bytes | memoryview) and bytes(value):
                        try:
                            texts += _texts(decrypt_bytes(bytes(value)))
                        except (InvalidToken, ValueError):
                            pass
                    if any(needle in text for text in texts):
                        where.append(f"{table}.{column}")
    return sorted(set(where))


def _upload(client, content: bytes) -> ImportJob:
    client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": SimpleUploadedFile("students.csv", content)},
    )
    return ImportJob.objects.latest("pk")


GOOD = f"Ana,Lopez,ana.lopez,North Elementary,03,{PASSWORD}"
BAD = f"Ben,Kim,ben.kim,North Elementary,99,{PASSWORD}"  # no such grade


def test_a_refused_upload_keeps_its_errors_report_but_not_its_file(client, world, district_admin):
    client.force_login(district_admin)
    job = _upload(client, _students_file(GOOD, BAD))
    assert job.status == ImportJob.Status.INVALID

    assert leaks_to_the_key_holder(PASSWORD) == []
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="students-errors.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Username"] for row in rows] == ["ana.lopez", "ben.kim"]
    assert [row["Password"] for row in rows] == ["(set)", "(set)"]
    assert "Grade" in rows[1]["Errors"]


def test_a_checked_upload_keeps_its_file_until_it_is_imported(client, world, district_admin):
    client.force_login(district_admin)
    job = _upload(client, _students_file(GOOD))
    assert job.status == ImportJob.Status.CHECKED
    # It is still to be confirmed: the file is kept (encrypted) for the commit.
    assert leaks_to_the_key_holder(PASSWORD) == ["imports_importjob.file_content"]


def test_a_cancelled_import_drops_its_file(client, world, district_admin, support):
    client.force_login(district_admin)
    job = _upload(client, _students_file(GOOD))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    job.refresh_from_db()

    assert jobs.job_cancel(actor=support, job=job, reason="stuck")

    assert leaks_to_the_key_holder(PASSWORD) == []


def test_a_commit_refused_because_records_changed_keeps_only_the_report(
    client, world, district_admin, monkeypatch, django_capture_on_commit_callbacks
):
    from rostering.imports import engine

    client.force_login(district_admin)
    job = _upload(client, _students_file(GOOD))
    assert job.status == ImportJob.Status.CHECKED

    def changed_meanwhile(**kwargs):
        raise engine.ImportRejected(
            engine.ImportPlan(
                kind="students",
                errors=[engine.RowError(2, "Username", "ana.lopez was taken meanwhile.")],
            )
        )

    monkeypatch.setattr(engine, "commit_file", changed_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED, job.status

    assert leaks_to_the_key_holder(PASSWORD) == []
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["Password"] == "(set)" and "taken meanwhile" in rows[0]["Errors"]
