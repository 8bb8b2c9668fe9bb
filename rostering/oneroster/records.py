"""Plain records read from a roster source: no Django, no database.

A source reader (OneRoster CSV today; OneRoster REST or Clever beside it later) turns what the
SIS sends into a ``Snapshot`` of these records. The sync engine and the bulk importer read only
these, never the files.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from types import MappingProxyType

ACTIVE = "active"
TO_BE_DELETED = "tobedeleted"

# OneRoster roles, by what Homeroom makes of them.
STUDENT_ROLES = frozenset({"student"})
TEACHER_ROLES = frozenset({"teacher", "aide", "proctor"})
ADMINISTRATOR_ROLES = frozenset(
    {
        "administrator",
        "siteadministrator",
        "districtadministrator",
        "principal",
        "systemadministrator",
    }
)
STAFF_ROLES = TEACHER_ROLES | ADMINISTRATOR_ROLES
# guardian, parent, relative and anything else: read, but nobody is rostered for them.
_KIND_OF_ROLE = {
    **{role: "student" for role in STUDENT_ROLES},
    **{role: "administrator" for role in ADMINISTRATOR_ROLES},
    **{role: "teacher" for role in TEACHER_ROLES},
}


def role_mismatch(enrollment_role: str, user: User) -> str:
    """The one sentence (sync and import alike) for an enrollment whose role is not its
    user's ("" when they agree): a student enrolled as a teacher, a teacher as a student, or a
    role Homeroom does not roster. Such an enrollment is skipped."""
    kind = user.kind
    if kind == "student":
        if enrollment_role in STUDENT_ROLES:
            return ""
    elif enrollment_role in STAFF_ROLES:
        return ""
    shown = f"a {kind}" if kind else "nobody Homeroom rosters"
    return (
        f"{user.sourced_id} is {shown} in {user.file}, but this enrollment gives the role "
        f'"{enrollment_role}"; it was skipped. Correct the role here or the user\'s role.'
    )


class SnapshotError(Exception):
    """The snapshot cannot be used at all (no users.csv, not a OneRoster set, unreadable zip)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One warning or error, pointing at the file, row (header is row 1), record and column."""

    file: str
    row: int
    record: str  # the sourcedId, or "" for a problem with the whole file
    message: str
    field: str = ""  # the source's column when one value is the problem (e.g. "orgSourcedIds")

    def as_dict(self) -> dict:
        """The problem as runs keep it and ``--json`` prints it (rostering.outcome.problem)."""
        return {
            "file": self.file,
            "row": self.row,
            "record": self.record,
            "field": self.field,
            "message": self.message,
        }


@dataclass(slots=True)
class Org:
    sourced_id: str
    name: str
    type: str  # district, school, department, local, state, national (lower case)
    identifier: str = ""
    parent_sourced_id: str = ""
    status: str = ACTIVE
    row: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)
    file: str = "orgs.csv"  # the file the record was read from (Clever: schools.csv)


@dataclass(slots=True)
class Role:
    role: str  # lower case OneRoster role: student, teacher, administrator, ...
    org_sourced_id: str
    primary: bool = False


# A user the source sent no other field for: every such user's ``more`` is this one.
NOTHING_MORE: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class User:
    """A person as the source sent them. The fields every channel reads by name are slots;
    any other field the registry says a source sends (``Field.record`` not among them: a
    preferred first name) is in ``more``, by that name, only when it has a value, so a new
    field is a registry entry and 200,000 users without it hold no dict of their own
    (``value``)."""

    sourced_id: str
    username: str
    given_name: str
    family_name: str
    middle_name: str = ""
    identifier: str = ""
    email: str = ""
    enabled: bool = True
    grades: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    password: str = ""  # as the SIS sent it (students keep it, encrypted); never logged
    status: str = ACTIVE
    row: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)  # metadata.* and ext_* columns
    file: str = "users.csv"  # the file the record was read from (Clever: students.csv, ...)
    more: Mapping[str, str] = field(default_factory=lambda: NOTHING_MORE)

    def value(self, name: str) -> str:
        """The value of the registry's record attribute ``name`` ("" when not sent)."""
        if name in USER_SLOTS:
            return getattr(self, name)
        return self.more.get(name, "")

    @property
    def kind(self) -> str:
        """ "student", "teacher", "administrator", or "" for people Homeroom does not roster.

        The primary role decides (the first primary one Homeroom rosters); without one, the
        first role that Homeroom rosters. Asked per enrollment, so one pass and no sorting."""
        first = ""
        for role in self.roles:
            kind = _KIND_OF_ROLE.get(role.role, "")
            if kind:
                if role.primary:
                    return kind
                first = first or kind
        return first

    @property
    def org_sourced_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for role in self.roles:
            if role.org_sourced_id:
                seen.setdefault(role.org_sourced_id)
        return list(seen)


