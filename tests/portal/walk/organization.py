"""Management > Organization: the district tree, its settings and the rostering method."""

from . import PAGE

EXPECTED = {
    "rostering:organization": (None, PAGE),
}


def targets(world, people):
    return {}
