"""The uploaded rows again with an "Errors" column, so the user fixes and re-uploads.

A password is never echoed: the Password column shows "(set)" where the file had one (the
user types it again, or leaves it blank to keep the current password). Every cell is
formula-safe (templates.write_csv)."""

from __future__ import annotations

from pathlib import PurePath

from rostering.passwords import HIDDEN_PASSWORD

from .columns import header_key
from .reading import FileProblem, read_table
from .templates import write_csv

_PASSWORD_HEADERS = frozenset({header_key("Password")})


def error_file(*, file_name: str, content: bytes, errors: list[dict]) -> tuple[str, bytes]:
    by_row: dict[int, list[str]] = {}
    for error in errors:
        column = f"{error['column']}: " if error.get("column") else ""
        by_row.setdefault(int(error.get("row") or 1), []).append(column + error["message"])
    stem = PurePath(file_name or "import").stem or "import"
    name = f"{stem}-errors.csv"
    try:
        table = read_table(file_name, content)
    except FileProblem:
        rows = [[" ".join(messages)] for messages in by_row.values()]
        return name, write_csv(["Errors"], rows)
    headers = ["Errors", *table.headers]
    secret = {i for i, header in enumerate(table.headers) if header_key(header) in _PASSWORD_HEADERS}
    out = []
    if 1 in by_row:
        out.append([" ".join(by_row[1]), *([""] * len(table.headers))])
    for index, cells in enumerate(table.rows):
        number = table.row_number(index)
        shown = [HIDDEN_PASSWORD if i in secret and c else c for i, c in enumerate(cells)]
        out.append([" ".join(by_row.get(number, [])), *shown])
    return name, write_csv(headers, out)
