"""Read a OneRoster 1.1 or 1.2 CSV set into a Snapshot of plain records.

Fixable problems are warnings; a record with a broken reference or a missing required value
is left out with an error naming file, row and sourcedId; a set that cannot be used at all
raises SnapshotError with the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from operator import itemgetter
from pathlib import Path

from .columns import (
    CLASS_TYPES,
    FALSE_VALUES,
    ORG_TYPES,
    ROLE_TYPES,
    ROLE_VALUES,
    STATUS_VALUES,
    TRUE_VALUES,
)
from .enrollments import StreamedEnrollments
from .files import decode, load_files
from .record_columns import record_columns
from .records import (
    ACTIVE,
    TO_BE_DELETED,
    AcademicSession,
    Class,
    Course,
    Enrollment,
    Org,
    Role,
    Snapshot,
    SnapshotError,
    User,
    user_values,
)
from .tables import Notes, Table, split_list

ONEROSTER_FILES = (
    "manifest",
    "orgs",
    "users",
    "roles",
    "userprofiles",
    "courses",
    "classes",
    "enrollments",
    "academicsessions",
    "demographics",
)
# Role values as records hold them (lower case), one string each however many rows say so.
_ROLE_KEYS = {value: sys.intern(value.lower()) for value in ROLE_VALUES}
_STEMS = {
    "academicsessions": "academicSessions",
    "userprofiles": "userProfiles",
}


def read_snapshot(source: str | Path | bytes | dict[str, bytes]) -> Snapshot:
    """Read a OneRoster CSV set from a folder, a zip file path, zip bytes, or {name: bytes}.

    Returns a Snapshot (records by sourcedId, warnings, errors). Raises SnapshotError when the
    set is unusable as a whole: not OneRoster, no users.csv, users.csv without its key columns.
    """
    files = source if isinstance(source, dict) else load_files(source)
    return _Reader({name.lower(): data for name, data in files.items()}).read()


def _today() -> date:
    """The day roles.csv's dates are judged on (a test of a dated export sets its own)."""
    return date.today()


def _not_current(
    table: Table, values: dict[str, str], row: int, record: str
) -> tuple[str, str] | None:
    """Why a row of roles.csv does not hold today, and its column ("ended on 2024-06-30",
    "endDate"), or None when it holds."""
    today = _today()
    end = table.date(values.get("endDate", ""), "endDate", row, record)
    if end is not None and end < today:
        return f"ended on {end.isoformat()}", "endDate"
    begin = table.date(values.get("beginDate", ""), "beginDate", row, record)
    if begin is not None and begin > today:
        return f"begins on {begin.isoformat()}", "beginDate"
    return None


