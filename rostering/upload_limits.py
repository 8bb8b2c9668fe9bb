"""What one upload may hold, and the checks that keep a small file from filling the memory.

The limits are settings (``UPLOAD_*`` in portal/settings/base.py). Zips (OneRoster sets and
Excel workbooks, which are zips of XML) are judged from their directory before anything is
decompressed, and again while a member is read, so a header that lies about a size cannot
make us read more than the limits allow.

Refusals are ``UploadRefused`` with a sentence for the user; the readers turn it into their
own error (FileProblem for templates, SnapshotError for OneRoster) so nothing is written.
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024
# A member this small cannot exhaust memory whatever its ratio; blank-heavy CSVs and XML
# parts compress far better than 100:1 at this size without being bombs.
RATIO_FLOOR_BYTES = MB
READ_CHUNK = MB
# Errors zipfile raises on a damaged, encrypted or exotic zip, besides BadZipFile.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    zlib.error,
    OSError,
    ValueError,
)


class UploadRefused(Exception):
    """The upload is over a limit or cannot be unzipped; the message says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    file_bytes: int  # one uploaded file, as sent
    import_bytes: int  # all the CSV text of one OneRoster set, once unzipped
    zip_members: int  # entries in one zip (a OneRoster zip or an Excel workbook)
    zip_ratio: int  # unzipped size / zipped size of one member, and of the whole zip
    cell_chars: int  # characters in one cell of a template file
    cells: int  # cells read from one template file, blank ones included
    snapshot_bytes: int  # one uploaded OneRoster zip, as sent

    @property
    def xlsx_bytes(self) -> int:
        """An Excel workbook's XML once unzipped: its markup is about five times the text
        it holds, so five files' worth (100 MB by default, a 10,000-row workbook is ~10 MB)."""
        return 5 * self.file_bytes

    @property
    def xlsx_loaded_part_bytes(self) -> int:
        """A workbook part that openpyxl loads whole (shared strings, styles), unlike the
        sheets it streams: at most twice a file's worth, so its strings fit in memory."""
        return 2 * self.file_bytes


def limits() -> Limits:
    """The limits in force (read on each call, so a changed setting applies at once)."""
    return Limits(
        file_bytes=int(settings.UPLOAD_MAX_FILE_MB * MB),
        import_bytes=int(settings.UPLOAD_MAX_IMPORT_MB * MB),
        zip_members=int(settings.UPLOAD_MAX_ZIP_MEMBERS),
        zip_ratio=int(settings.UPLOAD_MAX_ZIP_RATIO),
        cell_chars=int(settings.UPLOAD_MAX_CELL_CHARS),
        cells=int(settings.UPLOAD_MAX_CELLS),
        snapshot_bytes=int(settings.UPLOAD_MAX_SNAPSHOT_MB * MB),
    )


def upload_size_problem(name: str, size: int, *, oneroster: bool = False) -> str:
    """The sentence refusing an uploaded file by its size as sent, or "" when it may be read.
    A template (CSV or Excel) may be UPLOAD_MAX_FILE_MB; a OneRoster or Clever zip
    (``oneroster``), which carries a whole district, UPLOAD_MAX_SNAPSHOT_MB. Every upload form and service asks this one function."""
    lim = limits()
    limit = lim.snapshot_bytes if oneroster else lim.file_bytes
    if size <= limit:
        return ""
    if oneroster:
        return (
            f"{name} is larger than {megabytes(limit)}. Check that the zip holds only the "
            "OneRoster (or Clever) CSV files, or ask support to raise the limit."
        )
    return (
        f"{name} is larger than {megabytes(limit)}. Split it into several files of up to "
        "10,000 records each."
    )


def megabytes(size: int) -> str:
    """A size as a person reads it: "20 MB", "1,025 MB", "0.5 MB" (rounded up, so a size just
    over a limit never reads as the limit itself)."""
    value = size / MB
    return f"{math.ceil(value):,} MB" if value >= 1 else f"{math.ceil(value * 10) / 10} MB"


