"""Reading one row's cells: trimming, required values, lengths, formula injection, lists."""

from __future__ import annotations

import re

from rostering.text import clean_text

from ..engine import RowError
from .columns import Column, HeaderMatch

# A cell starting with one of these runs as a formula when the file is opened in a spreadsheet.
FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
NO_FORMULA_CHECK = frozenset({"password"})
_NEGATIVE_NUMBER = re.compile(r"-\d[\d.,]*")
_RISKY_FIRST = frozenset("=+@-\t\r ")  # what a formula cell can start with (after spaces)


def is_formula(value: str) -> bool:
    if not value:
        return False
    if value.startswith(FORMULA_STARTS):
        return True
    # "-12" is a number; "-2+3+cmd|' /C calc'!A0" runs.
    return value.startswith("-") and len(value) > 1 and not _NEGATIVE_NUMBER.fullmatch(value)


def neutralise(value: str) -> str:
    """For files we write back (error file, export): a formula cell shows as text."""
    return "'" + value if is_formula(value) else value


def split_many(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


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
        for key, column in match.columns.items():
            index = positions[key]
            value = values[key] = self._clean(column, cells[index] if index < width else "")
            if not value and column.required and column.name not in self.bad_columns:
                self.error(column, f"{column.name} is empty. Fill it in for this row.")

    def _clean(self, column: Column, raw: str) -> str:
        # A password keeps its spaces; everything else is trimmed, and nothing keeps
        # invisible or direction-control characters.
        value = clean_text(raw, trim=column.key != "password")
        if (
            value[:1] in _RISKY_FIRST
            and column.key not in NO_FORMULA_CHECK
            and is_formula(value.lstrip())
        ):
            self.error(
                column,
                f'"{value[:40]}" starts with "{value[:1]}", so spreadsheets would run it as a '
                "formula. Remove that first character (or type the value without it).",
            )
            return ""
        if column.max_length and len(value) > column.max_length:
            self.error(
                column,
                f"{column.name} is {len(value):,} characters long; at most "
                f"{column.max_length} fit. Shorten it.",
            )
            return ""
        return value

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
