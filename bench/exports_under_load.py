"""Four whole-district exports at once, and a Students page beside them: gunicorn with 2 web
processes and 2 background workers (as `make serve` runs them), PostgreSQL, the 100,000-student
district of bench_student_list. Run by bench_exports.py on PostgreSQL (``make bench``).

Each export asks the list's Export CSV: past EXPORT_BACKGROUND_ROWS it answers at once with
the job's page, and the workers write the files. Meanwhile one client keeps loading the
Students page; its slowest answer is the figure (target: under 1 s). Every file is then
downloaded and must hold every student. The same is measured with the exports streamed in
the request (EXPORT_BACKGROUND_ROWS above the district), as before the background jobs.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import statistics
import subprocess
import threading
import time

import httpx
from _common import ROOT, report
from load_students_list import PY, free_port, server_env, sign_in, wait_up

EXPORTS = 4
PAGE = "/manage/students/"
EXPORT = "/manage/students/export.csv"


def _start(env: dict) -> list[subprocess.Popen]:
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    web = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "portal/gunicorn_conf.py", "-b", env["SERVE_BIND"]],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        **quiet,
    )
    workers = [
        subprocess.Popen(
            [PY, "manage.py", "worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            **quiet,
        )
        for _ in range(2)
    ]
    return [web, *workers]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for process in processes:
        process.wait(timeout=60)


def _rows(content: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8-sig")))) - 1


def _export(base: str, cookies, into: list, lock: threading.Lock) -> None:
    """One export, to the end: streamed, or its job followed to the download."""
    with httpx.Client(base_url=base, cookies=cookies, timeout=120) as client:
        start = time.perf_counter()
        response = client.get(EXPORT)
        answered = time.perf_counter() - start
        if response.status_code == 302:
            job = response.headers["location"].rstrip("/")
            while True:
                status = client.get(f"{job}/status/").json()
                if status["finished"]:
                    break
                time.sleep(0.5)
            content = client.get(f"{job}/download/").content if status["status"] == "done" else b""
        else:
            content = response.content
        with lock:
            into.append((answered, time.perf_counter() - start, _rows(content) if content else 0))


def measure(label: str, students: int, background_rows: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **server_env(ROOT / "var" / "bench-static"),
        "SERVE_BIND": f"127.0.0.1:{port}",
        "EXPORT_BACKGROUND_ROWS": str(background_rows),
        "WORKER_POLL_INTERVAL": "0.2",
        # The benchmark's own process runs tasks at once; the servers queue them, as deployed.
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    processes = _start(env)
    try:
        wait_up(base)
        cookies = sign_in(base)
        with httpx.Client(base_url=base, cookies=cookies, timeout=120) as page:
            page.get(PAGE)
            results: list = []
            lock = threading.Lock()
            threads = [
                threading.Thread(target=_export, args=(base, cookies, results, lock))
                for _ in range(EXPORTS)
            ]
            for t in threads:
                t.start()
            pages = []
            while any(t.is_alive() for t in threads):
                start = time.perf_counter()
                ok = page.get(PAGE).status_code == 200
                pages.append(time.perf_counter() - start if ok else float("inf"))
            for t in threads:
                t.join()
        print(
            f"\n  {label}: {EXPORTS} Students CSVs at once, Students page beside them", flush=True
        )
        report("Students page while exporting: slowest", max(pages) * 1000, "ms", "< 1000 ms")
        report("Students page while exporting: median", statistics.median(pages) * 1000, "ms")
        report("Export CSV: slowest answer of the request", max(r[0] for r in results), "s")
        report("every file downloaded: slowest", max(r[1] for r in results), "s")
        complete = sum(r[2] == students for r in results)
        report("files holding every student", complete, f"of {EXPORTS}", f"{EXPORTS}")
    finally:
        _stop(processes)


def main(students: int) -> None:
    static_root = ROOT / "var" / "bench-static"
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(static_root),
        check=True,
    )
    measure("background jobs (EXPORT_BACKGROUND_ROWS=20000)", students, 20_000)
    measure("streamed in the request (as before)", students, students + 1)


if __name__ == "__main__":
    from _common import setup_django

    setup_django()
    from rostering.models import Student

    main(Student.objects.filter(district__slug="bench").count())
