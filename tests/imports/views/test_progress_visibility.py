"""Progress written during the engine's transaction reaches pollers on PostgreSQL."""

import pytest
from django.db import connection, connections, transaction

from rostering.imports import engine, jobs
from rostering.imports.models import ImportJob

from .conftest import students_csv


@pytest.mark.django_db(transaction=True)
def test_fake_engine_progress_is_seen_by_other_connections_while_the_commit_runs(
    world, district_admin, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer; progress there is written in the same transaction")
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="s.csv",
        file_content=students_csv(("Ben", "Kim", "ben", "North")),
        status=ImportJob.Status.QUEUED,
    )
    seen = []

    def commit_file(*, progress, **kwargs):
        with transaction.atomic():
            progress(55, "Writing students")
            poller = connections.create_connection("default")
            try:
                with poller.cursor() as cursor:
                    cursor.execute(
                        "SELECT progress, progress_message FROM imports_importjob WHERE id = %s",
                        [job.pk],
                    )
                    seen.append(cursor.fetchone())
            finally:
                poller.close()
        return engine.ImportResult(1, 0, 0, applied={})

    monkeypatch.setattr(engine, "commit_file", commit_file)
    done = jobs.job_run(job.pk)
    assert seen == [(55, "Writing students")]
    assert done.status == ImportJob.Status.COMMITTED and done.progress == 100
