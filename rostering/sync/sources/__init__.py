"""The sync's sources: where a district's snapshot comes from, behind one seam.

A source adapter turns what the SIS sends into a ``Snapshot`` of plain records (orgs, users,
courses, classes, enrollments; rostering.oneroster.records). The plan and the rest of the sync
read only those records, never a file, a zip or a reader's internals::

    source = sources.for_district(district, settings)   # or a test's own adapter
    snapshot = source.open_snapshot()                   # raises SnapshotError, plainly worded
    kept = source.keep()                                # bytes a held run keeps, or None
    ...
    sources.reopen(kept).open_snapshot()                # the same snapshot, when approved

Today: OneRoster CSV, as an uploaded zip (``OneRosterZip``) or a SIS drop folder
(``OneRosterFolder``). A new source (Clever's SFTP files, a REST API) is one new adapter module
here that builds the same records, and a branch in ``for_district``; see ``protocol.Source``.
"""

from __future__ import annotations

from pathlib import Path

from rostering.oneroster import SnapshotError

from .oneroster import OneRosterFolder, OneRosterZip
from .protocol import Source

__all__ = ["OneRosterFolder", "OneRosterZip", "Source", "for_district", "reopen"]


def for_district(district, settings, source_path: str | None = None) -> Source:
    """The adapter for the district's configured source (``settings``: its SyncSource), or for
    the folder or zip the operator named on the command line. Raises SnapshotError when the
    district has nothing to read yet."""
    if source_path:  # the operator's command line: a folder or a zip file on disk
        if Path(source_path).is_dir():
            return OneRosterFolder.operator(source_path)
        return OneRosterZip(source_path, name=str(source_path))
    if settings.source_type == settings.SourceType.ONEROSTER_FOLDER:
        # Checked again when read, not only when saved: the folder may have become a link.
        return OneRosterFolder.of_district(district, settings.folder_path)
    if settings.uploaded_snapshot:
        return OneRosterZip(
            bytes(settings.uploaded_snapshot), name=settings.uploaded_name or "uploaded zip"
        )
    raise SnapshotError(
        "There is no snapshot to read: upload a OneRoster zip or set the SIS folder on the "
        "Sync page."
    )


def reopen(kept: bytes) -> Source:
    """The adapter that reads again what a held run kept (``Source.keep()``)."""
    return OneRosterZip(kept, name="kept snapshot")
