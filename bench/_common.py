"""Shared set-up for benchmark scripts: Django on a scratch database, and small timers.

A benchmark script is ``bench/bench_<topic>.py``; ``bench/run.py`` runs each one on a fresh
SQLite file and on a fresh PostgreSQL database, with DATABASE_URL set. Scripts print their
figures with ``report``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> str:
    """Configure Django, migrate the scratch database; returns the database vendor."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    # DEBUG stays off (as in production); the scratch database gets the benchmark's own keys.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("STUDENT_PASSWORD_KEY", "bench-only-student-password-key")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def report(label: str, value: float, unit: str, target: str = "") -> None:
    line = f"  {label:<48} {value:>10.3f} {unit}"
    if target:
        line += f"   (target {target})"
    print(line, flush=True)


def server_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far, read from
    /proc when the server runs on this machine; 0 on SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def timed(label: str, target: str = ""):
    start = time.perf_counter()
    yield
    report(label, time.perf_counter() - start, "s", target)


def median_time(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def peak_memory(label: str, target: str = ""):
    """Peak Python heap allocated inside the block (tracemalloc), in MB."""
    tracemalloc.start()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        report(label, peak / 1e6, "MB", target)
