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


def set_files(
    version: str = "1.1", extra_user_columns=(), without_user_columns=(), **tables
) -> dict[str, str]:
    """{file name: text} of a set; each table is a list of row dicts (missing cells blank).
    users.csv has 1.1's columns and ``extra_user_columns``, but ``without_user_columns``."""
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
            header = [name for name in header if name not in without_user_columns]
            rows = [{k: v for k, v in r.items() if k not in without_user_columns} for r in rows]
        files[f"{stem}.csv"] = csv_text(header, rows)
    return files


def write_set(
    folder: Path, version: str = "1.1", extra_user_columns=(), without_user_columns=(), **tables
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    files = set_files(version, extra_user_columns, without_user_columns, **tables)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def zip_set(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"export/{name}", text)
    return buffer.getvalue()


# OneRoster 1.2: users.csv without role and orgSourcedIds (roles.csv holds them), with the
# new columns and an extension; student passwords may come from userProfiles.csv.
USERS_V12 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
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
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredFirstName",
    "preferredMiddleName",
    "preferredLastName",
    "primaryOrgSourcedId",
    "pronouns",
    "metadata.district.house",
]
ROLES_V12 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
]
PROFILES_V12 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "profileType",
    "vendorId",
    "applicationId",
    "description",
    "credentialType",
    "username",
    "password",
]


def as_v12(files: dict[str, str], *, passwords_in_profiles: bool = True) -> dict[str, str]:
    """The same set as OneRoster 1.2 writes it: each user's role and orgs become rows of
    roles.csv (the first org primary), users.csv gets 1.2's columns (``userIds`` as
    ``{type:id}``, preferred names, pronouns, primaryOrgSourcedId, a ``metadata.`` column),
    and, with ``passwords_in_profiles``, passwords move to a userProfiles.csv credential."""
    out = dict(files)
    users = list(csv.DictReader(io.StringIO(files["users.csv"])))
    user_rows, role_rows, profile_rows = [], [], []
    for user in users:
        orgs = [o.strip() for o in user.pop("orgSourcedIds", "").split(",") if o.strip()]
        role = user.pop("role", "")
        password = user.get("password", "")
        for n, org in enumerate(orgs):
            role_rows.append(
                {
                    "sourcedId": f"role-{user['sourcedId']}-{n}",
                    "userSourcedId": user["sourcedId"],
                    "roleType": "primary" if n == 0 else "secondary",
                    "role": role,
                    "orgSourcedId": org,
                }
            )
        if passwords_in_profiles and password:
            user["password"] = ""
            profile_rows.append(
                {
                    "sourcedId": f"prof-{user['sourcedId']}",
                    "userSourcedId": user["sourcedId"],
                    "profileType": "app",
                    "vendorId": "homeroom",
                    "credentialType": "password",
                    "username": user["username"],
                    "password": password,
                }
            )
        ids = f"{{LDAP:{user['identifier']}}}" if user.get("identifier") else ""
        user_rows.append(
            {
                **user,
                "userIds": ids,
                "userMasterIdentifier": f"master-{user['sourcedId']}",
                "preferredFirstName": user.get("givenName", "")[:3],
                "pronouns": "they/them",
                "primaryOrgSourcedId": orgs[0] if orgs else "",
                "metadata.district.house": "Oak",
            }
        )
    out["users.csv"] = csv_text(USERS_V12, user_rows)
    out["roles.csv"] = csv_text(ROLES_V12, role_rows)
    out["userProfiles.csv"] = csv_text(PROFILES_V12, profile_rows)
    manifest = list(csv.DictReader(io.StringIO(files["manifest.csv"])))
    for row in manifest:
        if row["propertyName"] == "oneroster.version":
            row["value"] = "1.2"
    manifest += [
        {"propertyName": "file.roles", "value": "bulk"},
        {"propertyName": "file.userProfiles", "value": "bulk"},
    ]
    out["manifest.csv"] = csv_text(["propertyName", "value"], manifest)
    return out


def write_files(folder: Path, files: dict[str, str]) -> Path:
    """Write ``files`` ({name: text}) as the only CSV files of ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
