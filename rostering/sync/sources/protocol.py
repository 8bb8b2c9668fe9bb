"""What every sync source adapter provides."""

from __future__ import annotations

from typing import Protocol

from rostering.oneroster.records import Snapshot


class Source(Protocol):
    """One source of a district's roster.

    ``name`` says where the snapshot came from, as the run page shows it (a folder, a file
    name, "uploaded zip"). ``open_snapshot`` reads the source once into plain records; a set
    that cannot be used at all raises ``SnapshotError`` with the reason in the district's
    words, and problems with single records are the snapshot's warnings and errors (file, row,
    record). ``keep`` gives the bytes a held run stores so that approving it applies this very
    snapshot (``sources.reopen`` reads them), or None when the source cannot be kept (an
    approval then asks for a new run).
    """

    name: str

    def open_snapshot(self) -> Snapshot: ...

    def keep(self) -> bytes | None: ...
