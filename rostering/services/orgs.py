"""Districts and the organizations inside them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from rostering.history import Channel
from rostering.models import Organization, SyncConfiguration
from rostering.ownership import LOCKED_MESSAGE
from rostering.validators import blank_to_none

from .common import apply_changes, check_change_allowed, check_create_allowed, save_record

EDITABLE_FIELDS = frozenset({"name", "parent", "external_id", "rostering_method", "sso_enabled"})
# The fields of a synced organization only the SIS changes (forms, imports and the admin ask).
SYNCED_LOCKED_FIELDS = ("name", "external_id", "parent")


@transaction.atomic
def district_create(
    *, actor, name: str, slug: str, rostering_method: str = "", channel: str = Channel.SYSTEM
) -> Organization:
    """A new district with an empty sync configuration. Support staff and the system only."""
    if actor is not None and not (actor.is_support or actor.is_superuser):
        raise ValidationError("Only support staff can create districts.")
    district = Organization(
        name=name,
        slug=slug,
        org_type=Organization.OrgType.DISTRICT,
        rostering_method=rostering_method,
    )
    save_record(district, actor=actor, channel=channel)
    SyncConfiguration.objects.create(district=district)
    return district


@transaction.atomic
def organization_create(
    *,
    actor,
    district: Organization,
    name: str,
    org_type: str = Organization.OrgType.SCHOOL,
    parent: Organization | None = None,
    external_id: str | None = None,
    channel: str = Channel.FORM,
    origin: str = "manual",
    sis_sourced_id: str | None = None,
) -> Organization:
    """A school (or department) inside ``district``; only district-wide actors add schools."""
    if org_type == Organization.OrgType.DISTRICT:
        raise ValidationError({"org_type": "Districts are created by support staff."})
    check_create_allowed(actor, district_id=district.pk, school_ids=[], channel=channel)
    org = Organization(
        name=(name or "").strip(),
        org_type=org_type,
        district=district,
        parent=parent,
        external_id=blank_to_none(external_id),
        origin=origin,
        sis_sourced_id=sis_sourced_id,
    )
    save_record(org, actor=actor, channel=channel)
    return org


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, channel: str = Channel.FORM, **changes
) -> Organization:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not an organization field: {', '.join(sorted(unknown))}.")
    check_change_allowed(actor, organization, channel)
    if "external_id" in changes:
        changes["external_id"] = blank_to_none(changes["external_id"])
    if "rostering_method" in changes and not organization.is_district:
        raise ValidationError({"rostering_method": "The rostering method is set per district."})
    if organization.origin == "synced" and channel != Channel.SYNC:
        for name in SYNCED_LOCKED_FIELDS:
            if name in changes and changes[name] != getattr(organization, name):
                raise ValidationError({name: LOCKED_MESSAGE})
    apply_changes(organization, changes)
    save_record(organization, actor=actor, channel=channel)
    return organization
