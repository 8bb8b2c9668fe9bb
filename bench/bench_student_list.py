"""Management > Students for a district of 100,000 students: median server time and queries.

Targets: the default page, a search and a school filter each answer in at most 100 ms with at
most 10 queries, as a district administrator (who sees every school); a student's form save
(a name and a school changed, written by the roster engine) in at most 50 ms. Run by
``make bench``.
"""

from __future__ import annotations

import os
import random
import time

from _common import median_time, report, setup_django

STUDENTS = 100_000
SCHOOLS = 12
BATCH = 5_000
FIRST = "Ava Ben Cleo Dev Eli Finn Gia Hugo Iris Jon Kai Lena Milo Nia Omar Pia Ray Sol Tara Uma".split()
LAST = (
    "Smith Garcia Nguyen Okafor Patel Kim Rossi Novak Silva Cohen Haddad Jensen Moreau Tanaka "
    "Kowalski Mendes Ibrahim Larsen Fischer Brown Lopez Walker Young Hill Baker Reyes"
).split()
GRADES = ["KG", "01", "02", "03", "04", "05", "06", "07", "08"]


def build_district():
    from django.contrib.auth import get_user_model

    from rostering.models import Educator, Organization, Student

    district = Organization.objects.create(
        name="Bench Unified", slug="bench", org_type=Organization.OrgType.DISTRICT
    )
    schools = [
        Organization.objects.create(
            name=f"Bench School {n:02d}", district=district, parent=district, external_id=f"B{n}"
        )
        for n in range(SCHOOLS)
    ]
    admin = Educator.objects.create(
        district=district,
        first_name="Dana",
        last_name="Admin",
        username="bench-admin",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
        user=get_user_model().objects.create_user("bench-admin", password="bench-pass-123"),
    )
    admin.organizations.set([district])

    rng = random.Random(7)
    through = Student.schools.through
    for start in range(0, STUDENTS, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, STUDENTS)):
            synced = n % 10 < 6  # 60% synced, as after a district's first sync
            batch.append(
                Student(
                    district=district,
                    origin="synced" if synced else "manual",
                    sis_sourced_id=f"stu-{n}" if synced else None,
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    username=f"s{n:06d}",
                    external_id=f"{n:07d}",
                    grade=rng.choice(GRADES),
                    is_active=n % 50 != 0,
                )
            )
        created = Student.objects.bulk_create(batch)
        if created[0].pk is None:  # backends that do not return ids
            created = list(
                Student.objects.filter(username__in=[s.username for s in batch]).only("pk")
            )
        through.objects.bulk_create(
            [
                through(student_id=s.pk, organization_id=schools[i % SCHOOLS].pk)
                for i, s in enumerate(created)
            ]
        )
    return admin.user, schools


VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))


def _recorder(into: list):
    """A database execute wrapper noting each query and its time."""

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            into.append((sql, (time.perf_counter() - start) * 1000))

    return wrapper


def main() -> None:
    vendor = setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    start = time.perf_counter()
    user, schools = build_district()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a live database would have
    report(f"generate {STUDENTS:,} students ({vendor})", time.perf_counter() - start, "s")

    cases = [
        ("default page", {}),
        ("search 'nguyen'", {"q": "nguyen"}),
        ("search by ID '0054321'", {"q": "0054321"}),
        ("filter one school", {"school": schools[3].pk}),
        ("filter synced, grade 03", {"origin": "synced", "grade": "03"}),
        ("school + search, page 5", {"school": schools[3].pk, "q": "kim", "page": 5}),
    ]
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            **static,
        },
        SECURE_SSL_REDIRECT=False,
        DEBUG=False,
    ):
        client = Client()
        client.force_login(user)
        for label, params in cases:
            url = "/manage/students/"

            def get(params=params, url=url):
                response = client.get(url, params, secure=True)
                assert response.status_code == 200, response.status_code
                return response

            get()  # warm caches (templates, session)
            queries = []
            with connection.execute_wrapper(_recorder(queries)):
                get()
            seconds = median_time(get, repeat=7)
            report(f"{label}: median server time", seconds * 1000, "ms", "<= 100 ms")
            report(f"{label}: queries", len(queries), "", "<= 10")
            if VERBOSE:
                for sql, ms in sorted(queries, key=lambda q: -q[1])[:3]:
                    print(f"      {ms:7.1f} ms  {sql[:160]}")
        form_save(client, schools, connection)


def form_save(client, schools, connection) -> None:
    """A student's Details form saved, each time a real change: the first name and a second
    school in, then out again (a batch of one through the engine, under the district lock)."""
    from rostering.models import Student

    kid = Student.objects.get(username="s000007")  # manual, at school 7
    url = f"/manage/students/{kid.pk}/"
    data = {
        "first_name": kid.first_name,
        "middle_name": "",
        "last_name": kid.last_name,
        "username": kid.username,
        "email": "",
        "external_id": kid.external_id,
        "alt_external_id": "",
        "grade": kid.grade,
    }
    turn = [0]

    def save():
        turn[0] += 1
        extra = [schools[8].pk] if turn[0] % 2 else []
        posted = {**data, "first_name": f"Ava{turn[0]}", "schools": [schools[7].pk, *extra]}
        response = client.post(url, posted, secure=True)
        assert response.status_code == 302, response.status_code

    save()  # warm
    queries = []
    with connection.execute_wrapper(_recorder(queries)):
        save()
    seconds = median_time(save, repeat=9)
    report("student form save: median server time", seconds * 1000, "ms", "<= 50 ms")
    report("student form save: queries", len(queries), "")


if __name__ == "__main__":
    main()
