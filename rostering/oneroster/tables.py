"""One CSV file of a set, with its header mapped to the spec's names and its rows as dicts.

Problems that are only about form (header spelling, case of enum values, dates, status in a
bulk file) become warnings, counted per file so a 50,000-row file gives one line, not 50,000.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from types import MappingProxyType

from .columns import (
    ALIASES,
    COLUMNS,
    FALSE_VALUES,
    REQUIRED,
    TRUE_VALUES,
    is_extension,
)
from .files import read_rows, text_stream
from .records import Snapshot

# A file without extension columns: every row's (empty, read-only) extensions are this one.
_NO_EXTENSIONS: Mapping[str, str] = MappingProxyType({})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


class Notes:
    """Warnings gathered per file and kind, written to the snapshot once with a count."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], list] = {}

    def add(
        self, file: str, row: int, record: str, key: str, message: str, field: str = ""
    ) -> None:
        entry = self._seen.get((file, key))
        if entry is None:
            self._seen[(file, key)] = [row, record, message, 1, field]
        else:
            entry[3] += 1

    def flush(self, snapshot: Snapshot) -> None:
        for (file, _key), (row, record, message, count, field) in self._seen.items():
            if count > 1:
                message = f"{message} ({count} rows like this; the first is shown)"
            snapshot.warn(file, row, record, message, field)
        self._seen.clear()


class Table:
    """Rows of one file as {spec column: stripped value}, plus extension columns."""

    def __init__(
        self, stem: str, data: bytes, snapshot: Snapshot, notes: Notes, file: str = ""
    ) -> None:
        self.stem = stem
        self.file = file or f"{stem}.csv"
        self.snapshot = snapshot
        self.notes = notes
        # What the SIS sends is taken as sent, trimmed and without invisible or
        # direction-control characters (rostering.text): cleaned once, trimmed per cell.
        header, rows = read_rows(text_stream(data), self.file)
        first = next(rows, None)
        self.has_rows = first is not None
        self._rows = itertools.chain([first], rows) if first is not None else iter(())
        self.columns: list[str | None] = []  # spec name per position, None = ignored
        self.extensions: list[tuple[int, str]] = []
        self._map_header(header)
        if not self.has_rows:
            snapshot.warn(self.file, 1, "", "The file has a header but no rows; read as empty.")

    def _map_header(self, header: list[str]) -> None:
        known = {name.lower(): name for name in COLUMNS.get(self.stem, ())}
        empty = 0
        for position, raw in enumerate(header):
            name = raw.strip()
            if not name:
                empty += 1
                self.columns.append(None)
                continue
            if is_extension(name):
                self.extensions.append((position, name))
                self.columns.append(None)
                continue
            lower = name.lower()
            canonical = known.get(lower)
            if canonical is None and lower in ALIASES and ALIASES[lower].lower() in known:
                canonical = ALIASES[lower]
                self.snapshot.warn(
                    self.file,
                    1,
                    "",
                    f'Column "{name}" read as "{canonical}" (the spec\'s name).',
                    name,
                )
            elif canonical is not None and canonical != name:
                self.snapshot.warn(
                    self.file, 1, "", f'Column "{name}" read as "{canonical}" (case differs).', name
                )
            if canonical is None:
                self.snapshot.warn(
                    self.file, 1, "", f'Column "{name}" is not a OneRoster column; ignored.', name
                )
            elif canonical in self.columns:
                self.snapshot.warn(
                    self.file, 1, "", f'Column "{name}" appears twice; the first one is read.', name
                )
                canonical = None
            self.columns.append(canonical)
        if empty:
            self.snapshot.warn(self.file, 1, "", f"{empty} column(s) with no header name ignored.")

    def has(self, column: str) -> bool:
        return column in self.columns

    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED.get(self.stem, ()) if name not in self.columns]

    def cells(self) -> Iterator[tuple[int, list[str]]]:
        """The rows as (row number, raw cells), unmapped and unchecked: for a file read again
        whose rows were judged already (rostering.oneroster.enrollments)."""
        return self._rows

    def __iter__(self) -> Iterator[tuple[int, dict[str, str], Mapping[str, str]]]:
        width = len(self.columns)
        named = [(i, name) for i, name in enumerate(self.columns) if name is not None]
        extensions = self.extensions
        for number, cells in self._rows:
            if len(cells) >= width:
                values = {name: cells[i].strip() for i, name in named}
            else:
                values = {name: cells[i].strip() for i, name in named if i < len(cells)}
            ext = (
                {name: cells[i].strip() for i, name in extensions if i < len(cells)}
                if extensions
                else _NO_EXTENSIONS
            )
            self.check_width(number, cells, values.get("sourcedId", ""))
            yield number, values, ext

    def check_width(self, number: int, cells: list[str], record: str) -> None:
        """Warn (counted) when a row has cells beyond the header's columns."""
        width = len(self.columns)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            self.notes.add(
                self.file,
                number,
                record,
                "extra-cells",
                "The row has more cells than the header has columns; the extra cells are ignored.",
            )

    # Value helpers, each warning (counted) about what it had to fix.

    def enum(self, value: str, allowed: tuple[str, ...], column: str, row: int, record: str) -> str:
        """``value`` spelled as the spec spells it, or "" (with a warning) if unknown."""
        if not value:
            return ""
        if value in allowed:
            return value
        lookup = {a.lower(): a for a in allowed}
        fixed = lookup.get(value.lower())
        if fixed is not None:
            self.notes.add(
                self.file,
                row,
                record,
                f"case:{column}:{value}",
                f'{column} "{value}" read as "{fixed}" (OneRoster values are case-sensitive).',
                column,
            )
            return fixed
        return ""

    def flag(self, value: str, column: str, row: int, record: str, default: bool) -> bool:
        lower = value.lower()
        if not lower:
            return default
        if lower in TRUE_VALUES:
            return True
        if lower in FALSE_VALUES:
            return False
        self.notes.add(
            self.file,
            row,
            record,
            f"flag:{column}",
            f'{column} "{value}" is not true or false; read as {str(default).lower()}.',
            column,
        )
        return default

    def date(self, value: str, column: str, row: int, record: str) -> date | None:
        if not value:
            return None
        if _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        elif _ISO_DATETIME.match(value):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                pass
        parsed = _loose_date(value)
        if parsed is not None:
            self.notes.add(
                self.file,
                row,
                record,
                f"date:{column}",
                f'{column} "{value}" is not an ISO 8601 date (YYYY-MM-DD); read as '
                f"{parsed.isoformat()}.",
                column,
            )
            return parsed
        self.notes.add(
            self.file,
            row,
            record,
            f"baddate:{column}",
            f'{column} "{value}" is not a date; ignored.',
            column,
        )
        return None


def _loose_date(value: str) -> date | None:
    """Dates as spreadsheets and SISes write them: 2017-05-06 08:01:05, 1/05/2023 (US first),
    15/06/2023, 8/1/15 (a two-digit year as strptime's %y reads it: 00-68 are 2000-2068)."""
    text = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    parts = re.split(r"[/.-]", text.split(" ")[0])
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) in (2, 4):
        first, second, year = (int(p) for p in parts)
        if len(parts[2]) == 2:
            year += 2000 if year < 69 else 1900
        for month, day in ((first, second), (second, first)):
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def split_list(value: str) -> list[str]:
    """A OneRoster list cell ("09,10,11", "Science, Physics") as clean items."""
    return [item.strip() for item in value.split(",") if item.strip()] if value else []
