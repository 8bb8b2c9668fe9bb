"""The fence around districts' SIS folders: the one place that decides whether a district may
use a folder on this server, and the only code that reads one. The settings form, the service
(which the support admin uses too) and the engine (at run time) all call it.

The rule:

- The folder source exists only when the operator sets ``SYNC_FOLDER_ROOT``. Without it the
  source is unavailable (uploads still work).
- Each district has its own folder, ``<SYNC_FOLDER_ROOT>/<district's short name>`` (its slug,
  the name in its portal address, e.g. ``/srv/sis/maple``), which the operator creates as a
  real folder (not a link). A district may use that folder or any folder inside it.
- A path is checked as written (normalised, so ``/srv/sis/./oak`` or ``/proc/self/root/...``
  cannot pass) and as it really is (every link resolved): both must lie inside the district's
  folder. Every CSV file in it is checked too: a file that is a link must lead to a file inside
  the district's folder. Files are then opened one folder at a time without following links,
  so a folder swapped for a link after the check is not read either.
- A refusal never says anything about what lies outside the district's folder: a path outside
  it, missing or not, with files or not, always gets the same sentence.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from rostering.oneroster import SnapshotError
from rostering.oneroster.headers import HEAD_BYTES, not_oneroster
from rostering.upload_limits import limits

UNAVAILABLE = (
    "The SIS folder source is turned off on this server: the operator must set "
    "SYNC_FOLDER_ROOT to enable it. Upload the roster as a zip (OneRoster or Clever files) instead."
)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
# O_NONBLOCK: opening a FIFO planted in the folder must not hang the request or the worker.
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC


class FolderError(Exception):
    """A refusal, in a sentence for the user; ``field`` is the settings field it is about."""

    def __init__(self, message: str, field: str = "folder_path") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def is_available() -> bool:
    return _root() is not None


def home_of(district) -> Path | None:
    """The district's own folder, or None when the folder source is unavailable."""
    root = _root()
    if root is None or not _SLUG.fullmatch(district.slug or ""):
        return None
    return root / district.slug


def clean_folder(district, folder: str) -> str:
    """The folder as it will be saved (normalised), once it is the district's and holds a
    OneRoster set (judged from each file's first row only). Raises ValidationError on the
    field concerned."""
    try:
        place = _Place.of(district, folder)
        heads = place.read(whole=False)
    except FolderError as exc:
        raise ValidationError({exc.field: exc.message}) from None
    problem = not_oneroster(heads, f"The folder {place.written}")
    if problem:
        raise ValidationError({"folder_path": problem})
    return place.written


def read_folder(district, folder: str) -> dict[str, bytes]:
    """The CSV files of the district's folder, {lower-case name: bytes}, checked again as when
    it was saved (the folder or its files may have changed since). Raises SnapshotError."""
    try:
        return _Place.of(district, folder).read(whole=True)
    except FolderError as exc:
        raise SnapshotError(exc.message) from None


def read_operator_folder(path: str | Path) -> dict[str, bytes]:
    """The CSV files of a folder given on the command line by the operator (who may read any
    folder); a file that is a link must still lead inside that folder. Raises SnapshotError."""
    written = str(path)
    real = Path(os.path.realpath(path))
    place = _Place(top=real, parts=(), home=real, written=written)
    try:
        return place.read(whole=True)
    except FolderError as exc:
        raise SnapshotError(exc.message) from None


# ---- the fence ------------------------------------------------------------------------------


def _root() -> Path | None:
    configured = (settings.SYNC_FOLDER_ROOT or "").strip()
    return Path(os.path.realpath(configured)) if configured else None


def _outside(written: str, home: Path) -> FolderError:
    return FolderError(
        f"{written} is not your district's SIS folder. Give {home} or a folder inside it."
    )


