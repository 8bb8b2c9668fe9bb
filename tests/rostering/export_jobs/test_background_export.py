"""Whole-list exports past EXPORT_BACKGROUND_ROWS: a background job writes the file, its page
follows it and offers the download to the person who asked only; a failed job says so and
offers nothing; the stored file is encrypted and purge_uploads deletes it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rostering.export_jobs.models import ExportJob
from rostering.models import Educator
from tests import factories

STUDENTS = reverse("rostering:student_export")


@pytest.fixture
def roster(world):
    """Five students of North Elementary, one of South Elementary."""
    for n in range(5):
        factories.StudentFactory(school=world.school, last_name=f"North{n}", username=f"north{n}")
    factories.StudentFactory(school=world.other_school, last_name="South", username="south")


@pytest.fixture
def limit(settings):
    settings.EXPORT_BACKGROUND_ROWS = 3
    return settings


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _ask(client, django_capture_on_commit_callbacks, url=STUDENTS, params=None) -> ExportJob:
    """Export past the limit: the list answers with the job's page; the worker writes it."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, params or {})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("export_jobs:job", args=[job.pk])
    return job


def test_small_export_still_streams_at_once(client, district_admin, roster, settings):
    settings.EXPORT_BACKGROUND_ROWS = 6  # exactly the district's students
    client.force_login(district_admin)
    response = client.get(STUDENTS)
    assert response.status_code == 200 and response.streaming
    assert len(_rows(b"".join(response.streaming_content))) == 1 + 6
    assert not ExportJob.objects.exists()


