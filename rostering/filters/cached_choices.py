"""A list page's drop-downs of roster records (a filter's schools, a bulk action's classes/groups)
cached until the district's next roster write, as the list's count is (rostering/tables/
counted.py): the key holds the district's roster_version, which every roster write bumps as it
takes the district lock (rostering/locks.py), so the page after a write reads them afresh.

The key also holds the user's role and schools (accounts.roles.Scope): people of one district
with the same scope share the entry, a teacher never gets a district administrator's. Only what
the drop-down shows is cached; a submitted value is still checked against the field's queryset.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.core.cache import cache

from accounts.roles import scope_for

CHOICES_SECONDS = 600


def choices_key(name: str, user) -> str | None:
    """The cache key of the drop-down ``name`` as ``user``'s scope offers it; None (no caching)
    for a user without one district (support staff see every district)."""
    scope = scope_for(user)
    if scope.district_id is None or scope.roster_version is None:
        return None
    schools = ",".join(str(pk) for pk in sorted(scope.school_ids))
    digest = hashlib.sha256(f"{scope.role}|{schools}".encode()).hexdigest()[:32]
    return f"list-choices:{name}:{scope.district_id}:{scope.roster_version}:{digest}"


def freeze_choices(field: forms.ModelChoiceField, key: str | None) -> None:
    """Give ``field``'s widget its options as plain (value, label) pairs: from the cache under
    ``key``, else read with one ordinary query (a ModelChoiceField reads through a server-side
    cursor on PostgreSQL, three round trips) and stored under ``key`` when there is one."""
    choices = cache.get(key) if key else None
    if choices is None:
        choices = _read(field)
        if key:
            cache.set(key, choices, CHOICES_SECONDS)
    field.widget.choices = choices


def _read(field: forms.ModelChoiceField) -> list[tuple]:
    """The options the field's own iterator gives (django-filter's null choice included)."""
    choices = [] if field.empty_label is None else [("", str(field.empty_label))]
    null_label = getattr(field, "null_label", None)
    if null_label is not None:
        choices.append((field.null_value, str(null_label)))
    choices += [
        (field.prepare_value(obj), str(field.label_from_instance(obj))) for obj in field.queryset
    ]
    return choices
