"""Speed under load: Management > Students of a 100,000-student district, signed in as a
district administrator, CLIENTS concurrent clients for SECONDS, against gunicorn (2 web
processes, as `make serve` runs it) and against `runserver`; prints requests/s, median and
p99 latency, errors, the server's CPU per request (its processes' user + system time, which
other work on the machine hardly moves) and its memory before and after. PostgreSQL only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homeroom_load .venv/bin/python \\
        bench/load_students_list.py

Run by `make bench` after the other benchmarks (about 3 minutes; `python bench/run.py load`
alone). Targets (issue 12): at least 40 requests/s with p99 <= 1 s and no errors under
gunicorn, single-client median <= 40 ms. Under gunicorn the load runs a second time while
LOAD_SIGN_INS (4) more clients sign in over and over: the list must keep its targets (sign-ins
hash a password, and at most SIGNIN_CONCURRENT_HASHES of them at once per web process). The
machine's load average is printed beside the figures: other work takes the same cores.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from _common import ROOT, report, setup_django

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "16"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
PATH = "/manage/students/"
SIGN_INS = int(os.environ.get("LOAD_SIGN_INS", "4"))  # clients signing in during a second load
PY = sys.executable


def ensure_district() -> None:
    from bench_student_list import build_district

    from rostering.models import Organization

    if not Organization.objects.filter(slug="bench").exists():
        start = time.perf_counter()
        build_district()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report("generate 100,000 students", time.perf_counter() - start, "s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(static_root: Path) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WEB_WORKERS": "2",
    }


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB."""
    pids = [pid]
    try:
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        pids += [int(p) for p in children]
    except FileNotFoundError:
        pass
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its children so far, in seconds: unlike the
    wall-clock figures, it hardly moves with other work on the machine."""
    try:
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
    except FileNotFoundError:
        children = []
    total = 0
    for p in [pid, *(int(c) for c in children)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def sign_in(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        client.get("/accounts/login/")
        token = client.cookies["csrftoken"]
        response = client.post(
            "/accounts/login/",
            data={"username": "bench-admin", "password": "bench-pass-123"},
            headers={"X-CSRFToken": token, "Referer": base + "/accounts/login/"},
        )
        assert response.status_code == 302, response.status_code
        return client.cookies


def wait_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/healthz", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{base} did not start")


def load(base: str, cookies: httpx.Cookies, sign_ins: int = 0) -> tuple[list[float], int, dict]:
    """CLIENTS clients reading the list for SECONDS (times and errors), and ``sign_ins`` more
    signing in over and over meanwhile (each a new browser: the sign-in page, then the POST):
    {"signed in": n, "asked to wait": n (503), "failed": n, "times": [...]}."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS
    signed = {"signed in": 0, "asked to wait": 0, "failed": 0, "times": []}

    def sign_in_loop():
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
                    client.get("/accounts/login/")
                    status = client.post(
                        "/accounts/login/",
                        data={"username": "bench-admin", "password": "bench-pass-123"},
                        headers={
                            "X-CSRFToken": client.cookies["csrftoken"],
                            "Referer": base + "/accounts/login/",
                        },
                    ).status_code
            except (httpx.HTTPError, KeyError):
                status = 0
            outcome = {302: "signed in", 503: "asked to wait"}.get(status, "failed")
            with lock:
                signed[outcome] += 1
                signed["times"].append(time.perf_counter() - start)

    def client_loop():
        nonlocal errors
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    ok = client.get(PATH).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    times.append(time.perf_counter() - start)
                    errors += not ok

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    threads += [threading.Thread(target=sign_in_loop) for _ in range(sign_ins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, signed


def print_load(times: list[float], errors: int) -> None:
    report("requests/s", len(times) / SECONDS, "", ">= 40")
    report("median latency", statistics.median(times) * 1000, "ms")
    report("p99 latency", statistics.quantiles(times, n=100)[98] * 1000, "ms", "<= 1000 ms")
    report("errors", errors, "", "0")


def run(name: str, command: list[str], base: str, env: dict, sign_ins: int = 0) -> None:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_up(base)
        cookies = sign_in(base)
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as one:
            for _ in range(10):  # every thread's connection opened, templates loaded
                one.get(PATH)
            single = []
            for _ in range(21):
                start = time.perf_counter()
                assert one.get(PATH).status_code == 200
                single.append(time.perf_counter() - start)
        before = rss_mb(process.pid)
        busy = os.getloadavg()[0]  # before this load: other work on the machine
        cpu_before = cpu_seconds(process.pid)
        times, errors, _ = load(base, cookies)
        cpu_per_request = (cpu_seconds(process.pid) - cpu_before) / max(len(times), 1)
        after = rss_mb(process.pid)
        print(
            f"\n## {name}: {CLIENTS} clients for {SECONDS:.0f} s (load average {busy:.1f})",
            flush=True,
        )
        report("single client: median", statistics.median(single) * 1000, "ms", "<= 40 ms")
        print_load(times, errors)
        report("server CPU per request (under load)", cpu_per_request * 1000, "ms")
        report("memory before / after load", before, f"MB -> {after:.0f} MB")
        if sign_ins:
            # Sign-ins hash a password (about 0.3 s of CPU each): the list must not starve.
            busy = os.getloadavg()[0]
            times, errors, signed = load(base, cookies, sign_ins=sign_ins)
            print(
                f"\n## {name}: the same load while {sign_ins} more clients sign in over and "
                f"over (load average {busy:.1f})",
                flush=True,
            )
            print_load(times, errors)
            report("sign-ins/s", signed["signed in"] / SECONDS, "")
            report("sign-ins asked to wait (503)", signed["asked to wait"], "")
            report("sign-ins failed", signed["failed"], "", "0")
            if signed["times"]:
                report("sign-in median", statistics.median(signed["times"]) * 1000, "ms")
            report("memory after both loads", rss_mb(process.pid), "MB")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database.")
        return 2
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("STUDENT_PASSWORD_KEY", "bench-only-student-password-key")
    setup_django()
    ensure_district()
    static_root = ROOT / "var" / "bench-static"
    env = server_env(static_root)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    gunicorn = [PY, "-m", "gunicorn", "-c", "portal/gunicorn_conf.py", "-b", f"127.0.0.1:{port}"]
    run("gunicorn, 2 web processes", gunicorn, f"http://127.0.0.1:{port}", env, SIGN_INS)
    port = free_port()
    runserver = [PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    run("runserver", runserver, f"http://127.0.0.1:{port}", env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
