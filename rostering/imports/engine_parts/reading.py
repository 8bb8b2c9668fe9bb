"""Turn an uploaded file into a header row and text rows, whatever spreadsheet wrote it.

CSV in UTF-8 (with or without a byte-order mark), UTF-16 as Excel's "Unicode text" writes it,
or Windows-1252; comma, semicolon or tab between values. Excel .xlsx through openpyxl in
read-only mode. Every cell comes back as text, so IDs keep their leading zeros.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from ..engine import MAX_RECORDS
from .fast_sql import paused_gc

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
# Pictures, PDFs and old Excel (.xls) files, whatever their name says.
BINARY_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"GIF8", b"\xff\xd8")


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
    if not content or not content.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise FileProblem(
            "The file is empty. Fill in the template under its header row and upload it again."
        )
    if content.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(content)
    elif _looks_binary(content):
        raise FileProblem(
            f"{file_name} is not a spreadsheet we can read. Save it as CSV (UTF-8) or "
            "Excel (.xlsx) and upload it again."
        )
    else:
        rows = _csv_rows(_decode(content))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise FileProblem(
            "The file is empty. Fill in the template under its header row and upload it again."
        )
    headers = [cell for cell in rows[0]]
    while headers and not headers[-1].strip():
        headers.pop()
    body = rows[1:]
    if not body:
        raise FileProblem(
            "The file has a header row but no records under it. Add one row per record."
        )
    if len(body) > MAX_RECORDS:
        raise FileProblem(
            f"The file has {len(body):,} records; one import takes at most {MAX_RECORDS:,}. "
            "Split it into several files and upload them one after the other.",
            row=MAX_RECORDS + 2,
        )
    width = len(headers)
    return Table(headers=headers, rows=[_fit(row, width) for row in body])


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


def _decode(content: bytes) -> str:
    try:
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content.decode("utf-16")
        if b"\x00" in content[:4096]:
            even_zeros = content[:4096][0::2].count(0)
            return content.decode("utf-16-be" if even_zeros else "utf-16-le")
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return content.decode("cp1252")  # strict: garbled letters are worse than a message
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "We cannot read the letters in this file (its character encoding is unknown). "
            'In your spreadsheet choose "Save As", pick "CSV UTF-8" and upload it again.'
        ) from exc


def _csv_rows(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(
            "This file is not an Excel workbook we can open (it may be a zip or damaged). "
            "Save it again as Excel (.xlsx) or CSV and upload it again."
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
