"""Whole-district exports of 100,000 students: server time of the Students CSV (the list's
export, streamed to the end) and of export_roster, and their query counts.

Target: the Students CSV in at most 3 s of server time on PostgreSQL, a fixed number of
queries. On PostgreSQL, then four exports at once under gunicorn with a Students page beside
them (bench/exports_under_load.py; target: the page under 1 s). Run by ``make bench``
(``python bench/run.py exports`` alone).
"""

from __future__ import annotations

import io
import time

from _common import median_time, report, setup_django
from bench_student_list import STUDENTS, _recorder, build_district


def main() -> None:
    vendor = setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    start = time.perf_counter()
    user, _schools = build_district()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report(f"generate {STUDENTS:,} students ({vendor})", time.perf_counter() - start, "s")

    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, **static},
        SECURE_SSL_REDIRECT=False,
        DEBUG=False,
        EXPORT_BACKGROUND_ROWS=STUDENTS,  # streamed here; the background job below
    ):
        client = Client()
        client.force_login(user)
        sizes = []

        def students_csv():
            response = client.get(reverse("rostering:student_export"), secure=True)
            assert response.status_code == 200, response.status_code
            size = sum(len(chunk) for chunk in response.streaming_content)
            sizes.append(size)

        students_csv()  # warm
        queries = []
        with connection.execute_wrapper(_recorder(queries)):
            students_csv()
        seconds = median_time(students_csv, repeat=3)
        report("Students CSV: median server time", seconds, "s", "<= 3 s")
        report("Students CSV: queries", len(queries), "")
        report("Students CSV: size", sizes[-1] / 1e6, "MB")

        with override_settings(EXPORT_BACKGROUND_ROWS=20_000):
            from rostering.export_jobs.models import ExportJob

            start = time.perf_counter()
            # The tasks run at once here: the request returns once the job stored its file.
            response = client.get(reverse("rostering:student_export"), secure=True)
            assert response.status_code == 302, response.status_code
            job = ExportJob.objects.latest("pk")
            report(
                "Students CSV as a background job: to the stored file",
                time.perf_counter() - start,
                "s",
            )
            start = time.perf_counter()
            download = client.get(reverse("export_jobs:job_download", args=[job.pk]), secure=True)
            report("its download: server time", time.perf_counter() - start, "s")
            assert download.content.count(b"\n") == STUDENTS + 1, "the file is not whole"

        def roster():
            out = io.StringIO()
            call_command("export_roster", district="bench", kind="students", stdout=out)
            return out

        queries = []
        with connection.execute_wrapper(_recorder(queries)):
            roster()
        report("export_roster: median time", median_time(roster, repeat=3), "s")
        report("export_roster: queries", len(queries), "")

    if vendor == "postgresql":
        import exports_under_load

        exports_under_load.main(STUDENTS)


if __name__ == "__main__":
    main()
