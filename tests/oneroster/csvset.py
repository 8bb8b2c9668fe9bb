"""Write small OneRoster CSV sets for tests: ``write_set(tmp_path, users=[...], ...)``."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

HEADERS = {
    "orgs": [
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ],
    "users": [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ],
    "courses": [
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ],
    "classes": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "enrollments": [
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
}


def csv_text(header: list[str], rows: list[dict], newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator=newline, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def set_files(version: str = "1.1", extra_user_columns=(), **tables) -> dict[str, str]:
    """{file name: text} of a set; each table is a list of row dicts (missing cells blank)."""
    files = {
        "manifest.csv": csv_text(
            ["propertyName", "value"],
            [
                {"propertyName": "manifest.version", "value": "1.0"},
                {"propertyName": "oneroster.version", "value": version},
            ]
            + [{"propertyName": f"file.{stem}", "value": "bulk"} for stem in tables],
        )
    }
    for stem, rows in tables.items():
        header = list(HEADERS[stem])
        if stem == "users":
            header += list(extra_user_columns)
        files[f"{stem}.csv"] = csv_text(header, rows)
    return files


def write_set(folder: Path, version: str = "1.1", extra_user_columns=(), **tables) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    for name, text in set_files(version, extra_user_columns, **tables).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def zip_set(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"export/{name}", text)
    return buffer.getvalue()
