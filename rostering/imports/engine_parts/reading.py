"""Turn an uploaded file into a header row and text rows, whatever spreadsheet wrote it.

CSV in UTF-8 (with or without a byte-order mark), UTF-16 as Excel's "Unicode text" writes it,
or Windows-1252; comma, semicolon or tab between values. Excel .xlsx through openpyxl in
read-only mode. Every cell comes back as text, so IDs keep their leading zeros.

Files are read as a stream, within the upload limits (rostering/upload_limits.py): a file of
more than 10,000 records, a cell over the size limit or a sheet over the cell budget is refused
as soon as it is seen, without holding the rest of the file; a workbook's zip is checked before
openpyxl opens it, and its declared dimension is ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from rostering.engine.sql import paused_gc
from rostering.upload_limits import (
    ZIP_ERRORS,
    Limits,
    UploadRefused,
    limits,
    megabytes,
    open_zip,
)

from ..engine import MAX_RECORDS

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
# Pictures, PDFs and old Excel (.xls) files, whatever their name says.
BINARY_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"GIF8", b"\xff\xd8")
ENCODING_PROBLEM = (
    "We cannot read the letters in this file (its character encoding is unknown). "
    'In your spreadsheet choose "Save As", pick "CSV UTF-8" and upload it again.'
)
NOT_A_WORKBOOK = (
    "This file is not an Excel workbook we can open (it may be a zip or damaged). "
    "Save it again as Excel (.xlsx) or CSV and upload it again."
)
# What openpyxl raises on a workbook it cannot read, besides the zip errors.
WORKBOOK_ERRORS = (*ZIP_ERRORS, KeyError, TypeError, IndexError, AttributeError, ParseError)


class FileProblem(Exception):
    """The file cannot be read as a spreadsheet; the message says what to do."""

    def __init__(self, message: str, *, row: int = 1, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # rows[i] is spreadsheet row i + 2 (the header is row 1)

    def row_number(self, index: int) -> int:
        return index + 2


def read_table(file_name: str, content: bytes) -> Table:
    with paused_gc():  # a row of text per record: no cycles to collect
        return _read_table(file_name, content)


def _read_table(file_name: str, content: bytes) -> Table:
    lim = limits()
    if len(content) > lim.file_bytes:
        raise FileProblem(
            f"{file_name} is {megabytes(len(content))}; one file may hold at most "
            f"{megabytes(lim.file_bytes)}. Split it into files of up to {MAX_RECORDS:,} records "
            "and upload them one after the other."
        )
    if not content or not content.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise FileProblem(
            "The file is empty. Fill in the template under its header row and upload it again."
        )
    if content.startswith(XLSX_MAGIC):
        return _collect(_xlsx_rows(file_name, content, lim), lim, csv_file=False)
    if _looks_binary(content):
        raise FileProblem(
            f"{file_name} is not a spreadsheet we can read. Save it as CSV (UTF-8) or "
            "Excel (.xlsx) and upload it again."
        )
    return _collect(_csv_rows(content), lim, csv_file=True)


def _collect(rows: Iterable[list[str]], lim: Limits, *, csv_file: bool) -> Table:
    """The header and the records of ``rows``, refusing the file as soon as a cell is too
    long, the cells read pass the budget or a record passes the maximum; blank rows are
    skipped (and not numbered)."""
    headers: list[str] | None = None
    body: list[list[str]] = []
    cells = 0
    try:
        for row in rows:
            if not row:
                # A blank CSV line counts as a cell. A row a sheet skips (openpyxl yields an
                # empty one) costs nothing, so a sheet that formats its last row still reads.
                if csv_file:
                    cells += 1
                    if cells > lim.cells:
                        raise _too_many_cells(lim, len(body) + 2)
                continue
            cells += len(row)
            row_number = len(body) + 2 if headers is not None else 1
            if cells > lim.cells:
                raise _too_many_cells(lim, row_number)
            if sum(map(len, row)) > lim.cell_chars:
                _check_cells(row, headers, row_number, lim)
            if not any(map(str.strip, row)):
                continue
            if headers is None:
                headers = row
                continue
            if len(body) == MAX_RECORDS:
                raise FileProblem(
                    f"The file has more than {MAX_RECORDS:,} records (record "
                    f"{MAX_RECORDS + 1:,} is on row {row_number:,}); one import takes at most "
                    f"{MAX_RECORDS:,}. Split it into several files and upload them one after "
                    "the other.",
                    row=row_number,
                )
            body.append(row)
    except csv.Error as exc:
        raise _csv_problem(exc, len(body) + 2 if headers is not None else 1, lim) from None
    if headers is None:
        raise FileProblem(
            "The file is empty. Fill in the template under its header row and upload it again."
        )
    while headers and not headers[-1].strip():
        headers.pop()
    if not body:
        raise FileProblem(
            "The file has a header row but no records under it. Add one row per record."
        )
    width = len(headers)
    return Table(headers=headers, rows=[_fit(row, width) for row in body])


def _too_many_cells(lim: Limits, row_number: int) -> FileProblem:
    return FileProblem(
        f"The file holds more than {lim.cells:,} cells (rows times columns, blank ones "
        f"included), far more than {MAX_RECORDS:,} records need. Delete the empty rows and "
        "columns after your data, or save it as CSV, and upload it again.",
        row=row_number,
    )


def _check_cells(row: list[str], headers: list[str] | None, row_number: int, lim: Limits):
    for position, cell in enumerate(row):
        if len(cell) > lim.cell_chars:
            column = _column_name(headers, position)
            raise FileProblem(
                f"Row {row_number:,}, column {column}: this cell holds {len(cell):,} "
                f"characters; a cell may hold at most {lim.cell_chars:,}. Shorten it (or check "
                "that a quote in the row before it is closed) and upload the file again.",
                row=row_number,
                column=column if headers is not None and position < len(headers) else "",
            )


def _column_name(headers: list[str] | None, position: int) -> str:
    if headers is not None and position < len(headers) and headers[position].strip():
        return headers[position].strip()
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1) if position < 16384 else f"number {position + 1:,}"


def _csv_problem(exc: csv.Error, row_number: int, lim: Limits) -> FileProblem:
    if "field larger than field limit" in str(exc):
        return FileProblem(
            f"Row {row_number:,}: a cell holds more than {csv.field_size_limit():,} characters; "
            f"a cell may hold at most {lim.cell_chars:,}. Shorten it (a quote that is never "
            "closed makes the rest of the file one cell) and upload the file again.",
            row=row_number,
        )
    return FileProblem(
        f"Row {row_number:,} cannot be read as CSV ({exc}). Open the file in your spreadsheet, "
        'choose "Save As", pick "CSV UTF-8" and upload it again.',
        row=row_number,
    )


def _fit(row: list[str], width: int) -> list[str]:
    if len(row) < width:
        return row + [""] * (width - len(row))
    return row


def _looks_binary(content: bytes) -> bool:
    head = content[:4096]
    if head.startswith(BINARY_MAGIC):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        # UTF-16 without a byte-order mark has a zero in every other byte of ASCII text.
        return not (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4)
    return False


def _encoding(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in content[:4096]:
        return "utf-16-be" if content[:4096][0::2].count(0) else "utf-16-le"
    # Strict: garbled letters are worse than a message.
    return "utf-8-sig" if _is_utf8(content) else "cp1252"


def _is_utf8(content: bytes) -> bool:
    """Whether ``content`` is valid UTF-8, checked a megabyte at a time (no text is kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    """The file's rows, decoded as they are read (never the whole text at once)."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding=_encoding(content), newline="")
    try:
        first_line = text.readline()
        delimiter = max(DELIMITERS, key=first_line.count)
        if not first_line.count(delimiter):
            delimiter = ","
        yield from csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
    except UnicodeDecodeError as exc:
        raise FileProblem(ENCODING_PROBLEM) from exc


def _xlsx_rows(file_name: str, content: bytes, lim: Limits) -> Iterator[list[str]]:
    """The first sheet's rows, streamed. The zip is checked first: openpyxl loads the shared
    strings and styles whole, and a sheet's declared <dimension> may claim a million rows of
    16,384 columns, so the dimension is ignored and only the cells present are read."""
    from openpyxl import load_workbook

    _check_workbook_zip(file_name, content, lim)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except WORKBOOK_ERRORS as exc:
        raise FileProblem(NOT_A_WORKBOOK) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row] if row else []
    except WORKBOOK_ERRORS as exc:
        raise FileProblem(NOT_A_WORKBOOK) from exc
    finally:
        book.close()


def _check_workbook_zip(file_name: str, content: bytes, lim: Limits) -> None:
    advice = (
        "Copy only the roster into a new workbook, or save it as CSV (UTF-8), and upload it again."
    )
    try:
        with open_zip(
            content,
            what=file_name,
            counted=lambda info: True,
            max_unzipped=lim.xlsx_bytes,
            advice=advice,
        ) as archive:
            for info in archive.infolist():
                # Sheets are streamed; every other part is loaded whole.
                loaded = not info.filename.startswith("xl/worksheets/")
                if loaded and info.file_size > lim.xlsx_loaded_part_bytes:
                    raise FileProblem(
                        f"{file_name} holds {megabytes(info.file_size)} of "
                        f"{_part_label(info.filename)} once unzipped; at most "
                        f"{megabytes(lim.xlsx_loaded_part_bytes)} can be read. {advice}"
                    )
    except UploadRefused as refused:
        raise FileProblem(refused.message) from None
    except ZIP_ERRORS as exc:
        raise FileProblem(NOT_A_WORKBOOK) from exc


def _part_label(name: str) -> str:
    if name == "xl/sharedStrings.xml":
        return "text (its shared strings)"
    if name == "xl/styles.xml":
        return "cell styles"
    return f"other content ({name})"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
