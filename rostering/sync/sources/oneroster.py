"""OneRoster 1.0-1.2 CSV sets, zipped or in a SIS drop folder (rostering.oneroster reads them)."""

from __future__ import annotations

from pathlib import Path

from rostering.oneroster import Snapshot, load_files, read_snapshot, zip_files

from .. import folders


def _kept(files: dict[str, bytes]) -> bytes:
    """What a held run keeps of files read from disk: zipped at once (fast, level 1), so the
    run holds a few MB rather than the raw files while it plans (tens of MB in a large
    district), and an approval applies these files, not what the folder holds by then."""
    return zip_files(files, compresslevel=1)


class OneRosterZip:
    """A zip of OneRoster CSV files: its bytes (an upload, a held run's kept set) or a zip file
    on disk named on the command line."""

    def __init__(self, zipped: bytes | str | Path, *, name: str) -> None:
        self.zipped = zipped
        self.name = name
        self._kept: bytes | None = zipped if isinstance(zipped, bytes) else None

    def open_snapshot(self) -> Snapshot:
        if isinstance(self.zipped, bytes):
            return read_snapshot(load_files(self.zipped))
        files = load_files(self.zipped)  # judges the zip's size and limits before unzipping
        self._kept = _kept(files)
        return read_snapshot(files)

    def keep(self) -> bytes | None:
        return self._kept


class OneRosterFolder:
    """A folder of OneRoster CSV files: the district's fenced SIS folder (rostering.sync.folders)
    or a folder the operator names on the command line."""

    def __init__(self, read, *, name: str) -> None:
        self._read = read
        self.name = name
        self._kept: bytes | None = None

    @classmethod
    def of_district(cls, district, folder: str) -> OneRosterFolder:
        return cls(lambda: folders.read_folder(district, folder), name=folder)

    @classmethod
    def operator(cls, path: str | Path) -> OneRosterFolder:
        return cls(lambda: folders.read_operator_folder(path), name=str(path))

    def open_snapshot(self) -> Snapshot:
        files = self._read()
        self._kept = _kept(files)
        return read_snapshot(files)

    def keep(self) -> bytes | None:
        return self._kept
