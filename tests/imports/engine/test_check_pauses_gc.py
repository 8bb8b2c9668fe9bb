"""A template import's check runs with Python's cyclic collector paused from its first step
to its last (one walk of the live objects at the end, not one per step: a third of the
check's time in bench/bench_import.py), and leaves it as it found it, also on a refusal."""

from __future__ import annotations

import gc

import pytest

from rostering.imports.engine_parts import kinds

from .conftest import check, csv_bytes, student_row


@pytest.fixture
def collector_seen(monkeypatch):
    """gc.isenabled() as each import's checker is made (between the check's steps)."""
    seen = []
    checker_for = kinds.checker_for

    def spying(*args, **kwargs):
        seen.append(gc.isenabled())
        return checker_for(*args, **kwargs)

    monkeypatch.setattr(kinds, "checker_for", spying)
    return seen


def test_the_check_pauses_the_collector_and_resumes_it(world, collector_seen):
    assert gc.isenabled()

    plan = check(world.district, csv_bytes([student_row(1, world.school)]))

    assert not plan.errors and plan.created == 1
    assert collector_seen == [False]
    assert gc.isenabled()


def test_a_refused_file_resumes_the_collector_too(world, collector_seen):
    plan = check(world.district, csv_bytes([student_row(1, world.school, Username="")]))

    assert plan.errors and collector_seen == [False]
    assert gc.isenabled()
