"""Finding 4 (issue 9): a PostgreSQL outage of a few seconds must not kill the background worker.

A real worker process talks to the test database through a TCP proxy that the test cuts for
about six seconds: once while the worker is idle, once while it records a task's result.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from . import probe_tasks
from .conftest import DB_TASKS, subprocess_env, wait_until, worker_command
from .tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL outage"),
    pytest.mark.django_db(transaction=True),  # the worker process must see committed rows
]

OUTAGE_SECONDS = 6


@pytest.fixture
def proxy():
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def worker(proxy, start_process):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
    return start_process(*worker_command(), env=subprocess_env(url, WORKER_RETRY_MAX_DELAY="1"))


def enqueue(task, *args, **kwargs) -> str:
    with override_settings(TASKS=DB_TASKS):
        return task.enqueue(*args, **kwargs).id


def status_of(task_id: str) -> str:
    return DBTaskResult.objects.get(pk=task_id).status


def wait_for_status(task_id: str, status: str, worker, timeout: float = 60) -> DBTaskResult:
    def reached():
        assert worker.alive(), f"the worker exited:\n{worker.log()}"
        return status_of(task_id) == status

    wait_until(reached, timeout=timeout, what=f"task {task_id} to be {status}")
    return DBTaskResult.objects.get(pk=task_id)


def test_worker_survives_an_outage_while_idle_and_runs_the_next_task(proxy, worker):
    first = enqueue(probe_tasks.echo, "before the outage")
    wait_for_status(first, "SUCCESSFUL", worker)

    proxy.cut()
    time.sleep(OUTAGE_SECONDS)  # the outage; the worker keeps polling meanwhile
    assert worker.alive(), worker.log()
    proxy.restore()

    after = enqueue(probe_tasks.echo, "after the outage")
    result = wait_for_status(after, "SUCCESSFUL", worker)
    assert result.return_value == "after the outage"
    assert worker.alive()
    assert "retrying in" in worker.log()

    # Asked to stop in the middle of an outage, it stops cleanly: non-zero is for a forced stop.
    retries = worker.log().count("retrying in")
    proxy.cut()
    wait_until(
        lambda: worker.log().count("retrying in") > retries, timeout=30, what="another retry"
    )
    worker.stop()
    assert worker.popen.returncode == 0, worker.log()


@pytest.mark.parametrize(
    ("fail", "recorded"), [(False, "SUCCESSFUL"), (True, "FAILED")], ids=["success", "failure"]
)
def test_worker_records_a_result_once_the_database_is_back(proxy, worker, tmp_path, fail, recorded):
    gate = tmp_path / "gate"
    task_id = enqueue(probe_tasks.gated, str(gate), "finished", fail=fail)
    wait_for_status(task_id, "RUNNING", worker)

    proxy.cut()
    gate.touch()  # the task finishes while the database is unreachable
    time.sleep(OUTAGE_SECONDS)
    assert worker.alive(), worker.log()
    assert status_of(task_id) == "RUNNING"  # nothing could be recorded yet
    proxy.restore()

    result = wait_for_status(task_id, recorded, worker)
    if fail:
        assert result.exception_class_path.endswith("ProbeFailure")
    else:
        assert result.return_value == "finished"
    following = enqueue(probe_tasks.echo, "next")
    wait_for_status(following, "SUCCESSFUL", worker)
    assert "retrying in" in worker.log()
