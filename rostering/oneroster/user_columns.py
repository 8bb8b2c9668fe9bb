"""Which users.csv columns fill which attributes of the plain User record
(rostering.oneroster.records): the registry's person fields that users.csv sends and a
reader copies as they are (``Field.record``, from ``Field.oneroster``), never a list of
their own here. The IDs, the username, the grade, the roles and the status are the reader's
own rules (their fields name a ``rule``, or are many)."""

from __future__ import annotations

from rostering import registry


def user_columns(kinds=(registry.STUDENT, registry.EDUCATOR)) -> tuple:
    """((User attribute, (users.csv column, ...)), ...): each attribute once, its columns in
    the order the reader tries them (the first with a value is taken: OneRoster 1.2's
    preferredGivenName, then the information model's preferredFirstName)."""
    found: dict[str, tuple[str, ...]] = {}
    for kind in kinds:
        for spec in kind.fields:
            if not spec.record or spec.rule or spec.many or not spec.oneroster:
                continue
            stems = {column.partition(".")[0] for column in spec.oneroster}
            if stems == {"users"}:
                columns = tuple(column.partition(".")[2] for column in spec.oneroster)
                found.setdefault(spec.record, columns)
    return tuple(found.items())


USER_COLUMNS = user_columns()
