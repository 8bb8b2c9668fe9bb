"""`manage.py worker` takes db_worker's options and runs what is queued."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from . import probe_tasks
from .conftest import DB_TASKS


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections
def test_worker_in_batch_mode_runs_the_queued_tasks_and_stops():
    with override_settings(TASKS=DB_TASKS):
        queued = [probe_tasks.echo.enqueue(f"task {n}").id for n in range(2)]
        call_command("worker", batch=True, startup_delay=False, verbosity=0)
    results = DBTaskResult.objects.filter(pk__in=queued)
    assert sorted(r.return_value for r in results) == ["task 0", "task 1"]
    assert {r.status for r in results} == {"SUCCESSFUL"}


def test_worker_refuses_excluded_queues_without_every_queue():
    with (
        override_settings(TASKS=DB_TASKS),
        pytest.raises(CommandError, match="--exclude-queues can only be used with --queue-name"),
    ):
        call_command("worker", batch=True, exclude_queues="slow")