class _Reader:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.snapshot = Snapshot()
        self.notes = Notes()
        # users whose every row of roles.csv has ended or not begun: {sourcedId: why}
        self.not_current: dict[str, tuple[str, str]] = {}
        self._grade_lists: dict[str, list[str]] = {}
        self._role_lists: dict[tuple[str, tuple[str, ...]], list[Role]] = {}
        # Names repeat (a few hundred family names for thousands of students): each distinct
        # one is held once while the snapshot is read (the csv module makes a string a cell).
        self._names: dict[str, str] = {}
        self._user_columns = record_columns("users")  # read once per user: looked up once

    def _data(self, stem: str) -> bytes | None:
        return self.files.get(f"{stem.lower()}.csv")

    def _table(self, stem: str) -> Table | None:
        data = self._data(stem)
        if data is None:
            return None
        return Table(stem, data, self.snapshot, self.notes)

    def read(self) -> Snapshot:
        names = {name.removesuffix(".csv") for name in self.files}
        if not names & set(ONEROSTER_FILES):
            raise SnapshotError(
                "This is not a OneRoster CSV set: expected files such as users.csv, orgs.csv, "
                f"classes.csv and enrollments.csv, found {', '.join(sorted(self.files))}."
            )
        if "users" not in names:
            raise SnapshotError(
                "The set has no users.csv, so there is nobody to roster. Export the full "
                "OneRoster set (orgs, users, classes, enrollments) and try again."
            )
        self._read_manifest()
        snapshot = self.snapshot
        self._read_orgs()
        self._read_users()
        self._read_roles()
        self._check_users()
        self._read_profiles()
        self._read_sessions()
        self._read_courses()
        self._read_classes()
        self._read_enrollments()
        self.notes.flush(snapshot)
        order = {f"{stem}.csv".lower(): i for i, stem in enumerate(ONEROSTER_FILES)}
        for problems in (snapshot.warnings, snapshot.errors):
            problems.sort(key=lambda p: (order.get(p.file.lower(), 99), p.row))
        return snapshot

    # manifest ---------------------------------------------------------------------------

    def _read_manifest(self) -> None:
        table = self._table("manifest")
        snapshot = self.snapshot
        if table is None:
            snapshot.warn(
                "manifest.csv",
                0,
                "",
                "The set has no manifest.csv; read as a OneRoster 1.1 bulk set.",
            )
            return
        for _row, values, _ext in table:
            name, value = values.get("propertyName", ""), values.get("value", "")
            if name:
                snapshot.manifest[name] = value
        version = snapshot.manifest.get("oneroster.version", "1.1")
        snapshot.version = version or "1.1"
        if snapshot.version not in ("1.0", "1.1", "1.2"):
            snapshot.warn(
                "manifest.csv", 0, "", f'oneroster.version "{version}" is unknown; read as 1.1.'
            )
        for stem in (
            "orgs",
            "users",
            "roles",
            "courses",
            "classes",
            "enrollments",
            "academicSessions",
        ):
            mode = snapshot.manifest.get(f"file.{stem}", "").lower()
            present = self._data(stem) is not None
            if mode == "delta":
                snapshot.delta.add(stem)
            elif mode in ("bulk", "delta") and not present:
                snapshot.warn(
                    "manifest.csv", 0, "", f"The manifest lists {stem}.csv but the set has none."
                )

    def _status(self, table: Table, values: dict, row: int, record: str) -> str:
        raw = values.get("status", "")
        bulk = table.stem not in self.snapshot.delta
        if bulk and (raw or values.get("dateLastModified")):
            self.notes.add(
                table.file,
                row,
                record,
                "bulk-status",
                "status and dateLastModified should be blank in a bulk file; read anyway.",
                "status" if raw else "dateLastModified",
            )
        if not raw:
            if not bulk:
                self.notes.add(
                    table.file,
                    row,
                    record,
                    "delta-no-status",
                    "A delta file row has no status; read as active.",
                    "status",
                )
            return ACTIVE
        if raw.lower() == "inactive":
            self.notes.add(
                table.file,
                row,
                record,
                "inactive",
                'status "inactive" is not a OneRoster 1.1/1.2 value; read as tobedeleted.',
                "status",
            )
            return TO_BE_DELETED
        fixed = table.enum(raw, STATUS_VALUES, "status", row, record)
        if not fixed:
            self.notes.add(
                table.file,
                row,
                record,
                f"status:{raw}",
                f'status "{raw}" is not active or tobedeleted; read as active.',
                "status",
            )
            return ACTIVE
        if values.get("dateLastModified"):
            table.date(values["dateLastModified"], "dateLastModified", row, record)
        return fixed

    def _start(self, stem: str) -> Table | None:
        """The table of ``stem``, or None (with an error) when it lacks a required column."""
        table = self._table(stem)
        if table is None:
            return None
        missing = table.missing_required()
        if missing:
            self.snapshot.incomplete.add(stem)
            self.snapshot.errors.append(
                _problem(
                    table.file,
                    f"Required column(s) missing: {', '.join(missing)}. None of the "
                    f"{sum(1 for _ in table)} rows of this file could be read.",
                    ", ".join(missing),
                )
            )
            return None
        return table

    def _key(self, table: Table, values: dict, row: int, seen: dict) -> str:
        """The row's sourcedId, or "" (with an error) when it is blank or a duplicate."""
        sourced_id = values.get("sourcedId", "")
        if not sourced_id:
            self.snapshot.error(
                table.file, row, "", "The row has no sourcedId; it was skipped.", "sourcedId"
            )
            return ""
        if sourced_id in seen:
            self._duplicate(table, row, sourced_id)
            return ""
        return sourced_id

    def _duplicate(self, table: Table, row: int, sourced_id: str) -> None:
        """A second row with a sourcedId is skipped with a warning, by the sync and the
        import alike: the first row is the record, and the rest of the set goes ahead."""
        self.snapshot.warn(
            table.file,
            row,
            sourced_id,
            f"sourcedId {sourced_id} appears twice; only the first row was read, this one "
            "was skipped.",
            "sourcedId",
        )

    # orgs -------------------------------------------------------------------------------

    def _read_orgs(self) -> None:
        table = self._start("orgs")
        if table is None:
            if "orgs" not in self.snapshot.incomplete:
                self.snapshot.warn("orgs.csv", 0, "", "The set has no orgs.csv.")
            return
        orgs = self.snapshot.orgs
        for row, values, ext in table:
            key = self._key(table, values, row, orgs)
            if not key:
                continue
            name = values.get("name", "")
            if not name:
                self.snapshot.error(table.file, row, key, "The organization has no name.", "name")
                continue
            raw_type = values.get("type", "")
            org_type = table.enum(raw_type, ORG_TYPES, "type", row, key)
            if not org_type:
                self.snapshot.error(
                    table.file,
                    row,
                    key,
                    f'Organization type "{raw_type}" is not one of {", ".join(ORG_TYPES)}.',
                    "type",
                )
                continue
            orgs[key] = Org(
                sourced_id=key,
                type=org_type,
                identifier=values.get("identifier", ""),
                **_registry_values("orgs", values),  # its name, its parent
                status=self._status(table, values, row, key),
                row=row,
                extensions=ext,
                file=table.file,
            )
        for org in orgs.values():
            if org.parent_sourced_id and org.parent_sourced_id not in orgs:
                self.snapshot.warn(
                    table.file,
                    org.row,
                    org.sourced_id,
                    f"Parent organization {org.parent_sourced_id} is not in orgs.csv; "
                    f"{org.name} is placed directly under the district.",
                    "parentSourcedId",
                )
                org.parent_sourced_id = ""

    # users ------------------------------------------------------------------------------

    def _read_users(self) -> None:
        table = self._table("users")
        missing = table.missing_required()
        if missing:
            raise SnapshotError(
                f"users.csv has no {', '.join(missing)} column: it cannot be read. "
                "Check that the first row holds the OneRoster column names."
            )
        if not table.has_rows:
            raise SnapshotError("users.csv has no rows: there is nobody to roster.")
        self.has_role_column = table.has("role")
        self._unsent(table)
        users = self.snapshot.users
        for row, values, ext in table:
            key = self._key(table, values, row, users)
            if not key:
                continue
            missing_values = [
                name for name in ("username", "givenName", "familyName") if not values.get(name)
            ]
            if missing_values:
                self.snapshot.error(
                    table.file,
                    row,
                    key,
                    f"{', '.join(missing_values)} is blank; the user was skipped.",
                    ", ".join(missing_values),
                )
                continue
            plain, more = user_values(self._plain_values(values))
            user = User(
                sourced_id=key,
                username=values["username"],
                identifier=values.get("identifier", ""),
                enabled=table.flag(values.get("enabledUser", ""), "enabledUser", row, key, True),
                grades=self._grades(values.get("grades", "")),
                status=self._status(table, values, row, key),
                row=row,
                extensions=ext,
                more=more,
                **plain,
            )
            raw_role = values.get("role", "")
            if raw_role:
                role = self._role(table, raw_role, row, key)
                orgs = [self._org_key(o) for o in split_list(values.get("orgSourcedIds", ""))]
                primary_org = self._org_key(values.get("primaryOrgSourcedId", ""))
                if primary_org and primary_org not in orgs:
                    orgs.insert(0, primary_org)
                user.roles = self._roles(role, tuple(orgs))
            users[key] = user
        self._names = {}  # the users hold their names now

    def _unsent(self, table: Table) -> None:
        """The optional person fields users.csv has no column for (a 1.1 set's preferred
        first name): not sent (Snapshot.unsent)."""
        from rostering import registry  # the registry reads the models: not at import time

        from .reading import unsent

        header = [f"users.{name}" for name in table.columns if name]
        self.snapshot.unsent.update(
            (kind, unsent(registry.KINDS[kind], header)) for kind in ("student", "educator")
        )

    def _plain_values(self, values: dict[str, str]) -> dict[str, str]:
        """{User attribute: value} of the person fields users.csv sends as they are (the
        registry's, rostering.oneroster.record_columns: givenName is User.given_name), each
        from the first of its columns with a value. Names repeat (a few hundred family names
        for thousands of students): each distinct value is held once while the set is read."""
        names = self._names
        read = {}
        for attribute, columns, _ in self._user_columns:
            value = ""
            for column in columns:
                value = values.get(column, "")
                if value:
                    value = names.setdefault(value, value)
                    break
            read[attribute] = value
        return read

    # 50,000 users of 40 schools hold a few hundred distinct grade lists and role lists: one
    # list each (about 12 MB fewer objects), which the reader only ever replaces, never edits.

    def _grades(self, raw: str) -> list[str]:
        found = self._grade_lists.get(raw)
        if found is None:
            found = self._grade_lists[raw] = _shared(split_list(raw))
        return found

    def _roles(self, role: str, orgs: tuple[str, ...]) -> list[Role]:
        found = self._role_lists.get((role, orgs))
        if found is None:
            found = [Role(role, org, primary=True) for org in orgs] or [
                Role(role, "", primary=True)
            ]
            self._role_lists[(role, orgs)] = found
        return found

    def _role(self, table: Table, raw: str, row: int, record: str) -> str:
        fixed = table.enum(raw, ROLE_VALUES, "role", row, record)
        if not fixed:
            self.notes.add(
                table.file,
                row,
                record,
                f"role:{raw}",
                f'Role "{raw}" is not a OneRoster role; the user is not rostered.',
                "role",
            )
            return raw.lower()
        return _ROLE_KEYS[fixed]

    def _org_key(self, sourced_id: str) -> str:
        """The org's own key string when the set has it: 200,000 users share 40 schools."""
        org = self.snapshot.orgs.get(sourced_id)
        return org.sourced_id if org is not None else sourced_id

    def _read_roles(self) -> None:
        """OneRoster 1.2 keeps roles in roles.csv; some exports put them in userProfiles.csv."""
        profiles = self._data("userProfiles")
        profiles_hold_roles = profiles is not None and "role" in _header_of(profiles)
        if self._data("roles") is not None:
            if profiles_hold_roles:
                self.snapshot.warn(
                    "userProfiles.csv",
                    1,
                    "",
                    "userProfiles.csv holds roles data, not user profiles; roles.csv is read "
                    "and this file ignored.",
                )
            table = self._start("roles")
            if table is None:
                return
        elif profiles_hold_roles:
            self.snapshot.warn(
                "userProfiles.csv",
                1,
                "",
                "userProfiles.csv holds roles data (role, roleType, orgSourcedId); read as "
                "roles.csv.",
            )
            table = Table("roles", profiles, self.snapshot, self.notes, file="userProfiles.csv")
        else:
            if not self.has_role_column:
                raise SnapshotError(
                    "users.csv has no role column and the set has no roles.csv: nobody's role "
                    "is known. Include roles.csv (OneRoster 1.2) or the role column (1.1)."
                )
            return
        users = self.snapshot.users
        replaced: set[str] = set()
        for row, values, _ext in table:
            record = values.get("sourcedId", "")
            user_id = values.get("userSourcedId", "")
            user = users.get(user_id)
            if user is None:
                if user_id not in self.snapshot.rejected.get("users", set()):
                    self.snapshot.error(
                        table.file,
                        row,
                        record,
                        f"The role refers to user {user_id}, who is not in users.csv.",
                        "userSourcedId",
                    )
                continue
            if self._status(table, values, row, record) == TO_BE_DELETED:
                continue
            role = self._role(table, values.get("role", ""), row, record)
            role_type = table.enum(values.get("roleType", ""), ROLE_TYPES, "roleType", row, record)
            if user_id not in replaced:  # roles.csv wins over a role column in users.csv
                user.roles = []
                replaced.add(user_id)
            ended = _not_current(table, values, row, record)
            if ended:  # OneRoster 1.2: a role holds from beginDate to endDate only
                if not user.roles:
                    self.not_current.setdefault(user_id, ended)
                continue
            self.not_current.pop(user_id, None)
            user.roles.append(
                Role(role, values.get("orgSourcedId", ""), primary=role_type == "primary")
            )

    def _read_profiles(self) -> None:
        """A student's password from userProfiles.csv (1.2), when it is simple: users.csv
        gave none and the student's live profiles hold one password. Anything else there
        (other credentials, several passwords, profiles of staff) is another application's
        business and is ignored, without a word."""
        data = self._data("userProfiles")
        if data is None or "role" in _header_of(data):
            return  # none, or roles data (read by _read_roles)
        table = Table("userProfiles", data, Snapshot(), Notes())  # its quirks are not ours
        if not table.has("userSourcedId") or not table.has("password"):
            return
        users = self.snapshot.users
        found: dict[str, set[str]] = {}
        for _row, values, _ext in table:
            user = users.get(values.get("userSourcedId", ""))
            password = values.get("password", "")
            if user is None or not password or user.password or user.kind != "student":
                continue
            if values.get("status", "").lower() in (TO_BE_DELETED, "inactive"):
                continue
            kind = values.get("credentialType", "").lower()
            if kind and "password" not in kind and kind not in ("login", "username"):
                continue
            found.setdefault(user.sourced_id, set()).add(password)
        for key, passwords in found.items():
            if len(passwords) == 1:
                users[key].password = passwords.pop()

    def _check_users(self) -> None:
        snapshot = self.snapshot
        orgs = snapshot.orgs
        rejected_orgs = snapshot.rejected.get("orgs", set())
        have_orgs = "orgs" not in snapshot.incomplete and self._data("orgs") is not None
        # 1.1 names a user's orgs in users.csv; 1.2 in roles.csv (its problems stay the user's).
        org_column = "orgSourcedIds" if self.has_role_column else "orgSourcedId"
        for key in list(snapshot.users):
            user = snapshot.users[key]
            if not user.roles and key in self.not_current:
                why, column = self.not_current[key]
                snapshot.warn(
                    user.file,
                    user.row,
                    key,
                    f"Every role of the user in roles.csv {why}: the user holds no current "
                    "role and is not rostered. If the user is still at the school, correct "
                    f"the role's {column} in the SIS.",
                    column,
                )
                snapshot.rejected.setdefault("users", set()).add(key)  # its rows say nothing more
                del snapshot.users[key]
                continue
            if not user.roles:
                why = (
                    "No row of roles.csv gives the user a role"
                    if self._data("roles") is not None or not self.has_role_column
                    else "role is blank"
                )
                snapshot.error(user.file, user.row, key, f"{why}; skipped.", "role")
                del snapshot.users[key]
                continue
            if not have_orgs:
                continue
            unknown = [o for o in user.org_sourced_ids if o not in orgs]
            if not unknown:
                continue
            user.roles = [r for r in user.roles if r.org_sourced_id in orgs]
            named = ", ".join(unknown)
            if user.roles:
                snapshot.warn(
                    user.file,
                    user.row,
                    key,
                    f"Organization(s) {named} are not in orgs.csv; the user is placed in the "
                    "others only.",
                    org_column,
                )
            elif any(o in rejected_orgs for o in unknown):
                snapshot.error(
                    user.file,
                    user.row,
                    key,
                    f"The user's organization {named} was left out (see its error); skipped.",
                    org_column,
                )
                del snapshot.users[key]
            else:
                snapshot.error(
                    user.file,
                    user.row,
                    key,
                    f"The user's organization {named} is not in orgs.csv; skipped.",
                    org_column,
                )
                del snapshot.users[key]

    # courses, sessions, classes, enrollments ---------------------------------------------

    def _read_sessions(self) -> None:
        table = self._start("academicSessions")
        if table is None:
            return
        sessions = self.snapshot.academic_sessions
        for row, values, _ext in table:
            key = self._key(table, values, row, sessions)
            if not key:
                continue
            sessions[key] = AcademicSession(
                sourced_id=key,
                title=values.get("title", ""),
                type=values.get("type", ""),
                start_date=table.date(values.get("startDate", ""), "startDate", row, key),
                end_date=table.date(values.get("endDate", ""), "endDate", row, key),
                parent_sourced_id=values.get("parentSourcedId", ""),
                school_year=values.get("schoolYear", ""),
                status=self._status(table, values, row, key),
                row=row,
            )

    def _read_courses(self) -> None:
        table = self._start("courses")
        if table is None:
            return
        courses = self.snapshot.courses
        for row, values, _ext in table:
            key = self._key(table, values, row, courses)
            if not key:
                continue
            courses[key] = Course(
                sourced_id=key,
                title=values.get("title", ""),
                course_code=values.get("courseCode", ""),
                org_sourced_id=values.get("orgSourcedId", ""),
                subjects=split_list(values.get("subjects", "")),
                grades=split_list(values.get("grades", "")),
                status=self._status(table, values, row, key),
                row=row,
            )

    def _read_classes(self) -> None:
        table = self._start("classes")
        if table is None:
            if "classes" not in self.snapshot.incomplete:
                self.snapshot.delta.add("classes")  # nothing sent: absence means nothing
            return
        snapshot = self.snapshot
        classes, orgs, courses = snapshot.classes, snapshot.orgs, snapshot.courses
        have_courses = self._data("courses") is not None
        missing_courses = 0
        for row, values, ext in table:
            key = self._key(table, values, row, classes)
            if not key:
                continue
            school = values.get("schoolSourcedId", "")
            if not values.get("title"):
                snapshot.error(table.file, row, key, "The class has no title; skipped.", "title")
                continue
            if school not in orgs:
                snapshot.error(
                    table.file,
                    row,
                    key,
                    f"The class's school {school or '(blank)'} is not in orgs.csv; skipped.",
                    "schoolSourcedId",
                )
                continue
            course = values.get("courseSourcedId", "")
            if course and course not in courses:
                if have_courses:
                    snapshot.warn(
                        table.file,
                        row,
                        key,
                        f"Course {course} is not in courses.csv; the course code is unknown.",
                        "courseSourcedId",
                    )
                else:
                    missing_courses += 1
            raw_type = values.get("classType", "")
            class_type = table.enum(raw_type, CLASS_TYPES, "classType", row, key)
            classes[key] = Class(
                sourced_id=key,
                **_registry_values("classes", values),  # title, school, grades ...
                course_sourced_id=course,
                class_code=values.get("classCode", ""),
                class_type=class_type or raw_type.lower(),
                subjects=split_list(values.get("subjects", "")),
                subject_codes=split_list(values.get("subjectCodes", "")),
                status=self._status(table, values, row, key),
                row=row,
                extensions=ext,
            )
        if missing_courses:
            snapshot.warn(
                table.file,
                0,
                "",
                f"{missing_courses} class(es) refer to courses but the set has no courses.csv; "
                "their course codes are unknown.",
            )

    def _read_enrollments(self) -> None:
        table = self._start("enrollments")
        snapshot = self.snapshot
        if table is None:
            if "enrollments" not in snapshot.incomplete:
                snapshot.delta.add("enrollments")
            return
        users, classes = snapshot.users, snapshot.classes
        rejected_users = snapshot.rejected.get("users", set())
        rejected_classes = snapshot.rejected.get("classes", set())
        seen: set[str] = set()
        read = bytearray()  # per row of the file: 1 when it is an enrollment of the snapshot
        cells_of, bulk = _enrollment_cells(table), "enrollments" not in snapshot.delta
        for row, cells in table.cells():
            read.append(0)
            values = cells_of(table, row, cells)
            key, class_id, user_id = values[0], values[1], values[2]
            if key and key in seen:
                self._duplicate(table, row, key)
                continue
            seen.add(key)
            if class_id not in classes:
                if "classes" in snapshot.incomplete:
                    reason = "cannot be read (classes.csv lacks a required column)"
                elif class_id in rejected_classes:
                    reason = "was left out (see its error)"
                else:
                    reason = "is not in classes.csv"
                snapshot.error(
                    table.file,
                    row,
                    key,
                    f"Class {class_id or '(blank)'} {reason}; skipped.",
                    "classSourcedId",
                )
                continue
            if user_id not in users and user_id in self.not_current:
                continue  # the user's warning says why: no role of the user holds today
            if user_id not in users:
                reason = (
                    "was left out (see its error)"
                    if user_id in rejected_users
                    else "is not in users.csv"
                )
                snapshot.error(
                    table.file,
                    row,
                    key,
                    f"User {user_id or '(blank)'} {reason}; skipped.",
                    "userSourcedId",
                )
                continue
            if not (bulk and _plain(values)):
                self._enrollment(table, row, values)  # its values' warnings, once; not kept
            read[-1] = 1
        del seen
        # Kept as the file and its flags, built again as walked (.enrollments).
        delta = frozenset(snapshot.delta)
        snapshot.enrollments = StreamedEnrollments(
            self._data("enrollments"), read, partial(_replay_enrollments, delta=delta)
        )

    def _enrollment(self, table: Table, row: int, cells: list[str]) -> Enrollment:
        """The enrollment of a row's cells (``_enrollment_cells``), each value checked."""
        key, class_id, user_id, role, school, primary, begin, end, status, modified = cells
        return Enrollment(
            sourced_id=key,
            class_sourced_id=class_id,
            user_sourced_id=user_id,
            role=self._role(table, role, row, key),
            school_sourced_id=school,
            primary=table.flag(primary, "primary", row, key, False),
            begin_date=table.date(begin, "beginDate", row, key),
            end_date=table.date(end, "endDate", row, key),
            status=self._status(table, {"status": status, "dateLastModified": modified}, row, key),
            row=row,
        )


