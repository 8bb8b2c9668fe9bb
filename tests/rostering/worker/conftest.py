"""Worker subprocesses for the worker tests: started with an environment, stopped at teardown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll `condition` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def subprocess_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # The browser tests' Playwright switch must not reach a server process (`check --deploy`
    # refuses it, rightly) when the whole suite runs in one process.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.rostering.worker.worker_settings",
        DATABASE_URL=database_url,
        SECRET_KEY="worker-tests-secret-key-worker-tests-secret-key",
        STUDENT_PASSWORD_KEY="worker-tests-student-password-key",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass
class Process:
    popen: subprocess.Popen
    log_path: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)


@pytest.fixture
def start_process(tmp_path) -> Iterator[Callable[..., Process]]:
    """Start a command (in the repository, output to a log file); every one is stopped at teardown."""
    started: list[Process] = []

    def start(*command: str, env: dict[str, str], name: str = "worker") -> Process:
        log_path = tmp_path / f"{name}-{len(started)}.log"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        process = Process(popen, log_path)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def worker_command(*args: str) -> tuple[str, ...]:
    return (sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2", *args)


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with every migration applied, made once; tests work on copies of it."""
    path = tmp_path_factory.mktemp("worker-db") / "template.sqlite3"
    manage("migrate", "--noinput", "-v", "0", env=subprocess_env(f"sqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_file(migrated_sqlite_template, tmp_path) -> Path:
    path = tmp_path / "homeroom.sqlite3"
    path.write_bytes(migrated_sqlite_template.read_bytes())
    return path
