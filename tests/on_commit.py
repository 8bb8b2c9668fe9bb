"""What a request left to run when its transaction commits, as tests count it."""

from rostering.locks import LockHeld


def enqueued(callbacks: list) -> list:
    """The on-commit callbacks that do something: without the district lock's do-nothing
    marker (rostering/locks.py), which only says the transaction holds the lock."""
    return [callback for callback in callbacks if not isinstance(callback, LockHeld)]
