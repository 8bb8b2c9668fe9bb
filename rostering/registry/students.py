"""The fields of a student, in the Students template's order."""

from __future__ import annotations

from rostering.models import Student

from . import normalisers
from .base import Field, Kind, SyncRole, Unique

FIRST_NAME = dict(
    name="first_name",
    label="First name",
    column="First Name",
    oneroster=("users.givenName",),
    record="given_name",
    required=True,
    sync=SyncRole.LOCKED,
    searched=True,
)
LAST_NAME = dict(
    name="last_name",
    label="Last name",
    column="Last Name",
    oneroster=("users.familyName",),
    record="family_name",
    required=True,
    sync=SyncRole.LOCKED,
    searched=True,
)
EMAIL = dict(
    name="email",
    label="Email",
    column="Email",
    help="An email address, or leave blank.",
    aliases=("email address", "e-mail"),
    oneroster=("users.email",),
    record="email",
    normalise=normalisers.email,
    samples=("", "ben.kim@example.org"),
    sync=SyncRole.SHAREABLE,
)
PREFERRED_FIRST_NAME = dict(
    name="preferred_first_name",
    label="Preferred first name",
    column="Preferred First Name",
    help="The name they go by, when it is not their first name; or leave blank.",
    aliases=("preferred name", "preferred given name", "nickname", "goes by"),
    oneroster=("users.preferredGivenName", "users.preferredFirstName"),
    record="preferred_first_name",
    samples=("", "Benny"),
    sync=SyncRole.SHAREABLE,
    searched=True,
)
USERNAME = dict(
    name="username",
    label="Username",
    column="Username",
    aliases=("user name", "login"),
    oneroster=("users.username",),
    record="username",
    rule="username",  # the column the district chose (SyncSource.username_field)
    required=True,
    unique=Unique.PLATFORM,
    sync=SyncRole.LOCKED,
    searched=True,
)
IS_ACTIVE = dict(
    name="is_active",
    label="Active",
    oneroster=("users.status", "users.enabledUser"),
    rule="active",
    sync=SyncRole.LOCKED,
    exported=False,
)
# Which of users.sourcedId / users.identifier is which is the district's choice (SyncSource).
SIS_IDS = ("users.identifier", "users.sourcedId")
# Clever's names of the same two, in the same order (a student's identifier column is the
# district's choice too, Student_number or Sis_id: rostering.oneroster.field_columns).
CLEVER_STUDENT_IDS = ("students.Student_number", "students.Student_id")

STUDENT = Kind(
    "student",
    Student,
    (
        Field(**FIRST_NAME, clever=("students.First_name",), samples=("Ana", "Ben")),
        Field(**LAST_NAME, clever=("students.Last_name",), samples=("Lopez", "Kim")),
        Field(
            **USERNAME,
            clever=("students.Username",),
            help="Signs in to products; letters, digits and . _ - @ + only.",
            samples=("ana.lopez", "ben.kim"),
        ),
        Field(
            "external_id",
            "External Assigned ID (Student ID)",
            column="Student ID",
            help="The student ID in your SIS (External Assigned ID). Leading zeros are kept.",
            aliases=("external assigned id", "external id", "sis id", "student number"),
            oneroster=SIS_IDS,
            clever=CLEVER_STUDENT_IDS,
            rule="external_id",
            in_template=True,
            samples=("000123", "000124"),
            unique=Unique.DISTRICT,
            sync=SyncRole.LOCKED,
            searched=True,
        ),
        Field(
            "schools",
            "School(s)",
            column="Organizations",
            help="The school's name or ID; several separated by semicolons.",
            aliases=("organization", "school", "schools"),
            oneroster=("users.orgSourcedIds",),
            clever=("students.School_id",),
            record="org_sourced_ids",
            required=True,
            samples=("North Elementary", "North Elementary; South Elementary"),
            many=True,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "middle_name",
            "Middle name",
            column="Middle Name",
            oneroster=("users.middleName",),
            clever=("students.Middle_name",),
            record="middle_name",
            samples=("", "Lee"),
            sync=SyncRole.SHAREABLE,
        ),
        Field(**PREFERRED_FIRST_NAME),
        Field(
            "grade",
            "Grade",
            column="Grade",
            help=normalisers.GRADE_HELP,
            aliases=("grade level",),
            oneroster=("users.grades",),
            clever=("students.Grade",),
            record="grades",
            rule="first_grade",
            normalise=normalisers.grade,
            samples=("K", "3"),
            sync=SyncRole.SHAREABLE,
        ),
        Field(**EMAIL, clever=("students.Student_email",)),
        Field(
            "alt_external_id",
            "Alt External Assigned ID",
            column="Alt Student ID",
            help="A second ID, e.g. a state ID.",
            aliases=("alt external assigned id", "alternate id", "state id"),
            oneroster=SIS_IDS,
            clever=CLEVER_STUDENT_IDS,
            rule="alt_external_id",
            samples=("", "S-88"),
            unique=Unique.DISTRICT,
            sync=SyncRole.SHAREABLE,
            searched=True,
        ),
        Field(
            "password",
            "Password",
            column="Password",
            listed=False,
            help="4 to 64 characters. Leave blank to keep the current password.",
            oneroster=("users.password",),
            clever=("students.Password",),
            record="password",
            samples=("tiger42", "comet17"),
        ),
        Field(
            "classes",
            "Classes/groups",
            column="Classes/Groups",
            listed=False,
            help="Class/group name or External Assigned ID, in one of the student's schools; "
            "several separated by semicolons.",
            aliases=("classes", "class", "groups", "class/group", "class groups"),
            oneroster=("enrollments.classSourcedId",),
            clever=("enrollments.Section_id",),
            samples=("Room 4", "Room 4; Reading Club"),
            many=True,
        ),
        Field(
            "products",
            "Products",
            column="Products",
            listed=False,
            help="Product names or codes; several separated by semicolons. "
            "The list replaces the student's product access.",
            aliases=("product", "product access"),
            samples=("Reading Stars", "Reading Stars; Math Quest"),
            many=True,
        ),
        Field(
            "settings",
            "Product settings",
            column="Product Settings",
            listed=False,
            help='Setting = value, e.g. "Language Support = Spanish"; name the product first '
            'when two products share a setting name: "Reading Stars: Language Support = '
            'Spanish".',
            aliases=("settings",),
            samples=("Language Support = English", "Language Support = Spanish; Level = 3"),
            many=True,
        ),
        Field(**IS_ACTIVE),
    ),
)
