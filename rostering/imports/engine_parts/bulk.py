"""Loading the links (a many-to-many table) of many records at once, for the checkers."""

from __future__ import annotations


def load_links(model, owner: str, other: str, **filters) -> dict[int, set[int]]:
    """{owner id: {linked ids}} of the link table ``model`` rows matching ``filters``."""
    found: dict[int, set[int]] = {}
    for owner_id, pk in model.objects.filter(**filters).values_list(owner, other):
        found.setdefault(owner_id, set()).add(pk)
    return found
