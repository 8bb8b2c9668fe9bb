"""The Sync page of district administrators."""

from . import PAGE

EXPECTED = {
    "sync:home": (None, PAGE),
}


def targets(world, people):
    return {}
