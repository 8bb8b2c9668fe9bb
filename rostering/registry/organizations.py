"""The fields of an organization, in the Organizations template's order."""

from __future__ import annotations

from rostering.models import Organization

from .base import Field, Kind, SyncRole, Unique

# A synced organization's name, ID and place in the tree come from the SIS.
ORGANIZATION = Kind(
    "organization",
    Organization,
    (
        Field(
            "name",
            "Organization name",
            column="Organization Name",
            aliases=("name", "school name", "organization"),
            oneroster=("orgs.name",),
            clever=("schools.School_name",),
            record="name",
            required=True,
            samples=("North Elementary", "South Elementary"),
            sync=SyncRole.LOCKED,
        ),
        Field(
            "external_id",
            "External Assigned ID",
            column="External Assigned ID",
            aliases=("external id", "school id"),
            oneroster=("orgs.identifier", "orgs.sourcedId"),
            clever=("schools.School_number", "schools.School_id"),
            rule="external_id",
            samples=("S-1", "S-2"),
            unique=Unique.DISTRICT,
            sync=SyncRole.LOCKED,
        ),
        Field(
            "org_type",
            "Type",
            column="Type",
            help="School, Department or Local (School when blank).",
            aliases=("organization type", "org type"),
            oneroster=("orgs.type",),
            rule="org_type",
            samples=("School", "School"),
        ),
        Field(
            "parent",
            "Parent organization",
            column="Parent Organization",
            help="The name or ID of the organization above it; blank for the district.",
            aliases=("parent",),
            oneroster=("orgs.parentSourcedId",),
            record="parent_sourced_id",
            samples=("", ""),
            sync=SyncRole.LOCKED,
        ),
    ),
)
