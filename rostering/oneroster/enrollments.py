"""A OneRoster set's enrollments, read again from enrollments.csv each time they are walked.

Held as records, a large district's enrollments are most of its snapshot (200,000 of them:
about 40 MB of records, sourcedIds and row numbers); their file is a fifth of that. The reader
checks every row once, so their problems are the snapshot's from the start, and keeps the
file and one flag per row (read, or left out with its problem). Walking the enrollments
parses the file again and builds each record as it goes: the sync's plan streams them into
its staging table (rostering.sync.roster_pairs) and never holds them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .records import Enrollment

# (the file's bytes, a flag per row) -> the records of the rows flagged, in file order
Replay = Callable[[bytes, bytearray], Iterator[Enrollment]]


class StreamedEnrollments:
    """The enrollments a reader kept: iterable (again and again, in file order) and sized,
    like the list a source adapter may give instead."""

    __slots__ = ("_data", "_read", "_replay", "_count")

    def __init__(self, data: bytes, read: bytearray, replay: Replay) -> None:
        self._data, self._read, self._replay = data, read, replay
        self._count = read.count(1)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Enrollment]:
        if self._count:
            yield from self._replay(self._data, self._read)

    def __repr__(self) -> str:
        return f"<{self._count} enrollments, read from their file as walked>"
