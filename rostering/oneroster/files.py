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
from typing import BinaryIO

from rostering.text import clean_block
from rostering.upload_limits import (
    ZIP_ERRORS,
    UploadRefused,
    limits,
    megabytes,
    open_zip,
    read_member,
)

from .records import SnapshotError

ZIP_ADVICE = "Zip the CSV files of the export (OneRoster or Clever) again and upload the new zip."
TOO_LARGE_ADVICE = (
    "Even a large district's set is a few hundred MB; check that the export holds only the "
    "roster's CSV files (OneRoster or Clever), or ask support to raise the limit."
)


def load_files(source: str | Path | bytes) -> dict[str, bytes]:
    """The CSV files of a folder, a zip file on disk, or zip bytes: {lower-case name: bytes}.
    Files are looked up by lower-case name; the set may spell them in any case.

    Raises SnapshotError if the source cannot be read at all, or is over the upload limits
    (how many files, how large once unzipped, how much a member expands): those are judged
    before anything is read or decompressed, and again while reading.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _from_zip(bytes(source), "the uploaded file")
    path = Path(source)
    if path.is_dir():
        return _from_folder(path)
    if path.is_file():
        size = path.stat().st_size
        if size > limits().import_bytes:
            raise SnapshotError(_too_large(path.name, size, limits().import_bytes))
        return _from_zip(path.read_bytes(), path.name)
    raise SnapshotError(f"{path} does not exist (expected a folder of CSV files or a zip).")


def _from_folder(path: Path) -> dict[str, bytes]:
    lim = limits()
    children = [
        child
        for child in sorted(path.iterdir())
        if child.is_file() and child.suffix.lower() == ".csv"
    ]
    if not children:
        raise SnapshotError(f"The folder {path} holds no CSV files.")
    if len(children) > lim.zip_members:
        raise SnapshotError(
            f"The folder {path} holds {len(children):,} CSV files; a roster set (OneRoster or "
            f"Clever) has about ten and at most {lim.zip_members:,} are read. Keep only the set's files there."
        )
    total = sum(child.stat().st_size for child in children)
    if total > lim.import_bytes:
        raise SnapshotError(_too_large(f"The folder {path}", total, lim.import_bytes))
    files: dict[str, bytes] = {}
    budget = lim.import_bytes
    for child in children:
        with child.open("rb") as handle:  # bounded: a file may grow after it was measured
            data = handle.read(budget + 1)
        if len(data) > budget:
            raise SnapshotError(_too_large(f"The folder {path}", total, lim.import_bytes))
        budget -= len(data)
        files[child.name.lower()] = data
    return files


def _is_csv(info) -> bool:
    base = info.filename.rsplit("/", 1)[-1]
    return base.lower().endswith(".csv") and not base.startswith("._")


def load_heads(data: bytes, name: str, head_bytes: int) -> dict[str, bytes]:
    """The first ``head_bytes`` of each CSV file of zip bytes: enough to judge a set by its
    header rows inside a web request. The zip's directory passes the same limits as for
    ``load_files`` (a bomb is refused before anything is unzipped); nothing more is read."""
    return _from_zip(data, name, head_bytes=head_bytes)


def _from_zip(data: bytes, name: str, head_bytes: int = 0) -> dict[str, bytes]:
    lim = limits()
    try:
        archive = open_zip(
            data,
            what=name,
            counted=_is_csv,
            max_unzipped=lim.import_bytes,
            advice=ZIP_ADVICE,
            too_large_advice=TOO_LARGE_ADVICE,
        )
    except UploadRefused as refused:
        raise SnapshotError(refused.message) from None
    except zipfile.BadZipFile:
        raise SnapshotError(
            f"{name} is not a zip file. Upload the roster's CSV files (OneRoster or Clever) zipped together."
        ) from None
    except ZIP_ERRORS:
        raise SnapshotError(_damaged(name)) from None
    files: dict[str, bytes] = {}
    budget = lim.import_bytes
    with archive:
        for info in archive.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not _is_csv(info) or base.lower() in files:
                continue
            try:
                if head_bytes:
                    with archive.open(info) as handle:
                        content = handle.read(head_bytes)
                else:
                    content = read_member(
                        archive, info, budget=budget, what=name, advice=ZIP_ADVICE
                    )
            except UploadRefused as refused:
                raise SnapshotError(refused.message) from None
            except ZIP_ERRORS:
                raise SnapshotError(_damaged(f"{base} in {name}")) from None
            budget -= len(content)
            files[base.lower()] = content
    if not files:
        raise SnapshotError(f"{name} holds no CSV files.")
    return files


def _damaged(name: str) -> str:
    return (
        f"{name} is damaged, protected by a password or compressed in a way we cannot read. "
        "Zip the CSV files (OneRoster or Clever) again, without a password, and upload the new zip."
    )


def _too_large(what: str, size: int, most: int) -> str:
    return (
        f"{what} holds {megabytes(size)} of files; at most {megabytes(most)} can be read. "
        f"{TOO_LARGE_ADVICE}"
    )


def zip_files(files: dict[str, bytes], *, compresslevel: int = 6) -> bytes:
    """The files zipped (deflated), e.g. to keep the snapshot a held run will apply."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(
        buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as zf:
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


def text_stream(data: bytes | BinaryIO) -> io.TextIOWrapper:
    """A CSV file's text, cleaned (rostering.text.clean_block), read a few KB at a time: a
    plain ASCII file is read from its bytes as they are, never copied whole as text (a
    StringIO would hold four bytes per character). Other files are decoded (``decode``),
    cleaned and read back from UTF-8. ``data`` may also be a binary stream of text that a
    text stream gave before (UTF-8, cleaned already), e.g. a file it was written to."""
    if not isinstance(data, bytes | bytearray | memoryview):
        return io.TextIOWrapper(data, encoding="utf-8", newline="")
    if not data.isascii():
        text, _encoding = decode(data)
        data = clean_block(text).encode("utf-8")
        del text
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")


def read_rows(
    text: str | io.TextIOBase, file: str = ""
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header, iterator of (row number, cells)) with row numbers as a spreadsheet shows them
    (header is row 1); blank lines are skipped. ``text`` is the file's text or a stream of it
    (``text_stream``). Rows are produced lazily, so a 200,000-row file is never held twice (as
    cells and as records). A row that cannot be read (a cell longer than the csv module's
    field limit, usually an unclosed quote) raises SnapshotError."""
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(stream)
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as exc:
        raise _unreadable(file, 1, exc) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        try:
            for cells in reader:
                # A row is blank when all its cells are: a first cell with text (a sourcedId,
                # nearly always) answers that without joining the row.
                first = cells[0] if cells else ""
                if (first and not first.isspace()) or "".join(cells).strip():
                    yield reader.line_num, cells
                last = reader.line_num
        except csv.Error as exc:
            raise _unreadable(file, last + 1, exc) from None

    return header, rows()


def _unreadable(file: str, row: int, exc: csv.Error) -> SnapshotError:
    where = f"{file or 'The file'}, row {row:,}"
    if "field larger than field limit" in str(exc):
        return SnapshotError(
            f"{where}: a cell holds more than {csv.field_size_limit():,} characters, more than "
            "any OneRoster value. Check that row in the export (a quote that is never closed "
            "makes the rest of the file one cell) and export the set again."
        )
    return SnapshotError(f"{where} cannot be read as CSV ({exc}). Export the set again.")
