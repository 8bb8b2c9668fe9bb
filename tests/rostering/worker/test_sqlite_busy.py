"""Finding 4 (issue 9) on SQLite: a long write elsewhere must not crash the background worker.

An undo of 37 s inside a web request held SQLite's write lock past the busy timeout (20 s), and
the worker died with "database is locked". The worker and a test process here share a SQLite
file; the test holds the write lock the way that request did.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

from .conftest import manage, subprocess_env, wait_until, worker_command
from .sqlite_queue import enqueue, task_row, wait_for_status

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")

LOCK_SECONDS = 5


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Take SQLite's write lock from this process, as a long web request's transaction does."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO auth_group (name) VALUES ('written by the long request')")
    return db


def group_names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path, timeout=30)) as db:
        return {name for (name,) in db.execute("SELECT name FROM auth_group")}


def test_worker_task_waits_for_a_write_held_by_another_process_and_completes(
    sqlite_file, start_process, tmp_path
):
    env = subprocess_env(f"sqlite:///{sqlite_file}")
    worker = start_process(*worker_command(), env=env)
    gate = tmp_path / "gate"
    task_id = enqueue(env, "gated", str(gate), "written by the task", write=True)
    wait_for_status(sqlite_file, task_id, "RUNNING", worker)

    long_request = hold_write_lock(sqlite_file)
    gate.touch()  # the task now writes, and must wait for the lock
    time.sleep(LOCK_SECONDS)
    assert worker.alive(), worker.log()
    assert task_row(sqlite_file, task_id)[0] == "RUNNING"
    long_request.execute("COMMIT")
    long_request.close()

    wait_for_status(sqlite_file, task_id, "SUCCESSFUL", worker)
    assert {"written by the long request", "written by the task"} <= group_names(sqlite_file)
    assert "database is locked" not in worker.log()


def test_worker_outlives_a_write_lock_held_past_the_busy_timeout(sqlite_file, start_process):
    # The incident at a small scale: a busy timeout of 1 s and a lock held for 5 s.
    env = subprocess_env(f"sqlite:///{sqlite_file}", SQLITE_BUSY_TIMEOUT="1")
    worker = start_process(*worker_command(), env=env)
    wait_until(lambda: "Starting worker" in worker.log(), timeout=60, what="the worker to start")

    long_request = hold_write_lock(sqlite_file)
    time.sleep(LOCK_SECONDS)
    assert worker.alive(), worker.log()
    long_request.execute("COMMIT")
    long_request.close()

    task_id = enqueue(env, "echo", "after the lock")
    wait_for_status(sqlite_file, task_id, "SUCCESSFUL", worker)
    assert task_row(sqlite_file, task_id)[1] == "after the lock"
    assert "database is locked); retrying in" in worker.log()


def test_sqlite_uses_wal_immediate_transactions_and_a_five_minute_busy_timeout(sqlite_file):
    code = (
        "import sqlite3; from django.db import connection, transaction\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "with transaction.atomic():\n"
        "    other = sqlite3.connect(connection.settings_dict['NAME'], timeout=0)\n"
        "    try:\n"
        "        other.execute('BEGIN IMMEDIATE'); print('not locked')\n"
        "    except sqlite3.OperationalError as e:\n"
        "        print(e)\n"
    )
    out = manage(
        "shell", "--no-imports", "-c", code, env=subprocess_env(f"sqlite:///{sqlite_file}")
    )
    journal_mode, busy_timeout_ms, second_writer = out.split("\n")[:3]
    assert journal_mode == "wal"
    assert busy_timeout_ms == "300000"  # SQLITE_BUSY_TIMEOUT's default, 300 s
    # An atomic block holds the write lock from its BEGIN: no other writer slips in between.
    assert second_writer == "database is locked"
