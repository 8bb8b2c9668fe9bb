"""Districts and the organizations inside them: checked here, written by the engine
(``writes``: creates, updates and deletes with history naming the actor and channel).
A district's sync configuration and sources are not roster rows: written here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from accounts.permissions import Feature
from rostering import registry
from rostering.engine import Batch
from rostering.engine.changes import RecordDelete
from rostering.history import Channel
from rostering.locks import lock_district
from rostering.models import Organization, SyncConfiguration
from rostering.ownership import LOCKED_FIELDS
from rostering.text import clean_text

from .common import (
    TRUSTED_CHANNELS,
    check_create_allowed,
    clean_fields,
    lock_changeable,
    refuse_locked_changes,
    refuse_unknown_fields,
)
from .writes import save_record, write

# The fields of a synced organization only the SIS changes (forms, imports and the admin ask).
SYNCED_LOCKED_FIELDS = tuple(sorted(LOCKED_FIELDS["organization"]))
# A district's settings: not roster values, so not the registry's.
DISTRICT_ONLY_FIELDS = ("rostering_method", "sso_enabled", "email_alerts")
# What an update may set: the organization's own fields in the registry but its type, chosen
# when it is made (a school never becomes a district), and the district's settings.
EDITABLE_FIELDS = (registry.ORGANIZATION.record_fields - {"org_type"}) | frozenset(
    DISTRICT_ONLY_FIELDS
)
SSO_NEEDS_AUTOMATED = (
    "Single sign-on comes with automated rostering only: choose Automated first, "
    "or leave single sign-on off."
)


@transaction.atomic
def district_create(
    *, actor, name: str, slug: str, rostering_method: str = "", channel: str = Channel.SYSTEM
) -> Organization:
    """A new district with an empty sync configuration. Support staff and the system only."""
    if actor is not None and not (actor.is_support or actor.is_superuser):
        raise ValidationError("Only support staff can create districts.")
    district = Organization(
        name=clean_text(name),
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
    channel: str = Channel.FORM,
    origin: str = "manual",
    sis_sourced_id: str | None = None,
    **fields,
) -> Organization:
    """A school (or department) inside ``district``, placed under ``parent`` (the district
    when none is given); only district-wide actors add schools. ``fields``: any other of its
    own fields in the registry (its External Assigned ID); one it does not name is refused."""
    refuse_unknown_fields(registry.ORGANIZATION, fields, "an organization")
    lock_district(district)
    if org_type == Organization.OrgType.DISTRICT:
        raise ValidationError({"org_type": "Districts are created by support staff."})
    check_create_allowed(actor, district_id=district.pk, school_ids=[], channel=channel)
    fields = clean_fields(registry.ORGANIZATION, {**fields, "name": name})
    if channel != Channel.SYNC:
        _refuse_taken_name(district, fields["name"])
    org = Organization(
        org_type=org_type,
        district=district,
        parent=parent or district,
        origin=origin,
        sis_sourced_id=sis_sourced_id,
        **fields,
    )
    save_record(org, actor=actor, channel=channel)
    return org


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, channel: str = Channel.FORM, **changes
) -> Organization:
    """Change an organization's names and settings, or refuse with nothing changed.

    Refused: an actor who may not change ``organization`` (PermissionDenied); the rostering
    method without the district-wide feature (PermissionDenied); a locked field of a synced
    organization, except by the sync; district settings on a school; a new parent the actor
    does not administer; single sign-on without automated rostering (ValidationError).
    Leaving automated rostering turns single sign-on off.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not an organization field: {', '.join(sorted(unknown))}.")
    lock_changeable(actor, organization, channel)
    trusted = channel in TRUSTED_CHANNELS and actor is None
    if "rostering_method" in changes and not trusted:
        permissions.require_feature(actor, Feature.MANAGE_ROSTERING_METHOD)
    if "email_alerts" in changes and not trusted:
        permissions.require_feature(actor, Feature.MANAGE_ALERTS)
    changes = clean_fields(registry.ORGANIZATION, changes)
    if "name" in changes:
        if channel != Channel.SYNC and changes["name"].lower() != organization.name.lower():
            _refuse_taken_name(organization.district_root, changes["name"], exclude=organization)
    if not organization.is_district:
        for name in DISTRICT_ONLY_FIELDS:
            if name in changes:
                raise ValidationError({name: "This is set for the whole district."})
    refuse_locked_changes(organization, changes, channel)
    new_parent = changes.get("parent")
    if not trusted and new_parent is not None and new_parent.pk != organization.parent_id:
        if not permissions.can_change(actor, new_parent):
            raise ValidationError(
                {"parent": f"You cannot place organizations under {new_parent}."}
            )
    _check_sso(organization, changes)
    leaves_automated = (
        organization.rostering_method == Organization.RosteringMethod.AUTOMATED
        and changes.get("rostering_method", organization.rostering_method)
        != Organization.RosteringMethod.AUTOMATED
    )
    save_record(organization, actor=actor, channel=channel, changes=changes)
    if leaves_automated:
        organization.sync_paused = _pause_scheduled_sync(organization)
    return organization


