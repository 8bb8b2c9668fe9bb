"""Downloadable templates: the headers of a kind, two sample rows, as CSV or Excel."""

from __future__ import annotations

import csv
import io

from ...formulas import neutralise
from .columns import KIND_NAMES, columns_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_columns(kind: str) -> list[dict]:
    return [{"name": c.name, "required": c.in_template, "help": c.help} for c in columns_of(kind)]


def chosen_columns(kind: str, optional: list[str]):
    wanted = set(optional)
    return [c for c in columns_of(kind) if c.in_template or c.name in wanted]


def template_file(kind: str, optional_columns: list[str], fmt: str) -> tuple[str, bytes, str]:
    columns = chosen_columns(kind, optional_columns)
    headers = [c.name for c in columns]
    rows = [[c.samples[0] for c in columns], [c.samples[1] for c in columns]]
    base = KIND_NAMES[kind].lower().replace("/", "-") + "-template"
    if fmt == "xlsx":
        return f"{base}.xlsx", write_xlsx(headers, rows), XLSX_TYPE
    return f"{base}.csv", write_csv(headers, rows), "text/csv; charset=utf-8"


def write_csv(headers: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    # The byte-order mark makes Excel open UTF-8 (accents, ñ) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(headers: list[str], rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Import"
    # Every cell is written as text that never runs as a formula (openpyxl would store a
    # value starting with "=" as one).
    sheet.append([neutralise(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    # Every column is text, so IDs such as 000123 keep their leading zeros when typed.
    for index, header in enumerate(headers, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(header) + 4)
        for cell in sheet[letter]:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
