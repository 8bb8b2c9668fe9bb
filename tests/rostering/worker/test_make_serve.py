"""Issue 12: `make serve` serves the portal under gunicorn with DEBUG off and supervised workers.

The test runs `make serve` itself (with a real random SECRET_KEY, its own port, run folder,
static folder and SQLite file), fetches a page and a static file over HTTP, kills a background
worker, a gunicorn web process and the gunicorn master and sees each replaced, sees a queued
task run, and stops make with SIGTERM, which stops everything it started.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from .conftest import BASE_DIR, subprocess_env, wait_until
from .sqlite_queue import enqueue, wait_for_status
from .test_supervisor import exists, free_port

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="runs in the SQLite run")

SUPERVISOR_BIN = Path(sys.executable).parent
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy says


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def answers(url: str):
    try:
        return fetch(url, HTTPS)[0] == 200
    except OSError:
        return False


def serve_pids(run_dir: Path) -> dict[str, int]:
    done = subprocess.run(
        [
            SUPERVISOR_BIN / "supervisorctl",
            "-c",
            "supervisord-serve.conf",
            "-s",
            f"unix://{run_dir}/supervisor.sock",
            "status",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )
    pids = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[1] == "RUNNING":
            pids[parts[0]] = int(parts[3].rstrip(","))
    return pids


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def test_make_serve_serves_under_gunicorn_and_supervises_every_process(
    sqlite_file, start_process, tmp_path
):
    run_dir, static_root = tmp_path / "run", tmp_path / "static"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = subprocess_env(
        f"sqlite:///{sqlite_file}",
        SERVE_BIND=f"127.0.0.1:{port}",
        SERVE_RUN_DIR=str(run_dir),
        STATIC_ROOT=str(static_root),
        WEB_WORKERS="2",
        BACKGROUND_WORKERS="2",
    )
    env.update(SECRET_KEY=secrets.token_urlsafe(50), STUDENT_PASSWORD_KEY=secrets.token_urlsafe(32))
    env.pop("DJANGO_SETTINGS_MODULE")  # the production settings, as on a server
    env.pop("DEBUG", None)
    serve = start_process("make", "--no-print-directory", "serve", env=env, name="make-serve")

    wait_until(lambda: answers(f"{base}/accounts/login/"), timeout=180, what="make serve")
    log = serve.log()
    assert "check --deploy" in log and "System check identified no issues" in log
    assert "Starting gunicorn" in log

    status, headers, body = fetch(f"{base}/accounts/login/", HTTPS)
    assert status == 200 and b"Sign in" in body
    assert "Strict-Transport-Security" in headers  # the production security settings
    # DEBUG is off: plain HTTP is sent to HTTPS, and an unknown page is the portal's 404.
    assert fetch(f"{base}/accounts/login/")[0] == 301
    status, _, body = fetch(f"{base}/no-such-page/", HTTPS)
    assert status == 404 and b"Traceback" not in body and b"URLconf" not in body

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    css = manifest["vendor/bootstrap/css/bootstrap.min.css"]
    assert css.encode() in fetch(f"{base}/accounts/login/", HTTPS)[2]  # hashed, cacheable name
    status, headers, body = fetch(f"{base}/static/{css}", HTTPS)
    assert status == 200 and headers["Content-Type"].startswith("text/css") and len(body) > 10_000
    assert "max-age=315360000" in headers["Cache-Control"]

    pids = wait_until(
        lambda: (
            (p := serve_pids(run_dir)).keys() >= {"web", "worker:worker-0", "worker:worker-1"} and p
        ),
        timeout=60,
        what="supervisord to report every process",
    )

    # A background worker killed: supervisord starts another.
    os.kill(pids["worker:worker-0"], signal.SIGKILL)
    wait_until(
        lambda: serve_pids(run_dir).get("worker:worker-0") not in (None, pids["worker:worker-0"]),
        timeout=60,
        what="a new background worker",
    )
    # A gunicorn web process killed: gunicorn's master starts another, pages keep answering.
    web_processes = wait_until(
        lambda: len(c := children(pids["web"])) == 2 and c,
        timeout=30,
        what="two gunicorn web processes",
    )
    killed = min(web_processes)
    os.kill(killed, signal.SIGKILL)
    wait_until(
        lambda: len(c := children(pids["web"])) == 2 and killed not in c,
        timeout=60,
        what="gunicorn to replace its web process",
    )
    assert answers(f"{base}/accounts/login/")
    # The gunicorn master itself killed: supervisord starts gunicorn again.
    os.kill(pids["web"], signal.SIGKILL)
    wait_until(
        lambda: (
            serve_pids(run_dir).get("web") not in (None, pids["web"])
            and answers(f"{base}/accounts/login/")
        ),
        timeout=90,
        what="supervisord to start gunicorn again",
    )

    # Both background workers stamp their heartbeat: /healthz is green over plain HTTP too.
    def healthy():
        try:  # the killed master's last web processes may still take a connection and exit
            status, _, body = fetch(f"{base}/healthz")
        except OSError:
            return False
        return status == 200 and json.loads(body)["checks"]["worker"]["workers"] == 2

    wait_until(healthy, timeout=60, what="/healthz to report two live workers")

    task_id = enqueue(subprocess_env(f"sqlite:///{sqlite_file}"), "echo", "run under make serve")
    wait_for_status(sqlite_file, task_id, "SUCCESSFUL", serve)

    every = set(serve_pids(run_dir).values())
    every |= {child for pid in every for child in children(pid)}
    serve.stop()  # SIGTERM to make, as Ctrl-C or a service manager would
    assert not serve.alive()
    wait_until(
        lambda: not any(exists(pid) for pid in every), timeout=30, what="every process to stop"
    )
    assert "exited: worker-0 (terminated by SIGKILL; not expected)" in serve.log()
