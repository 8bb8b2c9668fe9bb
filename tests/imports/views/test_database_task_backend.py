"""In production the commit runs in `manage.py db_worker`: the confirm only queues it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import Student

from .conftest import students_csv

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_fake_engine_with_the_database_backend_the_worker_commits_the_queued_import(
    client, district_admin, fake_engine
):
    client.force_login(district_admin)
    client.post(
        reverse("imports:upload"),
        {
            "kind": "students",
            "file": SimpleUploadedFile("s.csv", students_csv(("B", "K", "ben", "N"))),
        },
    )
    job = ImportJob.objects.get()
    with override_settings(TASKS=DB_TASKS):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.QUEUED and job.task_id
        page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
        assert "Importing…" in page and "import-progress.js" in page
        assert not Student.objects.filter(username="ben").exists()

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Student.objects.filter(username="ben").exists()
