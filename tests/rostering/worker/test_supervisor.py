"""Finding 4 (issue 9): under `make run` a worker that exits is started again.

`make run` runs supervisord with supervisord.conf; this test runs that same file (with its
own run folder, port and SQLite file), kills the worker it started, and sees a new one take
over; stopping supervisord stops every process it started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .conftest import BASE_DIR, subprocess_env, wait_until
from .sqlite_queue import enqueue, wait_for_status

# `make run` serves SQLite, and so does this test whatever the suite's database: run it once.
pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="runs in the SQLite run")

SUPERVISOR_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def supervisorctl(run_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            SUPERVISOR_BIN / "supervisorctl",
            "-c",
            "supervisord.conf",
            "-s",
            f"unix://{run_dir}/supervisor.sock",
            *args,
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )


def running_pid(run_dir: Path, program: str) -> int | None:
    if supervisorctl(run_dir, "status", program).returncode != 0:  # 0 only when RUNNING
        return None
    pid = supervisorctl(run_dir, "pid", program).stdout.strip()
    return int(pid) if pid.isdigit() and int(pid) > 0 else None


def exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_worker_is_started_again_and_stopping_stops_everything(
    sqlite_file, start_process, tmp_path
):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    env = subprocess_env(
        f"sqlite:///{sqlite_file}",
        HOMEROOM_PYTHON=sys.executable,
        HOMEROOM_RUN_DIR=str(run_dir),
        HOST=f"127.0.0.1:{free_port()}",
    )
    supervisord = start_process(
        str(SUPERVISOR_BIN / "supervisord"), "-c", "supervisord.conf", env=env, name="make-run"
    )
    first = wait_until(
        lambda: running_pid(run_dir, "worker"), timeout=60, what="supervisord to start the worker"
    )
    web = wait_until(lambda: running_pid(run_dir, "web"), timeout=60, what="the web server")

    os.kill(first, signal.SIGKILL)
    second = wait_until(
        lambda: (pid := running_pid(run_dir, "worker")) != first and pid,
        timeout=60,
        what="supervisord to start a new worker",
    )
    assert running_pid(run_dir, "web") == web  # the web server went on meanwhile

    task_id = enqueue(env, "echo", "picked up by the new worker")
    wait_for_status(sqlite_file, task_id, "SUCCESSFUL", supervisord)

    supervisord.stop()
    assert supervisord.popen.returncode == 0, supervisord.log()
    assert not exists(second) and not exists(web)
    assert "exited: worker (terminated by SIGKILL; not expected)" in supervisord.log()