DISTRICT_STAYS_ACTIVE = "A district cannot be deactivated; support staff close districts."


def synced_status_refusal(organization: Organization) -> str:
    """Why a synced school's status is not changed by hand (the bulk action says it too)."""
    return (
        f"{organization.name} is synced from your SIS, so whether it is active is the "
        "SIS's to say: change it in your SIS and the next sync follows."
    )


@transaction.atomic
def organization_set_active(
    *, actor, organization: Organization, active: bool, channel: str = Channel.FORM
) -> bool:
    """Deactivate or reactivate a school; True if its state changed.

    An inactive school leaves every school picker and takes no new students, educators or
    classes/groups (check_school_open), while its records stay as they are. Refused: a
    district; an actor who may not change the school or manage organizations
    (PermissionDenied); a synced school by hand (its status is the SIS's).
    """
    if organization.is_district:  # a type, never changed: known before the lock
        raise ValidationError(DISTRICT_STAYS_ACTIVE)
    lock_changeable(actor, organization, channel)
    if not (channel in TRUSTED_CHANNELS and actor is None):
        permissions.require_feature(actor, Feature.MANAGE_ORGANIZATION)
    if organization.origin == "synced" and channel != Channel.SYNC:
        raise ValidationError(synced_status_refusal(organization))
    if organization.is_active == active:
        return False
    save_record(organization, actor=actor, channel=channel, changes={"is_active": active})
    return True


def organization_contents(organization: Organization) -> dict[str, int]:
    """How many students, educators, classes/groups and organizations ``organization``
    holds (the ones that are not zero), as the refusal to delete it counts them."""
    from rostering.models import ClassGroup, Educator, Student

    counts = {
        "student": Student.objects.filter(schools=organization).count(),
        "educator": Educator.objects.filter(organizations=organization).count(),
        "class/group": ClassGroup.objects.filter(school=organization).count(),
        "organization below it": Organization.objects.filter(parent=organization).count(),
    }
    return {what: n for what, n in counts.items() if n}


def _counted(what: str, n: int) -> str:
    if n == 1:
        return f"1 {what}"
    plural = {"class/group": "classes/groups", "organization below it": "organizations below it"}
    return f"{n} {plural.get(what, what + 's')}"


@transaction.atomic
def organization_delete(*, actor, organization: Organization, channel: str = Channel.ADMIN) -> None:
    """Delete an empty school (support staff only; a school made by mistake). Refused, with
    what it holds, while any student, educator, class/group or organization is in it:
    those are deactivated, never deleted, so their school stays too."""
    if actor is None or not (actor.is_support or actor.is_superuser):
        raise PermissionDenied("Only support staff delete schools.")
    lock_changeable(actor, organization, channel)
    if organization.is_district:
        raise ValidationError("A district cannot be deleted here.")
    held = organization_contents(organization)
    if held:
        listed = ", ".join(_counted(what, n) for what, n in held.items())
        raise ValidationError(
            f"{organization.name} cannot be deleted: it holds {listed}. Move them to another "
            "school first, or deactivate the school instead (its records stay)."
        )
    batch = Batch(deletes=[RecordDelete("organization", organization.pk)])
    write(batch, district=organization.district_id, actor=actor, channel=channel)


def _pause_scheduled_sync(district: Organization) -> bool:
    """Leaving Automated rostering turns the scheduled SIS sync off (its source and rules
    stay, so choosing Automated again and a schedule resumes it). True if one was on."""
    from rostering.sync.models import SyncSource

    return bool(
        SyncSource.objects.filter(district=district)
        .exclude(schedule=SyncSource.Schedule.OFF)
        .update(schedule=SyncSource.Schedule.OFF)
    )


def _refuse_taken_name(district: Organization, name: str, exclude=None) -> None:
    """Two schools of one district with one name cannot be told apart on any page or card.
    (The sync may send what the SIS holds: only people's channels are refused.)"""
    same = Organization.objects.filter(district=district, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    taken = same.first()
    if taken is not None:
        raise ValidationError(
            {
                "name": f"{district.name} already has an organization named “{taken.name}”: "
                "choose another name (for example, add the town or the level)."
            }
        )


def _check_sso(organization: Organization, changes: dict) -> None:
    """Single sign-on only with automated rostering: turning it on without is refused, and
    leaving automated rostering turns it off (the page that changed the method says so)."""
    if not organization.is_district or not set(DISTRICT_ONLY_FIELDS) & set(changes):
        return
    method = changes.get("rostering_method", organization.rostering_method)
    if method == Organization.RosteringMethod.AUTOMATED:
        return
    if changes.get("sso_enabled"):
        raise ValidationError({"sso_enabled": SSO_NEEDS_AUTOMATED})
    if organization.sso_enabled:
        changes["sso_enabled"] = False