def test_large_export_is_written_in_the_background_and_downloads_whole(
    client, district_admin, roster, limit, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    limit.EXPORT_BACKGROUND_ROWS = 100
    expected = b"".join(client.get(STUDENTS).streaming_content)  # what streaming gives
    limit.EXPORT_BACKGROUND_ROWS = 3
    job = _ask(client, django_capture_on_commit_callbacks)

    page = client.get(reverse("export_jobs:job", args=[job.pk]))
    html = page.content.decode()
    assert "Your file is ready" in html and "6 rows" in html
    download = reverse("export_jobs:job_download", args=[job.pk])
    assert download in html

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="students.csv"'
    assert response.content == expected  # every row, byte for byte what streaming gives
    assert int(response["Content-Length"]) == len(expected)
    assert len(_rows(response.content)) == 1 + 6


def test_background_export_keeps_the_lists_filters(
    client, district_admin, world, limit, django_capture_on_commit_callbacks
):
    for n in range(4):
        factories.StudentFactory(school=world.school, last_name=f"North{n}", grade="03")
    factories.StudentFactory(school=world.school, last_name="Older", grade="05")
    factories.StudentFactory(school=world.other_school, last_name="South", grade="03")
    client.force_login(district_admin)
    job = _ask(
        client,
        django_capture_on_commit_callbacks,
        params={"school": world.school.pk, "grade": "03", "page": 2},
    )
    rows = _rows(client.get(reverse("export_jobs:job_download", args=[job.pk])).content)
    names = sorted(dict(zip(rows[0], r, strict=True))["Last Name"] for r in rows[1:])
    assert names == ["North0", "North1", "North2", "North3"]


@pytest.mark.parametrize(
    ("url", "name", "make"),
    [
        (
            "rostering:educator_list",
            "educators.csv",
            lambda w: factories.EducatorFactory(organization=w.school),
        ),
        (
            "rostering:class_list",
            "classes-groups.csv",
            lambda w: factories.ClassGroupFactory(school=w.school),
        ),
    ],
)
def test_educators_and_classes_exports_go_to_the_background_too(
    client, district_admin, world, limit, django_capture_on_commit_callbacks, url, name, make
):
    for _ in range(4):
        make(world)
    client.force_login(district_admin)
    job = _ask(client, django_capture_on_commit_callbacks, reverse(url), {"export": "csv"})
    response = client.get(reverse("export_jobs:job_download", args=[job.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert len(_rows(response.content)) - 1 == job.rows_written >= 4


@pytest.mark.parametrize("who", ["school_admin", "outsider", "support"])
def test_only_the_requester_sees_or_downloads_the_export(
    client, district_admin, roster, limit, django_capture_on_commit_callbacks, people, who
):
    client.force_login(district_admin)
    job = _ask(client, django_capture_on_commit_callbacks)
    client.force_login(people[who])
    for name in ("export_jobs:job", "export_jobs:job_status", "export_jobs:job_download"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404, name
        assert b"north0" not in response.content


def test_anonymous_is_sent_to_sign_in(
    client, district_admin, roster, limit, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    job = _ask(client, django_capture_on_commit_callbacks)
    client.logout()
    response = client.get(reverse("export_jobs:job_download", args=[job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_stored_file_is_encrypted(
    client, district_admin, roster, limit, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    job = _ask(client, django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM export_jobs_exportjob WHERE id = %s", [job.pk])
        raw = bytes(cursor.fetchone()[0])
    assert raw and b"north0" not in raw and b"Last Name" not in raw
    assert b"north0" in bytes(ExportJob.objects.get(pk=job.pk).content)


def test_a_failed_export_says_so_and_offers_no_file(
    client, district_admin, roster, limit, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.get(STUDENTS)
    # Before a worker picks it up, the requester loses their role in the district.
    Educator.objects.filter(user=district_admin).delete()
    for callback in queued:
        callback()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and not job.content

    status = client.get(reverse("export_jobs:job_status", args=[job.pk])).json()
    assert status["finished"] and status["status"] == "failed"
    assert "no file was written" in status["message"]
    page = client.get(reverse("export_jobs:job", args=[job.pk])).content.decode()
    assert "The export failed" in page and "no file was written" in page
    assert reverse("export_jobs:job_download", args=[job.pk]) not in page
    response = client.get(reverse("export_jobs:job_download", args=[job.pk]))
    assert response.status_code == 302  # back to the page that says it failed
    assert response.url == reverse("export_jobs:job", args=[job.pk])


def test_an_export_whose_worker_stopped_fails_instead_of_waiting_forever(
    client, district_admin, settings
):
    settings.JOB_STALE_SECONDS = 60
    job = ExportJob.objects.create(
        kind="students",
        requested_by=district_admin,
        file_name="students.csv",
        rows_expected=50_000,
        rows_written=10_000,
        status=ExportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=120),
    )
    client.force_login(district_admin)
    before = client.get(reverse("export_jobs:job_status", args=[job.pk])).json()
    assert before["status"] == "failed" and "worker stopped" in before["message"]
    assert client.get(reverse("export_jobs:job_download", args=[job.pk])).status_code == 302


def test_a_queued_export_shows_progress_and_a_worker_warning(client, district_admin, settings):
    settings.WORKER_WARNING_SECONDS = 30
    job = ExportJob.objects.create(
        kind="students",
        requested_by=district_admin,
        file_name="students.csv",
        rows_expected=50_000,
        queued_at=timezone.now() - timedelta(seconds=90),
    )
    client.force_login(district_admin)
    status = client.get(reverse("export_jobs:job_status", args=[job.pk])).json()
    assert not status["finished"] and status["progress"] == 0
    assert "Waiting for a worker to write 50,000 rows" in status["message"]
    assert "background worker may be down" in status["warning"]
    page = client.get(reverse("export_jobs:job", args=[job.pk])).content.decode()
    assert "import-progress.js" in page  # the page polls


def test_purge_uploads_deletes_old_finished_exports_only(
    client, district_admin, roster, limit, django_capture_on_commit_callbacks, capsys
):
    client.force_login(district_admin)
    old = _ask(client, django_capture_on_commit_callbacks)
    running = ExportJob.objects.create(
        kind="students",
        requested_by=district_admin,
        file_name="students.csv",
        status=ExportJob.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    long_ago = timezone.now() - timedelta(days=limit.UPLOAD_RETENTION_DAYS + 1)
    ExportJob.objects.update(created_at=long_ago)
    call_command("purge_uploads")
    out = capsys.readouterr().out
    assert f"Export #{old.pk} (students.csv, ready to download" in out
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [running.pk]
    assert client.get(reverse("export_jobs:job_download", args=[old.pk])).status_code == 404
