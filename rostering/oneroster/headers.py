"""Is a set of files a OneRoster CSV set? Told from each file's first row only, so a web request
can check an upload or a folder without reading (or holding) the whole set; the reader
(reader.py) checks everything else when the sync runs, in the background."""

from __future__ import annotations

import csv

from .columns import COLUMNS, REQUIRED
from .records import Snapshot
from .tables import Notes, Table

# A header row is far shorter than this; a first row longer than it is not a header.
HEAD_BYTES = 64 * 1024
REQUIRED_FILES = ("users.csv",)
_STEMS = {f"{stem.lower()}.csv": stem for stem in COLUMNS}


def head(data: bytes) -> bytes:
    """The part of a file that holds its header row."""
    return data[:HEAD_BYTES]


def not_oneroster(heads: dict[str, bytes], where: str) -> str:
    """Why the files (by lower-case name, each its ``head()`` at least) are not a OneRoster
    set, in a sentence naming ``where`` (e.g. the zip's name); "" when they are.

    users.csv must hold every column the reader cannot do without (without them a run fails
    as a whole); another OneRoster file must hold at least one of its OneRoster columns (the
    reader reports its other gaps, record by record, when the sync runs)."""
    names = {name.lower() for name in heads}
    for required in REQUIRED_FILES:
        if required not in names:
            found = ", ".join(sorted(names)) or "no CSV files"
            return (
                f"{where} is not a OneRoster CSV set: it has no {required} (found {found}). "
                "Export the full OneRoster set from your SIS (orgs, users, classes, enrollments)."
            )
    for name in sorted(names):
        stem = _STEMS.get(name)
        if stem is None:
            continue  # a file the reader does not use (demographics, a vendor's extra)
        table = _table(stem, head(heads[name]))
        if name in REQUIRED_FILES:
            missing = table.missing_required() if table else list(REQUIRED.get(stem, ()))
        else:
            missing = [] if table and any(table.columns) else list(REQUIRED.get(stem, ()))
        if missing:
            return (
                f"{where} is not a OneRoster CSV set: the first row of {name} lacks the "
                f"OneRoster column(s) {', '.join(missing)}. Export the set again from your "
                "SIS, with the OneRoster column names in the first row of each file."
            )
    return ""


def _table(stem: str, data: bytes) -> Table | None:
    """The file's header read as the reader reads it; None when it cannot be a header."""
    if len(data) >= HEAD_BYTES and b"\n" not in data and b"\r" not in data:
        return None  # one endless first row
    try:
        return Table(stem, data, Snapshot(), Notes())
    except (csv.Error, UnicodeError):
        return None
