"""Sources that are sets of CSV files, zipped or in a SIS drop folder. Which format the files
are in (OneRoster today; Clever's SFTP files next) is the ``read`` function given: it turns
{lower-case file name: bytes} into a Snapshot, or raises SnapshotError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rostering.oneroster import Snapshot, load_files, zip_files

from .. import folders

Read = Callable[[dict[str, bytes]], Snapshot]


def _kept(files: dict[str, bytes]) -> bytes:
    """What a held run keeps of files read from disk: zipped at once (fast, level 1), so the
    run holds a few MB rather than the raw files while it plans (tens of MB in a large
    district), and an approval applies these files, not what the folder holds by then."""
    return zip_files(files, compresslevel=1)


class ZipSource:
    """A zip of CSV files: its bytes (an upload, a held run's kept set) or a zip file on disk
    named on the command line."""

    def __init__(self, zipped: bytes | str | Path, *, name: str, read: Read) -> None:
        self.zipped = zipped
        self.name = name
        self.read = read
        self._kept: bytes | None = zipped if isinstance(zipped, bytes) else None

    def open_snapshot(self) -> Snapshot:
        if isinstance(self.zipped, bytes):
            return self.read(load_files(self.zipped))
        files = load_files(self.zipped)  # judges the zip's size and limits before unzipping
        self._kept = _kept(files)
        return self.read(files)

    def keep(self) -> bytes | None:
        return self._kept


class FolderSource:
    """A folder of CSV files: the district's fenced SIS folder (rostering.sync.folders) or a
    folder the operator names on the command line."""

    def __init__(self, files: Callable[[], dict[str, bytes]], *, name: str, read: Read) -> None:
        self._files = files
        self.name = name
        self.read = read
        self._kept: bytes | None = None

    @classmethod
    def of_district(cls, district, folder: str, *, read: Read) -> FolderSource:
        # Checked again when read, not only when saved: the folder may have become a link.
        return cls(lambda: folders.read_folder(district, folder), name=folder, read=read)

    @classmethod
    def operator(cls, path: str | Path, *, read: Read) -> FolderSource:
        return cls(lambda: folders.read_operator_folder(path), name=str(path), read=read)

    def open_snapshot(self) -> Snapshot:
        files = self._files()
        self._kept = _kept(files)
        return self.read(files)

    def keep(self) -> bytes | None:
        return self._kept
