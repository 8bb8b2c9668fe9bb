"""Which columns of a OneRoster file fill which attributes of its plain record
(rostering.oneroster.records): the registry's fields that the file sends and a reader copies
as they are (``Field.record``, from ``Field.oneroster``), never a list of their own here. A
new field of a person, a class or an organization is read with no edit to the reader.

The IDs, the username, the grade, the roles and the status are the reader's own rules (their
fields name a ``rule``), as are the references to many records (``Field.many``); a record's
sourcedId is its key."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from .records import Class, Org, User, list_attributes

RECORD_TYPES = {"users": User, "classes": Class, "orgs": Org}


class Column(NamedTuple):
    attribute: str  # the plain record's
    columns: tuple[str, ...]  # the file's, in the order they are tried
    listed: bool  # the attribute holds a list, split from the cell


@cache
def record_columns(stem: str) -> tuple[Column, ...]:
    """The ``Column`` of each attribute ``stem``.csv fills, each attribute once, in the
    registry's order. A field read from several columns takes the first with a value
    (OneRoster 1.2's preferredGivenName, then the information model's preferredFirstName)."""
    from rostering import registry  # the registry reads the models: not at import time

    lists = list_attributes(RECORD_TYPES[stem])
    found: dict[str, Column] = {}
    for kind in registry.KINDS.values():
        for spec in kind.fields:
            if not spec.record or spec.rule or spec.many:
                continue
            columns = tuple(
                name
                for file, _, name in (column.partition(".") for column in spec.oneroster)
                if file == stem and name != "sourcedId"
            )
            if columns:
                found.setdefault(spec.record, Column(spec.record, columns, spec.record in lists))
    return tuple(found.values())
