"""OneRoster 1.0-1.2 CSV sets, zipped or in a SIS drop folder (rostering.oneroster reads them)."""

from __future__ import annotations

from pathlib import Path

from rostering.oneroster import Snapshot, load_files, read_snapshot, zip_files

from .. import folders


class OneRosterZip:
    """A zip of OneRoster CSV files: its bytes (an upload, a held run's kept set) or a zip file
    on disk named on the command line."""

    def __init__(self, zipped: bytes | str | Path, *, name: str) -> None:
        self.zipped = zipped
        self.name = name
        self._files: dict[str, bytes] | None = None

    def open_snapshot(self) -> Snapshot:
        files = load_files(self.zipped)  # judges the zip's limits before unzipping
        if not isinstance(self.zipped, bytes):
            self._files = files  # the file on disk may change: keep what was read
        return read_snapshot(files)

    def keep(self) -> bytes | None:
        if isinstance(self.zipped, bytes):
            return self.zipped  # already a zip: kept as sent
        return zip_files(self._files) if self._files is not None else None


class OneRosterFolder:
    """A folder of OneRoster CSV files: the district's fenced SIS folder (rostering.sync.folders)
    or a folder the operator names on the command line."""

    def __init__(self, read, *, name: str) -> None:
        self._read = read
        self.name = name
        self._files: dict[str, bytes] | None = None

    @classmethod
    def of_district(cls, district, folder: str) -> OneRosterFolder:
        return cls(lambda: folders.read_folder(district, folder), name=folder)

    @classmethod
    def operator(cls, path: str | Path) -> OneRosterFolder:
        return cls(lambda: folders.read_operator_folder(path), name=str(path))

    def open_snapshot(self) -> Snapshot:
        self._files = self._read()
        return read_snapshot(self._files)

    def keep(self) -> bytes | None:
        # The files as read for this run, not as the folder holds them by now.
        return zip_files(self._files) if self._files is not None else None