# ---- zips --------------------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_CENTRAL_ENTRY_MIN = 46  # a central-directory entry without name, extra field or comment


def _declared_directory(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory size) as the end record declares them, or None when the
    end record is not found (zipfile then says the file is not a zip)."""
    start = data.rfind(_EOCD, max(0, len(data) - _EOCD_SIZE - 0xFFFF))
    if start < 0 or len(data) < start + _EOCD_SIZE:
        return None
    _sig, _disk, _cd_disk, _here, total, cd_size, _offset, _comment = struct.unpack(
        "<4s4H2LH", data[start : start + _EOCD_SIZE]
    )
    return total, cd_size


def open_zip(
    data: bytes,
    *,
    what: str,
    counted: Callable[[zipfile.ZipInfo], bool],
    max_unzipped: int,
    advice: str,
    too_large_advice: str = "",
) -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking its directory: how many entries, how large the
    ``counted`` members are once unzipped (together at most ``max_unzipped``) and how much
    each one expands. Nothing is decompressed here. Raises zipfile.BadZipFile for a file that
    is not a zip at all, UploadRefused for one over a limit (its message ends with ``advice``).
    ``what`` names the upload inside a sentence ("the uploaded file", "students.xlsx")."""
    lim = limits()
    declared = _declared_directory(data)
    # Each entry takes at least 46 bytes of directory: a directory too large for the entries
    # allowed is refused before zipfile builds an object per entry.
    if declared is not None and (
        declared[0] > lim.zip_members or declared[1] > lim.zip_members * (_CENTRAL_ENTRY_MIN + 1024)
    ):
        raise UploadRefused(_too_many(what, lim.zip_members, advice))
    archive = zipfile.ZipFile(io.BytesIO(data))  # shares the bytes, no copy
    try:
        members = archive.infolist()
        if len(members) > lim.zip_members:
            raise UploadRefused(_too_many(what, lim.zip_members, advice))
        chosen = [info for info in members if not info.is_dir() and counted(info)]
        unzipped = sum(info.file_size for info in chosen)
        zipped = sum(info.compress_size for info in chosen)
        for info in chosen:
            if (
                info.file_size > RATIO_FLOOR_BYTES
                and _ratio(info.file_size, info.compress_size) > lim.zip_ratio
            ):
                raise UploadRefused(_bomb(what, info.filename, lim.zip_ratio, advice))
        if unzipped > RATIO_FLOOR_BYTES and _ratio(unzipped, zipped) > lim.zip_ratio:
            raise UploadRefused(_bomb(what, "", lim.zip_ratio, advice))
        if unzipped > max_unzipped:
            raise UploadRefused(
                f"The files in {what} would take {megabytes(unzipped)} once unzipped; at "
                f"most {megabytes(max_unzipped)} can be read. {too_large_advice or advice}"
            )
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, budget: int, what: str, advice: str
) -> bytes:
    """The member's bytes, read in chunks: never more than its declared size (zipfile stops
    there and a lying header then fails its CRC) nor than ``budget``."""
    limit = min(info.file_size, budget)
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UploadRefused(
                    f"{_base(info.filename)} in {what} holds more than its zip header says, so "
                    f"the zip is damaged or forged. {advice}"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _ratio(unzipped: int, zipped: int) -> float:
    return unzipped / max(zipped, 1)


def _base(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1] or name


def _too_many(what: str, most: int, advice: str) -> str:
    return (
        f"There are too many files in {what}: more than {most:,}, where a OneRoster set or an "
        f"Excel workbook holds far fewer. {advice}"
    )


def _bomb(what: str, member: str, ratio: int, advice: str) -> str:
    inside = f"{_base(member)} in {what} expands" if member else f"The files in {what} expand"
    return (
        f"{inside} more than {ratio:,} times when unzipped, which real roster files never do "
        f"(it looks like a zip bomb). {advice}"
    )
