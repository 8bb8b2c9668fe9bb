"""The fields of an educator, in the Educators template's order."""

from __future__ import annotations

from rostering.models import Educator

from .base import Field, Kind, SyncRole, Unique
from .students import (
    EMAIL,
    FIRST_NAME,
    IS_ACTIVE,
    LAST_NAME,
    PREFERRED_FIRST_NAME,
    SIS_IDS,
    USERNAME,
)

CLEVER_TEACHER_IDS = ("teachers.Teacher_number", "teachers.Teacher_id")  # as SIS_IDS

EDUCATOR = Kind(
    "educator",
    Educator,
    (
        Field(**FIRST_NAME, clever=("teachers.First_name",), samples=("Ana", "Ben")),
        Field(**LAST_NAME, clever=("teachers.Last_name",), samples=("Lopez", "Kim")),
        Field(
            **USERNAME,
            clever=("teachers.Username",),
            help="Signs in to the portal; letters, digits and . _ - @ + only.",
            samples=("tess.teacher", "sam.admin"),
        ),
        Field(
            "educator_type",
            "Type",
            column="Educator Type",
            help="Teacher or Administrator.",
            aliases=("type", "role"),
            oneroster=("users.role",),
            rule="educator_type",
            required=True,
            samples=("Teacher", "Administrator"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "organizations",
            "Organizations",
            column="Organizations",
            help="School names or IDs, separated by semicolons; the district's name for a "
            "district-wide administrator.",
            aliases=("organization", "school", "schools"),
            oneroster=("users.orgSourcedIds",),
            clever=("teachers.School_id",),
            record="org_sourced_ids",
            required=True,
            samples=("North Elementary", "North Elementary; South Elementary"),
            many=True,
            sync=SyncRole.LOCKED,
        ),
        Field(**EMAIL, clever=("teachers.Teacher_email",)),
        Field(**PREFERRED_FIRST_NAME),
        Field(
            "external_id",
            "External Assigned ID",
            column="External Assigned ID",
            aliases=("external id", "staff id", "educator id"),
            oneroster=SIS_IDS,
            clever=CLEVER_TEACHER_IDS,
            rule="external_id",
            samples=("T001", "T002"),
            unique=Unique.DISTRICT,
            sync=SyncRole.LOCKED,
            searched=True,
        ),
        Field(
            "alt_external_id",
            "Alt External Assigned ID",
            column="Alt External Assigned ID",
            aliases=("alt external id",),
            oneroster=SIS_IDS,
            clever=CLEVER_TEACHER_IDS,
            rule="alt_external_id",
            samples=("", "A-2"),
            unique=Unique.DISTRICT,
            sync=SyncRole.SHAREABLE,
            searched=True,
        ),
        Field(**IS_ACTIVE),
    ),
)
