"""The Students import of a 10,000-student file, through the import engine, and
django-import-export's default ``Resource.import_data`` on the same students for comparison.

The file is the one ``export_roster`` writes for the district (its header, every column filled,
cells written as it writes them; checked against it after the first commit) with passwords
added: each student has a middle name, email, Alt ID, a school, one or two classes/groups (by
External ID), two products, one product setting and a password. Measured: the preview (``engine.check_file``), the commit of the new file
(``engine.commit_file``, which checks every row again inside its transaction), its undo
(``engine.undo_import``: every student it created goes; no target, reported), the same file
again (no change), the file with every row changed, and the peak Python heap of a commit
(tracemalloc, in a separate run so that tracing does not slow the timed runs; the process's
peak resident size from ``resource.getrusage`` is printed as well). Each line also prints the
Python process's CPU time and its PostgreSQL backend's (read from /proc when the server runs on
this machine): on a shared machine a COMMIT can wait seconds for the disk, and these move less.

Targets on PostgreSQL: preview <= 1.5 s, commit <= 1.5 s, no change <= 0.5 s,
all changed <= 2 s, peak memory <= 200 MB. "No change" and "all changed" are the median of
three runs (all changed: to the changed file, back, and again), as a shared machine's timings
vary from run to run. BENCH_IMPORT_STUDENTS makes the file smaller;
BENCH_IMPORT_COMPARE=0 leaves out django-import-export (about two minutes on PostgreSQL).
"""

from __future__ import annotations

import csv
import io
import os
import resource
import time
import tracemalloc

from _common import server_cpu, setup_django

STUDENTS = int(os.environ.get("BENCH_IMPORT_STUDENTS", "10000"))
COMPARE = os.environ.get("BENCH_IMPORT_COMPARE", "1") != "0"
SCHOOLS = 10
CLASSES_PER_SCHOOL = 30
FIRST = "Ava Ben Cleo Dev Eli Finn Gia Hugo Iris Jon Kai Lena Milo Nia Omar Pia Ray Sol".split()
LAST = "Smith Garcia Nguyen Okafor Patel Kim Rossi Novak Silva Cohen Haddad Jensen".split()
GRADES = ["KG", "01", "02", "03", "04", "05", "06", "07", "08"]  # as stored and exported
TARGETS = {  # seconds on PostgreSQL (and MB for memory)
    "preview": 1.5,
    "commit": 1.5,
    "no change": 0.5,
    "all changed": 2.0,
    "peak memory": 200.0,
}


def build_district():
    from django.contrib.auth import get_user_model

    from rostering.models import ClassGroup, Educator, Organization, Product, ProductSetting

    district = Organization.objects.create(
        name="Bench Unified", slug="bench", org_type=Organization.OrgType.DISTRICT
    )
    schools = [
        Organization.objects.create(
            name=f"Bench School {n:02d}", district=district, parent=district, external_id=f"B{n}"
        )
        for n in range(SCHOOLS)
    ]
    ClassGroup.objects.bulk_create(
        ClassGroup(
            district=district, school=school, name=f"Room {c}", external_id=f"{school.pk}-C{c}"
        )
        for school in schools
        for c in range(CLASSES_PER_SCHOOL)
    )
    for name, code in (("Reading Stars", "reading-stars"), ("Math Quest", "math-quest")):
        Product.objects.create(name=name, code=code)
    ProductSetting.objects.create(
        product=Product.objects.get(code="reading-stars"),
        key="language",
        label="Language Support",
        allowed_values=["English", "Spanish"],
        default="English",
    )
    admin = Educator.objects.create(
        district=district,
        first_name="Dana",
        last_name="Admin",
        username="bench-admin",
        educator_type=Educator.EducatorType.ADMINISTRATOR,
        user=get_user_model().objects.create_user("bench-admin", password="bench-pass-123"),
    )
    admin.organizations.set([district])
    return district, admin.user


def header() -> list[str]:
    """The Students template's columns as ``export_roster`` writes them (every exported
    column of the registry, in its order)."""
    from rostering import registry

    return [f.column for f in registry.STUDENT.exported_fields]


