"""The fields of a class/group, in the Classes/Groups template's order."""

from __future__ import annotations

from rostering.models import ClassGroup

from . import normalisers
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
            clever=("sections.Name",),
            record="title",
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
            clever=("sections.School_id",),
            record="school_sourced_id",
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
            clever=("sections.Section_id",),
            record="sourced_id",
            samples=("C-100", "C-101"),
            unique=Unique.DISTRICT,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "subject",
            "Subject",
            column="Subject",
            oneroster=("classes.subjects",),
            clever=("sections.Subject",),
            rule="joined_subjects",
            samples=("Reading", "Reading; Writing"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "course_code",
            "Course code",
            column="Course Code",
            oneroster=("courses.courseCode",),
            clever=("sections.Course_number",),
            rule="course_code",
            samples=("ELA-3", ""),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "grades",
            "Grades",
            column="Grades",
            aliases=("grade",),
            oneroster=("classes.grades",),
            clever=("sections.Grade",),
            record="grades",
            normalise=normalisers.grade_list,
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
            clever=("sections.Teacher_id",),
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
            clever=("enrollments.Student_id",),
            samples=("ana.lopez", "ana.lopez; ben.kim"),
            many=True,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "is_active",
            "Active",
            oneroster=("classes.status",),
            rule="active",
            sync=SyncRole.LOCKED,
            exported=False,
        ),
    ),
)
