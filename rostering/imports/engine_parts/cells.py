"""Reading one row's cells: trimming, required values, formula injection, lists, and each
field's registry check (length, grade, email)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from rostering.text import clean_text

from ...formulas import ESCAPE, is_formula, unescape
from ..engine import RowError
from .columns import Column, HeaderMatch

NO_FORMULA_CHECK = frozenset({"password"})
NOT_REMEMBERED = frozenset({"password"})  # a plain password is kept nowhere, not even here
MEMO_SIZE = 1000  # remembered values per column
_NEVER: dict = {}  # the memo of a column never remembered (always empty)
_RISKY_FIRST = frozenset("=+@-\t\r ")  # what a formula cell can start with (after spaces)


def split_many(value: str) -> list[str]:
    """The values of a list cell ("a; b"): ``;`` separates them, and a value that holds a
    ``;`` itself (a SIS username like ``a;b``) is quoted, ``"a;b"``, a ``"`` in it doubled,
    as ``join_many`` writes it. An unclosed quote is read as plain text."""
    if '"' not in value:
        return [part.strip() for part in value.split(";") if part.strip()]
    parts: list[str] = []
    rest = value
    while rest:
        rest = rest.lstrip()
        if rest.startswith('"'):
            closed = _quoted(rest)
            if closed is not None:
                text, rest = closed
                parts.append(text)
                rest = rest.lstrip()
                rest = rest[1:] if rest.startswith(";") else rest
                continue
        head, _, rest = rest.partition(";")
        if head.strip():
            parts.append(head.strip())
    return parts


def _quoted(text: str) -> tuple[str, str] | None:
    """("a;b", what follows) of a cell part that starts ``"a;b"``; None when never closed
    or when something other than ``;`` follows the closing quote."""
    out, i = [], 1
    while i < len(text):
        if text[i] == '"':
            if text[i + 1 : i + 2] == '"':
                out.append('"')
                i += 2
                continue
            after = text[i + 1 :]
            if after.strip() and not after.lstrip().startswith(";"):
                return None
            return "".join(out), after
        out.append(text[i])
        i += 1
    return None


def join_many(values) -> str:
    """A list cell of ``values`` that ``split_many`` reads back as they are."""
    return "; ".join(
        '"' + v.replace('"', '""') + '"' if ";" in v or v.startswith('"') else v for v in values
    )


class Row:
    """One data row: ``get(key)`` is the cleaned text, "" when blank or the column is absent.

    Problems found while reading cells are added to ``errors``.
    """

    def __init__(self, number: int, cells: list[str], match: HeaderMatch, errors: list):
        self.number = number
        self.errors: list[RowError] = errors
        self.values: dict[str, str] = {}
        self.has_error = False
        self.bad_columns: set[str] = set()
        positions, values, width = match.positions, self.values, len(cells)
        memos, clean = match.cleaned, self._clean
        for key, column in match.columns.items():
            index = positions[key]
            raw = cells[index] if index < width else ""
            memo = memos.get(key)
            if memo is None:
                memo = memos[key] = {} if key not in NOT_REMEMBERED else _NEVER
            value = memo.get(raw)
            if value is None:
                before = len(errors)
                value = clean(column, raw)
                # Only a verdict without a problem is reused: a refused cell is told on its
                # own row each time. A column of each student's own values (usernames, IDs)
                # stops being remembered once it has held many.
                if len(errors) == before and memo is not _NEVER and len(memo) < MEMO_SIZE:
                    memo[raw] = value
            values[key] = value
            if not value and column.required and column.name not in self.bad_columns:
                self.error(column, f"{column.name} is empty. Fill it in for this row.")
        for key, column in match.page_owned.items():
            index = positions[key]
            if index < width and clean_text(cells[index]):
                self.error(
                    column,
                    "Bulk Create Students puts every student in the school chosen on the "
                    f"page: leave {column.name} empty (a Students import names each "
                    "student's own).",
                )

    def _clean(self, column: Column, raw: str) -> str:
        # A password keeps its spaces; everything else is trimmed, and nothing keeps
        # invisible or direction-control characters.
        trim = column.key != "password"
        value = clean_text(raw, trim=trim)
        if trim and value[:1] == ESCAPE and is_formula(value[1:]):
            # A formula cell our exports escaped: its value is what follows the apostrophe.
            return self._fit(column, unescape(value))
        if (
            value[:1] in _RISKY_FIRST
            and column.key not in NO_FORMULA_CHECK
            and is_formula(value.lstrip())
        ):
            self.error(
                column,
                f'"{value}" starts with "{value[:1]}", so spreadsheets would run it as a '
                "formula. Remove that first character (or type the value without it).",
            )
            return ""
        return self._fit(column, value)

    def _fit(self, column: Column, value: str) -> str:
        # The registry's one verdict: its length, grade vocabulary, email (rostering.registry).
        if not value:
            return value
        try:
            return column.field.check(value)
        except ValidationError as exc:
            self.error(column, exc.messages[0])
            return ""

    def error(self, column: Column | str, message: str) -> None:
        name = column.name if isinstance(column, Column) else column
        self.errors.append(RowError(self.number, name, message))
        self.has_error = True
        self.bad_columns.add(name)

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def has(self, key: str) -> bool:
        return key in self.values

    def many(self, key: str) -> list[str]:
        return split_many(self.values.get(key, ""))