USER_SLOTS = frozenset(User.__slots__)


@cache
def list_attributes(record_type: type) -> frozenset[str]:
    """The attributes of a plain record type that hold a list (a class's grades and
    subjects): a reader splits its column, a channel joins the values it stores."""
    return frozenset(f.name for f in fields(record_type) if f.default_factory is list)


def user_values(values: Mapping[str, str]) -> tuple[dict[str, str], Mapping[str, str]]:
    """``values`` ({record attribute: value}, as a reader read them) split into a User's
    keyword arguments (its slots) and its ``more`` (the rest that have a value)."""
    slots = {name: value for name, value in values.items() if name in USER_SLOTS}
    more = {name: value for name, value in values.items() if value and name not in USER_SLOTS}
    return slots, more or NOTHING_MORE


@dataclass(slots=True)
class Course:
    sourced_id: str
    title: str
    course_code: str = ""
    org_sourced_id: str = ""
    subjects: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    status: str = ACTIVE
    row: int = 0


@dataclass(slots=True)
class Class:
    sourced_id: str
    title: str
    school_sourced_id: str
    course_sourced_id: str = ""
    class_code: str = ""
    class_type: str = ""
    subjects: list[str] = field(default_factory=list)
    subject_codes: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    status: str = ACTIVE
    row: int = 0
    extensions: Mapping[str, str] = field(default_factory=dict)
    file: str = "classes.csv"  # the file the record was read from (Clever: sections.csv)


@dataclass(slots=True)
class Enrollment:
    sourced_id: str
    class_sourced_id: str
    user_sourced_id: str
    role: str  # lower case: student, teacher, administrator, aide, ...
    school_sourced_id: str = ""
    primary: bool = False
    begin_date: date | None = None
    end_date: date | None = None
    status: str = ACTIVE
    row: int = 0
    file: str = "enrollments.csv"  # Clever's teachers come from sections.csv's Teacher_id columns


@dataclass(slots=True)
class AcademicSession:
    sourced_id: str
    title: str
    type: str
    start_date: date | None = None
    end_date: date | None = None
    parent_sourced_id: str = ""
    school_year: str = ""
    status: str = ACTIVE
    row: int = 0


@dataclass
class Snapshot:
    """Everything one source sent, keyed by sourcedId, with what was wrong with it.

    Records with errors are left out; their sourcedIds are kept in ``rejected`` (per file stem,
    e.g. "users") so a sync never takes an unreadable row for a record the SIS stopped sending.
    ``delta`` names the files the manifest marks as delta: their absent records were not removed.
    ``incomplete`` names files that could not be read as a whole (a required column is missing).
    ``unsent`` names, per registry kind (student, educator), the optional fields the source's
    files have no column for (rostering.oneroster.reading.unsent): not sent, so left as they
    are, never read as blank.
    """

    version: str = "1.1"
    orgs: dict[str, Org] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    classes: dict[str, Class] = field(default_factory=dict)
    # A list, or (OneRoster CSV) read again from the file each time it is walked: sized and
    # iterable, nothing more (rostering.oneroster.enrollments).
    enrollments: Collection[Enrollment] = field(default_factory=list)
    academic_sessions: dict[str, AcademicSession] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    rejected: dict[str, set[str]] = field(default_factory=dict)
    delta: set[str] = field(default_factory=set)
    incomplete: set[str] = field(default_factory=set)
    unsent: dict[str, frozenset[str]] = field(default_factory=dict)

    def is_complete(self, stem: str) -> bool:
        """True when absence from ``stem`` (e.g. "users") means the SIS no longer sends it."""
        return stem not in self.delta and stem not in self.incomplete

    def warn(self, file: str, row: int, record: str, message: str, field: str = "") -> None:
        self.warnings.append(Problem(file, row, record, message, field))

    def error(self, file: str, row: int, record: str, message: str, field: str = "") -> None:
        self.errors.append(Problem(file, row, record, message, field))
        if record:
            self.rejected.setdefault(file.removesuffix(".csv"), set()).add(record)
