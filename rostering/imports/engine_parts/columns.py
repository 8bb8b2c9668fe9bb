"""The columns of each template, and forgiving matching of a file's header row to them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rostering.text import clean_text

from ..engine import RowError


@dataclass(frozen=True)
class Column:
    name: str  # the header as the template writes it
    key: str  # what the kind's checker calls it
    required: bool = False  # a value is needed in every row
    in_template: bool = False  # always in the template (required, or nearly always wanted)
    help: str = ""
    samples: tuple[str, str] = ("", "")
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    many: bool = False  # several values separated by semicolons


def _c(name, key, *, required=False, in_template=None, **kw) -> Column:
    return Column(name, key, required, required if in_template is None else in_template, **kw)


FIRST = _c("First Name", "first_name", required=True, samples=("Ana", "Ben"), max_length=100)
LAST = _c("Last Name", "last_name", required=True, samples=("Lopez", "Kim"), max_length=100)
EMAIL = _c(
    "Email",
    "email",
    help="An email address, or leave blank.",
    samples=("", "ben.kim@example.org"),
    aliases=("email address", "e-mail"),
    max_length=254,
)

STUDENT_BASE = (
    FIRST,
    LAST,
    _c(
        "Username",
        "username",
        required=True,
        help="Signs in to products; letters, digits and . _ - @ + only.",
        samples=("ana.lopez", "ben.kim"),
        aliases=("user name", "login"),
        max_length=150,
    ),
    _c(
        "Student ID",
        "external_id",
        in_template=True,
        help="The student ID in your SIS (External Assigned ID). Leading zeros are kept.",
        samples=("000123", "000124"),
        aliases=("external assigned id", "external id", "sis id", "student number"),
        max_length=255,
    ),
)
STUDENT_ORGS = _c(
    "Organizations",
    "schools",
    required=True,
    help="The school's name or ID; several separated by semicolons.",
    samples=("North Elementary", "North Elementary; South Elementary"),
    aliases=("organization", "school", "schools"),
    many=True,
)
STUDENT_OPTIONAL = (
    _c("Middle Name", "middle_name", samples=("", "Lee"), max_length=100),
    _c(
        "Grade",
        "grade",
        help="K, 1 to 12, PK, TK (or leave blank).",
        samples=("K", "3"),
        aliases=("grade level",),
    ),
    EMAIL,
    _c(
        "Alt Student ID",
        "alt_external_id",
        help="A second ID, e.g. a state ID.",
        samples=("", "S-88"),
        aliases=("alt external assigned id", "alternate id", "state id"),
        max_length=255,
    ),
    _c(
        "Password",
        "password",
        help="4 to 64 characters. Leave blank to keep the current password.",
        samples=("tiger42", "comet17"),
    ),
)
STUDENT_CLASSES = _c(
    "Classes/Groups",
    "classes",
    help="Class/group name or External Assigned ID, in one of the student's schools; "
    "several separated by semicolons.",
    samples=("Room 4", "Room 4; Reading Club"),
    aliases=("classes", "class", "groups", "class/group", "class groups"),
    many=True,
)
STUDENT_PRODUCTS = (
    _c(
        "Products",
        "products",
        help="Product names or codes; several separated by semicolons. "
        "The list replaces the student's product access.",
        samples=("Reading Stars", "Reading Stars; Math Quest"),
        aliases=("product", "product access"),
        many=True,
    ),
    _c(
        "Product Settings",
        "settings",
        help='Setting = value, e.g. "Language Support = Spanish"; name the product first '
        'when two products share a setting name: "Reading Stars: Language Support = Spanish".',
        samples=("Language Support = English", "Language Support = Spanish; Level = 3"),
        aliases=("settings",),
        many=True,
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "students": STUDENT_BASE
    + (STUDENT_ORGS,)
    + STUDENT_OPTIONAL
    + (STUDENT_CLASSES,)
    + STUDENT_PRODUCTS,
    "bulk_students": STUDENT_BASE + STUDENT_OPTIONAL + STUDENT_PRODUCTS,
    "educators": (
        FIRST,
        LAST,
        _c(
            "Username",
            "username",
            required=True,
            help="Signs in to the portal; letters, digits and . _ - @ + only.",
            samples=("tess.teacher", "sam.admin"),
            aliases=("user name", "login"),
            max_length=150,
        ),
        _c(
            "Educator Type",
            "educator_type",
            required=True,
            help="Teacher or Administrator.",
            samples=("Teacher", "Administrator"),
            aliases=("type", "role"),
        ),
        _c(
            "Organizations",
            "organizations",
            required=True,
            help="School names or IDs, separated by semicolons; the district's name for a "
            "district-wide administrator.",
            samples=("North Elementary", "North Elementary; South Elementary"),
            aliases=("organization", "school", "schools"),
            many=True,
        ),
        EMAIL,
        _c(
            "External Assigned ID",
            "external_id",
            samples=("T001", "T002"),
            aliases=("external id", "staff id", "educator id"),
            max_length=255,
        ),
        _c(
            "Alt External Assigned ID",
            "alt_external_id",
            samples=("", "A-2"),
            aliases=("alt external id",),
            max_length=255,
        ),
    ),
    "classes": (
        _c(
            "Class/Group Name",
            "name",
            required=True,
            samples=("Room 4", "Reading Club"),
            aliases=("class name", "group name", "name", "class", "class/group"),
            max_length=200,
        ),
        _c(
            "Organization",
            "school",
            required=True,
            help="The school's name or ID.",
            samples=("North Elementary", "South Elementary"),
            aliases=("school", "organizations"),
        ),
        _c(
            "Product",
            "products",
            required=True,
            help="Product names or codes, separated by semicolons. The list replaces the "
            "class/group's products.",
            samples=("Reading Stars", "Reading Stars; Math Quest"),
            aliases=("products",),
            many=True,
        ),
        _c(
            "External Assigned ID",
            "external_id",
            samples=("C-100", "C-101"),
            aliases=("external id", "class id", "section id"),
            max_length=255,
        ),
        _c("Subject", "subject", samples=("Reading", "Reading; Writing"), max_length=200),
        _c("Course Code", "course_code", samples=("ELA-3", ""), max_length=100),
        _c("Grades", "grades", samples=("3", "3; 4"), aliases=("grade",), max_length=100),
        _c(
            "Educators",
            "educators",
            help="Usernames of the teachers, separated by semicolons. The list replaces the "
            "class/group's educators.",
            samples=("tess.teacher", "tess.teacher; sam.admin"),
            aliases=("teachers", "teacher"),
            many=True,
        ),
        _c(
            "Students",
            "students",
            help="Usernames or Student IDs of the students, separated by semicolons. The list "
            "replaces the class/group's students.",
            samples=("ana.lopez", "ana.lopez; ben.kim"),
            aliases=("student", "student usernames"),
            many=True,
        ),
    ),
    "organizations": (
        _c(
            "Organization Name",
            "name",
            required=True,
            samples=("North Elementary", "South Elementary"),
            aliases=("name", "school name", "organization"),
            max_length=200,
        ),
        _c(
            "External Assigned ID",
            "external_id",
            samples=("S-1", "S-2"),
            aliases=("external id", "school id"),
            max_length=255,
        ),
        _c(
            "Type",
            "org_type",
            help="School, Department or Local (School when blank).",
            samples=("School", "School"),
            aliases=("organization type", "org type"),
        ),
        _c(
            "Parent Organization",
            "parent",
            help="The name or ID of the organization above it; blank for the district.",
            samples=("", ""),
            aliases=("parent",),
        ),
    ),
}

KIND_NAMES = {
    "students": "Students",
    "bulk_students": "Students",
    "educators": "Educators",
    "classes": "Classes/Groups",
    "organizations": "Organizations",
}

def header_key(text: str) -> str:
    """ "  first_NAME\u200b " and "First Name" compare equal."""
    text = unicodedata.normalize("NFKC", clean_text(text))
    return re.sub(r"[^a-z0-9/]+", "", text.lower().replace("_", " "))


def columns_of(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of import: {kind}") from None


@dataclass
class HeaderMatch:
    positions: dict[str, int]  # column key -> index in the row
    columns: dict[str, Column]  # column key -> spec (only those present)
    errors: list[RowError]


def match_headers(kind: str, headers: list[str]) -> HeaderMatch:
    lookup: dict[str, Column] = {}
    for column in columns_of(kind):
        for alias in (column.name, *column.aliases):
            lookup.setdefault(header_key(alias), column)
    positions: dict[str, int] = {}
    present: dict[str, Column] = {}
    errors: list[RowError] = []
    names = ", ".join(c.name for c in columns_of(kind))
    for index, raw in enumerate(headers):
        label = raw.strip() or f"column {index + 1}"
        if not raw.strip():
            errors.append(
                RowError(
                    1,
                    label,
                    "This column has no header. Type the column's name, or delete the column.",
                )
            )
            continue
        if header_key(raw) == "errors":
            continue  # the column our error file adds: the user fixed the rows and re-uploads
        column = lookup.get(header_key(raw))
        if column is None:
            errors.append(
                RowError(
                    1,
                    label,
                    f'"{label}" is not a column of the {KIND_NAMES[kind]} template. '
                    f"Rename it to one of: {names}; or delete the column.",
                )
            )
        elif column.key in positions:
            errors.append(
                RowError(
                    1,
                    label,
                    f'"{column.name}" appears twice in the header row. Keep one of the two '
                    "columns.",
                )
            )
        else:
            positions[column.key] = index
            present[column.key] = column
    for column in columns_of(kind):
        if column.required and column.key not in positions:
            errors.append(
                RowError(
                    1,
                    column.name,
                    f'The column "{column.name}" is missing. Add it to the header row '
                    "(download a template to see the columns).",
                )
            )
    return HeaderMatch(positions=positions, columns=present, errors=errors)