class _Place:
    """A folder known to lie inside ``home``: ``top`` (a real folder) and the names leading
    from it down to the folder, each to be opened without following links."""

    def __init__(self, *, top: Path, parts: tuple[str, ...], home: Path, written: str) -> None:
        self.top, self.parts, self.home, self.written = top, parts, home, written

    @classmethod
    def of(cls, district, folder: str) -> _Place:
        root = _root()
        if root is None:
            raise FolderError(UNAVAILABLE, field="source_type")
        home = home_of(district)
        written = (folder or "").strip()
        if home is None:  # a district always has a short name; never guess a folder for it
            raise FolderError("This district has no short name, so it has no SIS folder.")
        if not written:
            raise FolderError(f"Give the folder your SIS drops its files into: {home}.")
        if not written.startswith("/"):
            raise FolderError(f"{written}: give the full path, starting with /.")
        if "\x00" in written:
            raise _outside(written.replace("\x00", ""), home)
        normal = os.path.normpath(written)
        configured = Path(os.path.normpath(settings.SYNC_FOLDER_ROOT.strip())) / district.slug
        if not (Path(normal).is_relative_to(home) or Path(normal).is_relative_to(configured)):
            raise _outside(written, home)
        real = Path(os.path.realpath(normal))
        if not real.is_relative_to(home):
            raise _outside(written, home)
        return cls(top=root, parts=real.relative_to(root).parts, home=home, written=normal)

    # -- reading ----------------------------------------------------------------------------

    def read(self, *, whole: bool) -> dict[str, bytes]:
        """{lower-case name: bytes} of the folder's CSV files: whole, or only their heads."""
        folder_fd = self._open_folder()
        try:
            files: dict[str, bytes] = {}
            try:
                names = sorted(os.listdir(folder_fd))
            except OSError as exc:
                raise FolderError(
                    f"The folder {self.written} cannot be listed ({exc.strerror})."
                ) from None
            for name in names:
                if not name.lower().endswith(".csv") or name.lower() in files:
                    continue
                data = self._read_file(folder_fd, name, whole=whole)
                if data is not None:
                    files[name.lower()] = data
        finally:
            os.close(folder_fd)
        if not files and whole:
            raise FolderError(f"The folder {self.written} holds no CSV files.")
        return files

    def _open_folder(self) -> int:
        try:
            return _walk(self.top, self.parts, last_flags=_DIR_FLAGS)
        except _Link:
            raise _outside(self.written, self.home) from None
        except FileNotFoundError:
            raise FolderError(
                f"The folder {self.written} does not exist on the server. Check the path, or "
                "ask support to create it."
            ) from None
        except NotADirectoryError:
            raise FolderError(f"{self.written} is a file, not a folder.") from None
        except OSError as exc:
            raise FolderError(
                f"The folder {self.written} cannot be opened ({exc.strerror}). Ask support to "
                "let the portal read it."
            ) from None

    def _read_file(self, folder_fd: int, name: str, *, whole: bool) -> bytes | None:
        try:
            fd = self._open_file(folder_fd, name)
        except FileNotFoundError:
            return None  # removed meanwhile, or a link to nothing: the folder lacks it
        except _Link:
            raise FolderError(
                f"{name} in {self.written} is a link to a file outside your district's SIS "
                "folder; the sync reads only files inside it. Put the file itself there."
            ) from None
        except OSError as exc:
            raise FolderError(
                f"{name} in {self.written} cannot be read ({exc.strerror})."
            ) from None
        max_bytes = limits().import_bytes  # as for a whole OneRoster set once unzipped
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if stat.S_ISDIR(info.st_mode):
                return None  # a folder named like a CSV file: not a file of the set
            if not stat.S_ISREG(info.st_mode):
                raise FolderError(f"{name} in {self.written} is not a regular file.")
            if info.st_size > max_bytes and whole:
                raise FolderError(f"{name} in {self.written} is too large to read.")
            try:
                # Sized by the file, not by the limit: read(limit) reserves the limit's bytes.
                data = file.read(min(info.st_size, max_bytes) + 1 if whole else HEAD_BYTES)
                if whole and len(data) > info.st_size:  # grew since measured: read the rest
                    data += file.read(max_bytes + 1 - len(data))
            except OSError as exc:
                raise FolderError(
                    f"{name} in {self.written} cannot be read ({exc.strerror})."
                ) from None
        if len(data) > max_bytes:  # grew while being read
            raise FolderError(f"{name} in {self.written} is too large to read.")
        return data

    def _open_file(self, folder_fd: int, name: str) -> int:
        info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        if not stat.S_ISLNK(info.st_mode):
            return _open_at(folder_fd, name, _FILE_FLAGS)
        target = Path(os.path.realpath(self.top.joinpath(*self.parts, name)))
        if not target.is_relative_to(self.home):
            raise _Link
        return _walk(self.top, target.relative_to(self.top).parts, last_flags=_FILE_FLAGS)


class _Link(Exception):
    """A link (or something swapped for one) where only real folders and files may be."""


def _open_at(dir_fd: int, name: str, flags: int) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError:
        try:
            is_link = stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
        except OSError:
            is_link = False
        if is_link:
            raise _Link from None
        raise


def _walk(top: Path, parts: tuple[str, ...], *, last_flags: int) -> int:
    """Open ``top``/``parts`` one name at a time, following no link on the way."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    for index, part in enumerate(parts):
        flags = last_flags if index == len(parts) - 1 else _DIR_FLAGS
        try:
            next_fd = _open_at(fd, part, flags)
        finally:
            os.close(fd)
        fd = next_fd
    return fd
