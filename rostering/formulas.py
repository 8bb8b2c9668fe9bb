"""Spreadsheet formula injection: one test, one escape and its inverse, for every file we
write (portal lists, export_roster, the admin's CSV and XLSX, error files, templates) and
every file we read back.

A cell that starts with =, +, -, @, a tab or a carriage return (after spaces) runs as a
formula when a spreadsheet opens the file: ``=HYPERLINK(...)``, ``-2+3+cmd|' /C calc'!A0``.
Written out, such a cell gets a leading apostrophe, which spreadsheets read as "text"; the
import reads an apostrophe followed by a formula as the value without it, so an export
imported again changes nothing (a Student ID ``-INJ-7`` comes back as ``-INJ-7``).
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
# A cell can only be a formula when it starts with one of these (or a space before them):
# every other cell skips the checks (exports run it on millions of cells).
_MAY_START = frozenset("=+@\t\r- ")
_NEGATIVE_NUMBER = re.compile(r"-\d[\d.,]*")
ESCAPE = "'"


def is_formula(value: str) -> bool:
    """Would a spreadsheet run ``value`` (leading spaces ignored)? "-12" is a number; "-2+3"
    and "-INJ-7" are not, so they count as formulas."""
    value = (value or "").lstrip(" ")
    if not value:
        return False
    if value.startswith(FORMULA_STARTS):
        return True
    return value.startswith("-") and len(value) > 1 and not _NEGATIVE_NUMBER.fullmatch(value)


def neutralise(value) -> str:
    """The cell as text a spreadsheet shows and never runs (None is "")."""
    text = "" if value is None else str(value)
    if not text or text[0] not in _MAY_START:
        return text
    return ESCAPE + text if is_formula(text) else text


def unescape(value: str) -> str:
    """The inverse of ``neutralise`` for a cell read back from a file we wrote."""
    if value.startswith(ESCAPE) and is_formula(value[1:]):
        return value[1:]
    return value
