"""Getting a OneRoster CSV set's files out of a folder or a zip, and its CSV text into rows.

Real exports differ from the spec in small ways; this layer absorbs the ones that are only
about bytes: a byte-order mark, CRLF or CR line ends, no newline at the end, Windows-1252
text, files in a sub-folder of the zip, file names in another case.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .records import SnapshotError

# Files are looked up by lower-case name; the set may spell them in any case.
MAX_FILE_BYTES = 512 * 1024 * 1024


def load_files(source: str | Path | bytes) -> dict[str, bytes]:
    """The CSV files of a folder, a zip file on disk, or zip bytes: {lower-case name: bytes}.

    Raises SnapshotError if the source cannot be read at all.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _from_zip(bytes(source), "the uploaded file")
    path = Path(source)
    if path.is_dir():
        files = {
            child.name.lower(): child.read_bytes()
            for child in sorted(path.iterdir())
            if child.is_file() and child.suffix.lower() == ".csv"
        }
        if not files:
            raise SnapshotError(f"The folder {path} holds no CSV files.")
        return files
    if path.is_file():
        return _from_zip(path.read_bytes(), path.name)
    raise SnapshotError(f"{path} does not exist (expected a folder of CSV files or a zip).")


def _from_zip(data: bytes, name: str) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SnapshotError(
            f"{name} is not a zip file. Upload the OneRoster CSV files zipped together."
        ) from None
    files: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not base.lower().endswith(".csv") or base.startswith("._"):
                continue
            if info.file_size > MAX_FILE_BYTES:
                raise SnapshotError(f"{base} in {name} is too large to read.")
            files.setdefault(base.lower(), archive.read(info))
    if not files:
        raise SnapshotError(f"{name} holds no CSV files.")
    return files


def zip_files(files: dict[str, bytes]) -> bytes:
    """The files zipped (deflated), e.g. to keep the snapshot a held run will apply."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
    return buffer.getvalue()


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with (a BOM is dropped)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def read_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header, iterator of (row number, cells)) with row numbers as a spreadsheet shows them
    (header is row 1); blank lines are skipped. Rows are produced lazily, so a 200,000-row file
    is never held twice (as cells and as records)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            if "".join(cells).strip():
                yield reader.line_num, cells

    return header, rows()