def student_cells(n: int, class_ids: list[str], *, changed: bool) -> dict[str, str]:
    """Student ``n``'s row by registry field name, every column filled, each cell written
    the way ``export_roster`` writes it (classes by External ID, settings as
    "Product: Label = value", lists sorted), plus a password."""
    school = n % SCHOOLS
    room = n % CLASSES_PER_SCHOOL
    rooms = [room] + ([(room + 1) % CLASSES_PER_SCHOOL] if n % 2 else [])
    if changed:
        rooms[0] = (room + 7) % CLASSES_PER_SCHOOL
    first, last = FIRST[n % len(FIRST)], LAST[n % len(LAST)] + ("-Moved" if changed else "")
    language = "English" if changed else "Spanish"
    return {
        "first_name": first,
        "last_name": last,
        "username": f"s{n:06d}",
        "external_id": f"{n:07d}",
        "schools": f"Bench School {school:02d}",
        "middle_name": FIRST[(n + 5) % len(FIRST)],
        "preferred_first_name": FIRST[(n + 3) % len(FIRST)] + "y",
        "grade": GRADES[(n + (1 if changed else 0)) % len(GRADES)],
        "email": f"s{n:06d}@students.bench.example",
        "alt_external_id": f"ALT{n:07d}",
        "password": f"tiger{n % 1000:03d}",
        "classes": "; ".join(sorted(class_ids[school * CLASSES_PER_SCHOOL + r] for r in rooms)),
        "products": "Math Quest; Reading Stars",
        "settings": f"Reading Stars: Language Support = {language}",
    }


def students_file(district, *, changed: bool = False) -> bytes:
    """The students as a Students template CSV with every column of ``export_roster``'s
    file filled; ``changed`` alters every row (last name, grade, one class/group, the
    product setting)."""
    from rostering.models import ClassGroup
    from rostering.registry import STUDENT

    class_ids = list(
        ClassGroup.objects.filter(district=district)
        .order_by("school__name", "pk")
        .values_list("external_id", flat=True)
    )
    names = [f.name for f in STUDENT.exported_fields]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    for n in range(STUDENTS):
        cells = student_cells(n, class_ids, changed=changed)
        writer.writerow([cells[name] for name in names])
    return out.getvalue().encode("utf-8")


def assert_export_matches(district, content: bytes) -> None:
    """``export_roster``'s file of the district holds what ``content`` holds (the same header,
    the same cells per student), apart from passwords, which it never exports."""
    from rostering.imports.export import students_csv

    def by_username(text: str):
        rows = list(csv.reader(io.StringIO(text)))
        head, body = rows[0], rows[1:]
        at = head.index("Password")
        user = head.index("Username")
        return head, {r[user]: r[:at] + r[at + 1 :] for r in body}

    ours_head, ours = by_username(content.decode("utf-8"))
    theirs_head, theirs = by_username(students_csv(district))
    assert ours_head == theirs_head, (ours_head, theirs_head)
    assert ours == theirs, next(
        (k, ours[k], theirs.get(k)) for k in ours if ours[k] != theirs.get(k)
    )


class Queries:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(fn):
    """(seconds, queries, result) of ``fn()``; the Python process's CPU seconds in
    ``LAST_CPU`` and its database backend's in ``LAST_SERVER_CPU`` (both steadier than
    wall-clock time on a shared, busy machine, where a COMMIT may wait seconds for the disk)."""
    from django.db import connection

    counter = Queries()
    server = server_cpu()
    with connection.execute_wrapper(counter):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        seconds = time.perf_counter() - start
    LAST_CPU[0] = time.process_time() - cpu
    LAST_SERVER_CPU[0] = server_cpu() - server
    return seconds, counter.count, result


LAST_CPU = [0.0]
LAST_SERVER_CPU = [0.0]


def import_export_run(district) -> tuple[float, int, int]:
    """django-import-export's defaults: a plain ModelResource for Student, import_data.

    Its own students (other usernames) in the same district, so the engine's are untouched;
    the Dataset holds the same people with their school (it has no column type for classes,
    products or settings, so it does less work than the engine)."""
    import tablib
    from import_export import resources

    from rostering.models import Organization, Student

    class StudentResource(resources.ModelResource):
        class Meta:
            model = Student

    school_ids = list(
        Organization.objects.filter(district=district, org_type="school")
        .order_by("name")
        .values_list("pk", flat=True)
    )
    data = tablib.Dataset(
        headers=["id", "district", "first_name", "last_name", "username", "external_id"]
        + ["grade", "schools"]
    )
    for n in range(STUDENTS):
        data.append(
            [
                "",
                district.pk,
                FIRST[n % len(FIRST)],
                LAST[n % len(LAST)],
                f"ie{n:06d}",
                f"IE{n:07d}",
                f"{(n % 8) + 1:02d}",
                str(school_ids[n % SCHOOLS]),
            ]
        )
    seconds, queries, result = measure(lambda: StudentResource().import_data(data, dry_run=False))
    assert not result.has_errors() and not result.has_validation_errors(), "import-export failed"
    created = Student.objects.filter(username__startswith="ie").count()
    return seconds, queries, created


