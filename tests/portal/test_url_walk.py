"""Walk every portal URL with every role and check the status the design promises.

200 a page the role may use; 302 to sign-in for anonymous visitors (or a redirect after a
POST-only action); 403 a page the role may not use (a teacher and the Educators area); 404
records outside the role's organizations (the outsider administers another district); 405 a
POST-only action fetched with GET. The expected answers live in tests/portal/walk/, one
module an area.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import get_resolver, reverse

from tests.portal import walk
from tests.portal.walk import ROLES

AREAS = [
    importlib.import_module(f"{walk.__name__}.{info.name}")
    for info in pkgutil.iter_modules(walk.__path__)
]
EXPECTED = {name: entry for area in AREAS for name, entry in area.EXPECTED.items()}
# Namespaces whose every URL must appear in the walk.
NAMESPACES = ("rostering", "imports", "sync", "export_jobs")


@pytest.fixture
def targets(world, people):
    found = {}
    for area in AREAS:
        found.update(area.targets(world, people))
    return found


def _url(name: str, targets) -> str:
    kind, _ = EXPECTED[name]
    return reverse(name, args=[targets[kind].pk] if kind else [])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_management_url_answers_each_role_as_designed(client, people, targets, role, name):
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(_url(name, targets))
    expected = EXPECTED[name][1][ROLES.index(role)]
    assert response.status_code == expected, f"{role} GET {name}"
    if expected == 302 and role == "anonymous":
        assert reverse("accounts:login") in response.url


def _portal_url_names() -> set[str]:
    names = set()
    resolver = get_resolver()
    for namespace in NAMESPACES:
        for key in resolver.namespace_dict[namespace][1].reverse_dict:
            if isinstance(key, str):
                names.add(f"{namespace}:{key}")
    return names


def test_the_walk_covers_every_management_url():
    assert _portal_url_names() == set(EXPECTED)
