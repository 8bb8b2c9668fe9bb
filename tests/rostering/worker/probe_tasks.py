"""Trivial tasks that the worker tests enqueue; a gate file lets a test act while one is running."""

from __future__ import annotations

import os
import time

from django.contrib.auth.models import Group
from django_tasks import task


class ProbeFailure(Exception):
    pass


def _wait_for(gate: str) -> None:
    deadline = time.monotonic() + 60
    while not os.path.exists(gate):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the test never opened the gate {gate}")
        time.sleep(0.05)


@task()
def echo(value: str) -> str:
    return value


@task()
def gated(gate: str, value: str, *, write: bool = False, fail: bool = False) -> str:
    """Wait for the test to create `gate`, then write a Group named `value` and/or fail."""
    _wait_for(gate)
    if write:
        Group.objects.create(name=value)
    if fail:
        raise ProbeFailure(value)
    return value