def main() -> None:
    vendor = setup_django()
    from rostering.imports import engine
    from rostering.models import Student

    district, actor = build_district()
    original = students_file(district)
    changed = students_file(district, changed=True)
    kw = {"actor": actor, "district": district, "kind": "students", "file_name": "bench.csv"}
    rows = []

    def run(label: str, fns, expect: dict | None = None):
        """Time ``fns`` (one callable, or several alternatives whose median is kept); the
        last one's result."""
        results = []
        for fn in fns if isinstance(fns, list) else [fns]:
            seconds, queries, result = measure(fn)
            counts = {k: getattr(result, k) for k in ("created", "updated", "unchanged")}
            if expect:
                assert counts == expect, (label, counts, getattr(result, "errors", [])[:3])
            results.append((seconds, queries, counts, LAST_CPU[0], LAST_SERVER_CPU[0]))
        seconds, queries, counts, cpu, server = sorted(results, key=lambda r: r[0])[
            len(results) // 2
        ]
        if len(results) > 1:
            label += f" (median of {len(results)})"
        rows.append((label, seconds, "s", queries, counts))
        print(
            f"  {label:<34} {seconds:8.3f} s  {queries:5d} queries  {counts}  "
            f"(Python CPU {cpu:.3f} s, server CPU {server:.3f} s, "
            f"load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        return result

    def commit(content):
        return lambda: engine.commit_file(**kw, content=content)

    new = {"created": STUDENTS, "updated": 0, "unchanged": 0}
    run("preview", lambda: engine.check_file(**kw, content=original), new)
    first = run("commit", commit(original), new)
    assert Student.objects.filter(district=district).count() == STUDENTS
    assert_export_matches(district, original)  # the file export_roster would write
    # Undo of that commit (every student it created goes), then the same commit again.
    seconds, queries, kept = measure(
        lambda: engine.undo_import(
            actor=actor, district=district, result={"applied": first.applied}
        )
    )
    assert kept == [] and not Student.objects.filter(district=district).exists(), kept[:3]
    rows.append(("undo of the commit", seconds, "s", queries, None))
    print(
        f"  {'undo of the commit':<34} {seconds:8.3f} s  {queries:5d} queries  "
        f"(Python CPU {LAST_CPU[0]:.3f} s, server CPU {LAST_SERVER_CPU[0]:.3f} s)",
        flush=True,
    )
    run("commit after the undo", commit(original), new)
    same = {"created": 0, "updated": 0, "unchanged": STUDENTS}
    run("preview, same file again", lambda: engine.check_file(**kw, content=original), same)
    run("no change", [commit(original)] * 3, same)
    every = {"created": 0, "updated": STUDENTS, "unchanged": 0}
    run("preview, every row changed", lambda: engine.check_file(**kw, content=changed), every)
    # Every row changed, three times: to the changed file, back, and to it again.
    run("all changed", [commit(changed), commit(original), commit(changed)], every)

    # Peak heap of a commit that changes every row (back to the original file), traced.
    tracemalloc.start()
    engine.commit_file(**kw, content=original)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(("peak memory", peak / 1e6, "MB", None, None))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    if COMPARE:
        ie_seconds, ie_queries, ie_created = import_export_run(district)
        rows.append(("django-import-export import_data", ie_seconds, "s", ie_queries, None))

    print(f"\n  {STUDENTS:,} students, {vendor}; targets apply to PostgreSQL")
    print(f"  {'measure':<36} {'value':>10}  {'queries':>7}  {'target':>9}  result")
    print("  " + "-" * 76)
    for label, value, unit, queries, _counts in rows:
        target = TARGETS.get(label.split(" (")[0])
        verdict = "" if target is None else ("ok" if value <= target else "MISSED")
        target_text = f"<= {target:g} {unit}" if target is not None else ""
        q = "" if queries is None else str(queries)
        print(f"  {label:<36} {value:>8.3f} {unit:<2} {q:>7}  {target_text:>9}  {verdict}")
    print(f"  {'peak resident size of the process':<36} {rss:>8.1f} MB  (getrusage, whole run)")
    if COMPARE:
        print(f"  import-export created {ie_created:,} students (students and schools only)")
        ratio = ie_seconds / next(v for label, v, *_ in rows if label == "commit")
        print(f"  import-export took {ratio:.1f} times as long as the engine's commit")
    print("  (queries: statements through Django; each COPY counts as none)")


if __name__ == "__main__":
    main()
