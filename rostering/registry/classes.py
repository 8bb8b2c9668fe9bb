"""The fields of a class/group, in the Classes/Groups template's order."""

from __future__ import annotations

from rostering.models import ClassGroup

from .base import Field, Kind, SyncRole, Unique

# Every Details field of a synced class/group, and its rosters, come from the SIS.
CLASS_GROUP = Kind(
    "class_group",
    ClassGroup,
    (
        Field(
            "name",
            "Class/Group name",
            column="Class/Group Name",
            aliases=("class name", "group name", "name", "class", "class/group"),
            oneroster=("classes.title",),
            required=True,
            samples=("Room 4", "Reading Club"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "school",
            "School",
            column="Organization",
            help="The school's name or ID.",
            aliases=("school", "organizations"),
            oneroster=("classes.schoolSourcedId",),
            required=True,
            samples=("North Elementary", "South Elementary"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "products",
            "Products",
            column="Product",
            help="Product names or codes, separated by semicolons. The list replaces the "
            "class/group's products.",
            aliases=("products",),
            required=True,
            samples=("Reading Stars", "Reading Stars; Math Quest"),
            many=True,
        ),
        Field(
            "external_id",
            "External Assigned ID",
            column="External Assigned ID",
            aliases=("external id", "class id", "section id"),
            oneroster=("classes.sourcedId",),
            samples=("C-100", "C-101"),
            unique=Unique.DISTRICT,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "subject",
            "Subject",
            column="Subject",
            oneroster=("classes.subjects",),
            samples=("Reading", "Reading; Writing"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "course_code",
            "Course code",
            column="Course Code",
            oneroster=("courses.courseCode",),
            samples=("ELA-3", ""),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "grades",
            "Grades",
            column="Grades",
            aliases=("grade",),
            oneroster=("classes.grades",),
            samples=("3", "3; 4"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "educators",
            "Educators",
            column="Educators",
            help="Usernames of the teachers, separated by semicolons. The list replaces the "
            "class/group's educators.",
            aliases=("teachers", "teacher"),
            oneroster=("enrollments.userSourcedId",),
            samples=("tess.teacher", "tess.teacher; sam.admin"),
            many=True,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "students",
            "Students",
            column="Students",
            help="Usernames or Student IDs of the students, separated by semicolons. The list "
            "replaces the class/group's students.",
            aliases=("student", "student usernames"),
            oneroster=("enrollments.userSourcedId",),
            samples=("ana.lopez", "ana.lopez; ben.kim"),
            many=True,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "is_active",
            "Active",
            oneroster=("classes.status",),
            sync=SyncRole.LOCKED,
            exported=False,
        ),
    ),
)
