"""What a search of students or educators looks in: the registry's searched fields
(``Field.searched``: the names, the name a person goes by, the username and the IDs). The
Students and Educators lists, the class/group member pickers and the admin all search them,
so "MJ" finds Mary Jones, who goes by MJ, wherever she is looked for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rostering.registry import Kind


def word_found(kind: Kind, word: str) -> Q:
    """Records of ``kind`` holding ``word`` (case ignored) inside one of its searched fields."""
    found = Q()
    for name in kind.searched:
        found |= Q(**{f"{name}__icontains": word})
    return found


def words_found(queryset: QuerySet, kind: Kind, text: str) -> QuerySet:
    """``queryset`` kept to the records holding every word of ``text``, each in any searched
    field (a first name and a last name, an ID)."""
    for word in text.split():
        queryset = queryset.filter(word_found(kind, word))
    return queryset


def admin_search_fields(kind: Kind) -> tuple[str, ...]:
    """The Django admin's ``search_fields`` of ``kind``: the searched fields, each a prefix
    (names, usernames) or, for an ID unique in the district, the whole value, so that each
    lookup has an index to use on a large district."""
    return tuple(("=" if name in kind.district_ids else "^") + name for name in kind.searched)
