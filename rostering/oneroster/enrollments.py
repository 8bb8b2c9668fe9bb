"""A OneRoster set's enrollments, read again from enrollments.csv each time they are walked.

Held as records, a large district's enrollments are most of its snapshot (200,000 of them:
about 40 MB of records, sourcedIds and row numbers); their file is a fifth of that. The reader
checks every row once, so their problems are the snapshot's from the start, and keeps the
file and one flag per row (read, or left out with its problem). Walking the enrollments
parses the file again and builds each record as it goes: the sync's plan streams them into
its staging table (rostering.sync.roster_pairs) and never holds them all.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from .files import text_stream
from .records import Enrollment

# (the file's bytes, or a stream of its cleaned text; a flag per row) -> the records of the
# rows flagged, in file order
Replay = Callable[[bytes | BinaryIO, bytearray], Iterator[Enrollment]]
# A file larger than this waits on disk between walks, not in memory (200,000 enrollments:
# 44 MB of text, held through all of a sync's planning).
SPOOL_BYTES = 1_000_000


class StreamedEnrollments:
    """The enrollments a reader kept: iterable (again and again, in file order) and sized,
    like the list a source adapter may give instead. A large file is kept as its cleaned
    text in an unnamed temporary file (gone when closed), read back a few KB at a time."""

    __slots__ = ("_data", "_file", "_read", "_replay", "_count")

    def __init__(self, data: bytes, read: bytearray, replay: Replay) -> None:
        self._read, self._replay = read, replay
        self._count = read.count(1)
        self._data, self._file = data, None
        if len(data) > SPOOL_BYTES and self._count:
            self._file = tempfile.TemporaryFile()
            text = text_stream(data)  # held: a text stream closes its bytes when let go
            self._file.write(text.buffer.getbuffer())
            text.close()
            self._file.flush()
            self._data = b""

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Enrollment]:
        if not self._count:
            return
        if self._file is None:
            yield from self._replay(self._data, self._read)
            return
        with io.BufferedReader(_FromStart(self._file.fileno())) as text:
            yield from self._replay(text, self._read)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{self._count} enrollments, read from their file as walked>"


class _FromStart(io.RawIOBase):
    """A file descriptor read from its start with a position of its own (``os.pread``), so
    walks of the same enrollments may overlap; closing it leaves the descriptor open."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd, self._at = fd, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = os.pread(self._fd, len(buffer), self._at)
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)
