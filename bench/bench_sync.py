"""The sync of a large district: first sync, an unchanged re-run, 5% of students changed.

Generates a OneRoster 1.1 snapshot of 50,000 students, 2,500 educators, 2,500 classes and
200,000 enrollments (BENCH_SYNC_SCALE=0.1 makes it ten times smaller, e.g. for SQLite;
BENCH_SYNC_SCALE=4 is the 200,000-student district). Each sync prints its time and its own
peak RSS (the counter restarts per sync on Linux), then the process's peak over them all. The roster engine issue's targets on
PostgreSQL: first <= 20 s, unchanged <= 4 s, 5% changed <= 6 s, peak <= 250 MB; at 200,000
students first <= 90 s, unchanged <= 16 s, peak <= 500 MB.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import time
from contextlib import contextmanager

from _common import ROOT, report, server_cpu, setup_django

SCALE = float(os.environ.get("BENCH_SYNC_SCALE", "1"))
STUDENTS = int(50_000 * SCALE)
EDUCATORS = int(2_500 * SCALE)
CLASSES = int(2_500 * SCALE)
ENROLLMENTS = int(200_000 * SCALE)
SCHOOLS = 40
FOLDER = ROOT / "var" / "bench_sync_snapshot"
LARGE = SCALE >= 4
TARGETS = {
    "first": "<= 90 s" if LARGE else "<= 20 s",
    "unchanged": "<= 16 s" if LARGE else "<= 4 s",
    "changed": "" if LARGE else "<= 6 s",
    "memory": "<= 500 MB" if LARGE else "<= 250 MB",
}


def _write(name: str, header: list[str], rows) -> None:
    with open(FOLDER / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_snapshot(changed_share: float = 0.0) -> None:
    """The district's snapshot; ``changed_share`` of the students get a new first name."""
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    _write(
        "manifest.csv",
        ["propertyName", "value"],
        [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
        + [[f"file.{s}", "bulk"] for s in ("orgs", "users", "classes", "enrollments")],
    )
    _write(
        "orgs.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "name",
            "type",
            "identifier",
            "parentSourcedId",
        ],
        [["dist", "", "", "Bench District", "district", "", ""]]
        + [[f"sch-{n}", "", "", f"School {n}", "school", f"S{n}", "dist"] for n in range(SCHOOLS)],
    )
    changed_every = int(1 / changed_share) if changed_share else 0
    header = [
        "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
        "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
        "sms", "phone", "agentSourcedIds", "grades", "password",
    ]  # fmt: skip

    def users():
        for n in range(STUDENTS):
            given = f"Given{n}"
            if changed_every and n % changed_every == 0:
                given = f"Changed{n}"
            yield [
                f"stu-{n}", "", "", "true", f"sch-{n % SCHOOLS}", "student", f"bench.s{n}", "",
                given, f"Family{n % 997}", "", f"{100000 + n}", f"bench.s{n}@example.org", "",
                "", "", f"{n % 12 + 1:02d}", "",
            ]  # fmt: skip
        for n in range(EDUCATORS):
            yield [
                f"tch-{n}", "", "", "true", f"sch-{n % SCHOOLS}", "teacher", f"bench.t{n}", "",
                f"Teach{n}", f"Er{n}", "", f"T{n}", f"bench.t{n}@example.org", "", "", "", "", "",
            ]  # fmt: skip

    _write("users.csv", header, users())
    _write(
        "classes.csv",
        ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
         "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects",
         "subjectCodes", "periods"],
        (
            [f"cls-{n}", "", "", f"Class {n}", "03", "", f"C{n}", "scheduled", "",
             f"sch-{n % SCHOOLS}", "", "Math" if n % 2 else "Reading", "", ""]
            for n in range(CLASSES)
        ),
    )  # fmt: skip
    # Exactly ENROLLMENTS rows: one per educator, the rest spread over students (3 or 4 each).
    per_student, extra = divmod(ENROLLMENTS - EDUCATORS, max(STUDENTS, 1))

    def enrollments():
        for n in range(EDUCATORS):
            cls = n % CLASSES
            yield [f"e-t{n}", "", "", f"cls-{cls}", f"sch-{cls % SCHOOLS}", f"tch-{n}",
                   "teacher", "true", "", ""]  # fmt: skip
        # Students take classes of their own school (class n belongs to school n % SCHOOLS).
        per_school = max(CLASSES // SCHOOLS, 1)
        for n in range(STUDENTS):
            school = n % SCHOOLS
            for k in range(per_student + (n < extra)):
                cls = school + SCHOOLS * ((n // SCHOOLS + k) % per_school)
                yield [f"e-s{n}-{k}", "", "", f"cls-{cls}", f"sch-{school}", f"stu-{n}",
                       "student", "false", "", ""]  # fmt: skip

    _write(
        "enrollments.csv",
        ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
         "userSourcedId", "role", "primary", "beginDate", "endDate"],
        enrollments(),
    )  # fmt: skip


@contextmanager
def counted_queries():
    from django.db import connection

    box = {"n": 0}

    def counter(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield box


def timed_sync(label: str, target: str, district) -> tuple[float, int, object]:
    from rostering.sync.engine import run_sync

    _reset_peak()
    server = server_cpu()
    with counted_queries() as box:
        start, cpu = time.perf_counter(), time.process_time()
        run = run_sync(district=district, trigger="command", source_path=str(FOLDER))
        elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    report(label, elapsed, "s", target)
    # CPU times are steadier than wall-clock time on a shared, busy machine.
    report("  Python CPU", cpu, "s")
    after = server_cpu()  # 0 on SQLite
    if after:
        report("  PostgreSQL backend CPU", after - server, "s")
    report("  peak RSS during this sync", _peak_mb(), "MB")
    assert run.status == "succeeded", (run.status, run.failure_reason, run.hold_reason)
    return elapsed, box["n"], run


def main() -> int:
    vendor = setup_django()
    from rostering.models import Organization, Student, SyncConfiguration
    from rostering.sync.models import SyncSource

    print(
        f"  {STUDENTS} students, {EDUCATORS} educators, {CLASSES} classes, "
        f"{ENROLLMENTS} enrollments on {vendor}",
        flush=True,
    )
    district = Organization.objects.create(name="Bench District", slug="bench", org_type="district")
    SyncConfiguration.objects.create(
        district=district, shared_fields={"student": ["grade", "email"], "educator": ["email"]}
    )
    SyncSource.objects.create(district=district)
    start = time.perf_counter()
    write_snapshot()
    report("generate snapshot", time.perf_counter() - start, "s")

    _, first_queries, run = timed_sync("first sync", TARGETS["first"], district)
    report("  queries, first sync", first_queries, "")
    assert run.counts["created"] == STUDENTS + EDUCATORS + CLASSES, run.counts
    _, second_queries, run = timed_sync("second sync, same snapshot", TARGETS["unchanged"], district)
    report("  queries, second sync", second_queries, "")
    assert run.counts["unchanged"] == STUDENTS + EDUCATORS + CLASSES, run.counts

    write_snapshot(changed_share=0.05)
    _, changed_queries, run = timed_sync(
        "sync with 5% of students changed", TARGETS["changed"], district
    )
    report("  queries, 5% changed", changed_queries, "")
    report("  students updated", run.counts["updated"], "")
    report("peak memory (max RSS of the process)", _max_rss_mb(), "MB", TARGETS["memory"])
    report("  memberships (students + educators)", _memberships(), "")
    report("  students in the district", Student.objects.count(), "")
    shutil.rmtree(FOLDER, ignore_errors=True)
    return 0


def _memberships() -> int:
    from rostering.models import ClassEducator, ClassStudent

    return ClassStudent.objects.count() + ClassEducator.objects.count()


_PEAKS: list[float] = []  # the peak RSS before each restart of the counter, MB


def _reset_peak() -> None:
    """Restart the process's peak RSS counter (Linux), so each sync reports its own peak."""
    _PEAKS.append(_peak_mb())
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass  # elsewhere: each figure is the process's peak since it started


def _peak_mb() -> float:
    """The peak RSS since the counter last restarted (VmHWM), in MB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def _max_rss_mb() -> float:
    """The process's peak RSS over the whole run."""
    return max([*_PEAKS, _peak_mb()])


if __name__ == "__main__":
    raise SystemExit(main())
