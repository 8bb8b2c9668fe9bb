"""The sync's sources: where a district's snapshot comes from, behind one seam.

A source adapter turns what the SIS sends into a ``Snapshot`` of plain records (orgs, users,
courses, classes, enrollments; rostering.oneroster.records). The plan and the rest of the sync
read only those records, never a file, a zip or a reader's internals::

    source = sources.for_district(district, settings)   # or a test's own adapter
    snapshot = source.open_snapshot()                   # raises SnapshotError, plainly worded
    kept = source.keep()                                # bytes a held run keeps, or None
    ...
    sources.reopen(kept, settings).open_snapshot()      # the same snapshot, when approved

Files are OneRoster CSV sets (rostering.oneroster.read_snapshot) or Clever's SFTP files
(rostering.clever.read_clever), as the district's ``source_format`` says, as an uploaded zip
(``ZipSource``) or a SIS drop folder (``FolderSource``): a format is a reader function of
{file name: bytes} -> Snapshot given to the same two sources; a source that is not files (a REST API) is a class
with ``name``, ``open_snapshot`` and ``keep`` (``protocol.Source``).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rostering.clever import read_clever
from rostering.oneroster import SnapshotError, read_snapshot

from .csv_files import FolderSource, Read, ZipSource
from .protocol import Source

__all__ = ["FolderSource", "Source", "ZipSource", "for_district", "reopen"]


def _reader_of(settings) -> Read:
    """The format the district's SIS sends: OneRoster CSV, or Clever's SFTP files with the
    Clever column the district takes as the External Assigned ID."""
    if settings.source_format == settings.Format.CLEVER:
        return partial(read_clever, id_column=settings.clever_id_column)
    return read_snapshot


def for_district(district, settings, source_path: str | None = None) -> Source:
    """The adapter for the district's configured source (``settings``: its SyncSource), or for
    the folder or zip the operator named on the command line. Raises SnapshotError when the
    district has nothing to read yet."""
    read = _reader_of(settings)
    if source_path:  # the operator's command line: a folder or a zip file on disk
        if Path(source_path).is_dir():
            return FolderSource.operator(source_path, read=read)
        return ZipSource(source_path, name=str(source_path), read=read)
    if settings.source_type == settings.SourceType.ONEROSTER_FOLDER:
        return FolderSource.of_district(district, settings.folder_path, read=read)
    if settings.uploaded_snapshot:
        return ZipSource(
            bytes(settings.uploaded_snapshot),
            name=settings.uploaded_name or "uploaded zip",
            read=read,
        )
    raise SnapshotError(
        f"There is no snapshot to read: upload a zip of the {settings.files_in_use} files or "
        "set the SIS folder on the Sync page."
    )


def reopen(kept: bytes, settings) -> Source:
    """The adapter that reads again what a held run kept (``Source.keep()``)."""
    return ZipSource(kept, name="kept snapshot", read=_reader_of(settings))
