"""No plain-text student password is stored anywhere: uploaded import files, assisted
submissions and sync snapshots are encrypted at rest, and error files never echo a password.

Each test searches the raw database (every column of every table, zip files opened too)
for a known password, as someone holding a stolen copy of the database would."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from rostering.fields import encrypt_existing
from rostering.imports.models import AssistedSubmission, ImportJob
from rostering.models import Student
from rostering.passwords import decrypt_password
from rostering.sync.engine import approve_held_run, run_sync
from rostering.sync.models import SyncRun
from tests import factories
from tests.sync.views.conftest import sis_student, sis_zip, upload_source

PASSWORD = "Zebra-Piano-42"
HEADER = "First Name,Last Name,Username,Organizations,Grade,Password"


def _students_file(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def _texts(value) -> list[bytes]:
    """A stored value as the bytes someone reading the database sees; a zip (a snapshot, an
    .xlsx) is opened, because its members are compressed."""
    if value is None:
        return []
    data = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
    found = [data]
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found += [archive.read(name) for name in archive.namelist()]
    return found


def leaks(secret: str) -> list[str]:
    """Every table.column whose raw content holds ``secret``, read with plain SQL."""
    needle = secret.encode()
    where = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if any(needle in text for text in _texts(value)):
                        where.append(f"{table}.{column}")
    return sorted(set(where))


def _upload(client, content: bytes, name: str = "students.csv") -> ImportJob:
    client.post(
        reverse("imports:upload"), {"kind": "students", "file": SimpleUploadedFile(name, content)}
    )
    return ImportJob.objects.latest("pk")


def test_an_imported_students_file_keeps_no_plain_password(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    job = _upload(client, _students_file(f"Ana,Lopez,ana.lopez,North Elementary,03,{PASSWORD}"))
    assert job.status == ImportJob.Status.CHECKED, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason

    assert leaks(PASSWORD) == []
    # The kept file still reads back, and the student has the password.
    assert PASSWORD.encode() in bytes(job.file_content)
    ana = Student.objects.get(username="ana.lopez")
    assert decrypt_password(ana.password_encrypted) == PASSWORD


def test_the_error_file_shows_set_instead_of_the_password(client, world, district_admin):
    client.force_login(district_admin)
    job = _upload(
        client,
        _students_file(
            f"Ana,Lopez,ana.lopez,North Elementary,03,{PASSWORD}",
            f"Ben,Kim,ben.kim,North Elementary,99,{PASSWORD}",  # no such grade
        ),
    )
    assert job.status == ImportJob.Status.INVALID

    response = client.get(reverse("imports:job_errors", args=[job.pk]))

    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Password"] for row in rows] == ["(set)", "(set)"]
    assert "Grade" in rows[1]["Errors"] and rows[0]["Errors"] == ""
    assert PASSWORD not in text
    assert leaks(PASSWORD) == []


def test_uploading_the_error_file_again_keeps_the_current_passwords(
    client, world, district_admin
):
    factories.StudentFactory(school=world.school, username="ana.lopez", first_name="Ana")
    ana = Student.objects.get(username="ana.lopez")
    before = decrypt_password(ana.password_encrypted)
    client.force_login(district_admin)

    job = _upload(client, _students_file("Ana,Lopez,ana.lopez,North Elementary,03,(set)"))

    assert job.status == ImportJob.Status.CHECKED, job.errors
    assert not any("Password" in change["changes"] for change in job.changes)
    assert any("(set)" in warning["message"] for warning in job.warnings)
    ana.refresh_from_db()
    assert decrypt_password(ana.password_encrypted) == before


def test_sync_snapshots_with_a_password_column_are_kept_encrypted(world, district_admin):
    upload_source(world.district, sis_zip(students=10))
    assert run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL).status == SyncRun.Status.SUCCEEDED
    users = [sis_student(n, password=PASSWORD) for n in (1, 2)]
    upload_source(world.district, sis_zip(students=2, users=users))
    held = run_sync(district=world.district, trigger=SyncRun.Trigger.MANUAL, actor=district_admin)
    assert held.status == SyncRun.Status.HELD  # its snapshot is kept for the decision

    assert leaks(PASSWORD) == []
    done = approve_held_run(run=SyncRun.objects.get(pk=held.pk), actor=district_admin)
    assert done.status == SyncRun.Status.SUCCEEDED, done.failure_reason


def test_an_assisted_submission_keeps_no_plain_password(client, world, district_admin):
    client.force_login(district_admin)
    client.post(
        reverse("imports:submission_new"),
        {
            "note": "new students",
            "files_students": [
                SimpleUploadedFile(
                    "north.csv",
                    _students_file(f"Ana,Lopez,ana.lopez,North Elementary,03,{PASSWORD}"),
                )
            ],
        },
    )
    submission = AssistedSubmission.objects.get()

    assert leaks(PASSWORD) == []
    assert PASSWORD.encode() in bytes(submission.files.get().content)


def test_files_stored_before_encryption_are_encrypted_by_the_migration(world):
    job = ImportJob.objects.create(district=world.district, kind="students", file_name="a.csv")
    plain = _students_file(f"Ana,Lopez,ana.lopez,North Elementary,03,{PASSWORD}")
    with connection.cursor() as cursor:  # as the table held it before the migration
        cursor.execute(
            "UPDATE imports_importjob SET file_content = %s WHERE id = %s",
            [connection.Database.Binary(plain), job.pk],
        )
    assert leaks(PASSWORD) == ["imports_importjob.file_content"]

    step = encrypt_existing("imports.importjob", "file_content")
    step(apps, SimpleNamespace(connection=connection))
    step(apps, SimpleNamespace(connection=connection))  # safe to run twice

    assert leaks(PASSWORD) == []
    assert bytes(ImportJob.objects.get(pk=job.pk).file_content) == plain


def test_the_admins_upload_waiting_for_confirmation_is_kept_encrypted(
    client, world, support, django_capture_on_commit_callbacks
):
    client.force_login(support)
    response = client.post(
        reverse("admin:rostering_student_import"),
        {
            "district": world.district.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile(
                "kids.csv", _students_file(f"Ana,Lopez,ana.lopez,North Elementary,03,{PASSWORD}")
            ),
        },
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.CHECKED, job.errors

    assert leaks(PASSWORD) == []
    assert not [p for p in Path(tempfile.gettempdir()).glob("*") if _holds(p, PASSWORD)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason
    ana = Student.objects.get(username="ana.lopez")
    assert decrypt_password(ana.password_encrypted) == PASSWORD


def _holds(path: Path, secret: str) -> bool:
    """Whether a file in the temporary folder holds ``secret`` (the admin never writes one)."""
    try:
        return path.is_file() and path.stat().st_size < 10_000_000 and (
            secret.encode() in path.read_bytes()
        )
    except OSError:
        return False