# The cells an enrollment is made of, in the order ``_enrollment_cells`` gives them.
_ENROLLMENT_COLUMNS = (
    "sourcedId",
    "classSourcedId",
    "userSourcedId",
    "role",
    "schoolSourcedId",
    "primary",
    "beginDate",
    "endDate",
    "status",
    "dateLastModified",
)
_FLAG_VALUES = TRUE_VALUES | FALSE_VALUES


def _enrollment_cells(table: Table) -> Callable[[Table, int, list[str]], list[str]]:
    """A reader of a row's ``_ENROLLMENT_COLUMNS`` by position, trimmed, as Table's dicts
    would hold them (a column the file lacks, or a row too short for it, reads blank) but
    without a dict per row: 200,000 enrollments are read twice a sync."""
    position = {name: i for i, name in enumerate(table.columns) if name is not None}
    picks = [position.get(name, -1) for name in _ENROLLMENT_COLUMNS]  # -1: the blank added
    pick, width = itemgetter(*picks), len(table.columns)

    def cells_of(table: Table, row: int, cells: list[str]) -> list[str]:
        if len(cells) > width:
            table.check_width(row, cells, cells[picks[0]].strip() if picks[0] >= 0 else "")
        elif len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        cells.append("")
        return list(map(str.strip, pick(cells)))

    return cells_of


