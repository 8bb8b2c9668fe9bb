"""The task queue of a SQLite file that a worker subprocess uses, seen from the test process."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from .conftest import manage, wait_until


def enqueue(env: dict[str, str], task: str, *args: object, **kwargs: object) -> str:
    """Queue a probe task from another process (this one's database is the test database)."""
    code = (
        "import json; from tests.rostering.worker import probe_tasks; "
        f"r = probe_tasks.{task}.enqueue(*json.loads({json.dumps(json.dumps(args))!s}), "
        f"**json.loads({json.dumps(json.dumps(kwargs))!s})); print(r.id)"
    )
    return manage("shell", "--no-imports", "-c", code, env=env).strip()


def task_row(path: Path, task_id: str) -> tuple[str, str | None]:
    with closing(sqlite3.connect(path, timeout=30)) as db:
        row = db.execute(
            "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (task_id.replace("-", ""),),
        ).fetchone()
    return row[0], row[1] and json.loads(row[1])


def wait_for_status(path: Path, task_id: str, status: str, worker) -> None:
    def reached():
        assert worker.alive(), f"the worker exited:\n{worker.log()}"
        return task_row(path, task_id)[0] == status

    wait_until(reached, timeout=60, what=f"task {task_id} to be {status}")
