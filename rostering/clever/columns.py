"""The Clever column each registry field is read from, by Clever file, so that a problem the
plan or the import finds with a value names Clever's own file and column (sections.csv's
``Name``, not OneRoster's ``title``), and the Clever reader fills each record from them.

The columns are the registry's (``Field.clever``, in the order of ``Field.oneroster``), read
here, never repeated. Each file's map is keyed by the field's name and by the OneRoster column
it stands for (users.csv's ``sourcedId`` is students.csv's ``Student_id``); an ID's field name
is left out, as in OneRoster's (which of two columns it is read from is the district's
choice), and so is a student's identifier's column (Student_number or Sis_id): ``column_of``
is told it."""

from __future__ import annotations

from rostering import registry
from rostering.registry import Unique


def _columns() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for kind in registry.KINDS.values():
        for spec in kind.fields:
            for oneroster, clever in zip(spec.oneroster, spec.clever, strict=False):
                stem, _, column = clever.partition(".")
                columns = found.setdefault(f"{stem}.csv", {})
                columns.setdefault(oneroster.partition(".")[2], column)
                if len(spec.clever) == 1 and spec.unique is not Unique.DISTRICT:
                    columns[spec.name] = column
    return found


CLEVER_COLUMNS: dict[str, dict[str, str]] = _columns()


def clever_columns(stem: str, kind: registry.Kind) -> tuple[tuple[str, str], ...]:
    """(plain record attribute, lower-case column) of each of ``kind``'s fields that
    ``stem``.csv carries in a column of its own and a reader copies as it is (a student's
    First_name is User.given_name); the rest (an ID, a grade, a school) are the reader's
    rules."""
    pairs = []
    for spec in kind.fields:
        if spec.record and len(spec.clever) == 1 and spec.clever[0].startswith(f"{stem}."):
            if spec.rule or spec.many:
                continue
            pairs.append((spec.record, spec.clever[0].partition(".")[2].lower()))
    return tuple(pairs)