def _plain(cells: list[str]) -> bool:
    """Whether a bulk row's values need no check: an exact role, a true/false or blank
    primary, no dates, no status (each check would pass without a warning)."""
    _key, _class, _user, role, _school, primary, begin, end, status, modified = cells
    return (
        role in _ROLE_KEYS
        and not (begin or end or status or modified)
        and (not primary or primary.lower() in _FLAG_VALUES)
    )


def _replay_enrollments(data: bytes, read: bytearray, *, delta: frozenset) -> Iterator[Enrollment]:
    """The enrollments flagged in ``read``, built again from their file: the same rows, the
    same values. A plain row (``_plain``) is built without its checks (the first reading
    judged every row); any other is checked again, its notes going to a scratch reader."""
    scratch = _Reader({})
    scratch.snapshot.delta = set(delta)
    table = Table("enrollments", data, scratch.snapshot, scratch.notes)
    cells_of, bulk = _enrollment_cells(table), "enrollments" not in delta
    for index, (row, cells) in enumerate(table.cells()):
        if not read[index]:
            continue
        values = cells_of(table, row, cells)
        if not (bulk and _plain(values)):
            yield scratch._enrollment(table, row, values)
            continue
        key, class_id, user_id, role, school, primary = values[:6]
        # By position (its fields' order): keywords cost half a microsecond more a record.
        yield Enrollment(
            key,  # sourced_id
            class_id,  # class_sourced_id
            user_id,  # user_sourced_id
            _ROLE_KEYS[role],
            school,  # school_sourced_id
            primary.lower() in TRUE_VALUES,
            None,  # begin_date
            None,  # end_date
            ACTIVE,
            row,
        )


def _registry_values(stem: str, values: dict) -> dict:
    """{record attribute: the row's value} of each attribute ``stem``.csv fills as it is
    (rostering.oneroster.record_columns: a class's title, an organization's parent), a list
    split: a new field of a class or an organization is read with no edit here."""
    read = {}
    for attribute, columns, listed in record_columns(stem):
        value = next((values[c] for c in columns if values.get(c)), "")
        read[attribute] = split_list(value) if listed else value
    return read


def _shared(items: list[str]) -> list[str]:
    """Short repeated values (grades) as one string each, not one per row."""
    return [sys.intern(item) for item in items]


def _header_of(data: bytes) -> list[str]:
    """The lower-case column names of a file, without reading its rows."""
    text, _ = decode(data[:4096])
    first = text.splitlines()[0] if text else ""
    return [cell.strip().lower() for cell in first.split(",")]


def _problem(file: str, message: str, field: str = ""):
    from .records import Problem

    return Problem(file, 1, "", message, field)
