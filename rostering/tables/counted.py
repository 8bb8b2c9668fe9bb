"""A list's row count cached until the district's next roster write.

The exact COUNT of a 100,000-student district costs more than the rest of the page's queries
together. The count is cached (Django's cache) under the district's roster_version — bumped by
every roster write as it takes the district lock (rostering/locks.py) — the user and the
filters, so the page after any write (a form, an import, a sync, an undo) counts again.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from accounts.roles import scope_for

COUNT_SECONDS = 600


def count_key(list_name: str, user, filters: dict[str, str]) -> str | None:
    """The cache key of ``user``'s count of a list under ``filters``; None (no caching) for
    a user without one district (support staff see every district)."""
    scope = scope_for(user)
    if scope.district_id is None or scope.roster_version is None:
        return None
    wanted = "&".join(f"{k}={v}" for k, v in sorted(filters.items()))
    digest = hashlib.sha256(wanted.encode()).hexdigest()[:32]
    return f"list-count:{list_name}:{scope.district_id}:{scope.roster_version}:{user.pk}:{digest}"


class CachedCountPaginator(Paginator):
    """A Paginator whose count is read from, or stored in, the cache under ``count_key``."""

    def __init__(self, object_list, per_page, *args, count_key: str | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return super().count
        total = cache.get(self.count_key)
        if total is None:
            total = super().count
            cache.set(self.count_key, total, COUNT_SECONDS)
        return total
