"""Creating and changing educators, with their portal sign-in."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from rostering import registry, usernames
from rostering.history import Channel
from rostering.locks import lock_district, lock_for_write
from rostering.models import Educator, Organization, Origin

from .common import (
    apply_changes,
    check_change_allowed,
    check_create_allowed,
    check_same_district,
    check_values,
    normalize_person,
    refuse_locked_changes,
    save_record,
)

EDITABLE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "username",
        "email",
        "educator_type",
        "external_id",
        "alt_external_id",
        "organizations",
        "is_active",
    }
)


def _normalize(changes: dict) -> dict:
    clean = normalize_person(
        changes, many="organizations", many_message="Choose at least one organization."
    )
    return check_values(registry.EDUCATOR, clean)  # email, lengths


def _sync_user(educator: Educator, password: str | None) -> None:
    """Keep the portal sign-in in step with the educator record."""
    User = get_user_model()
    user = educator.user
    if user is None or user.username != educator.username:
        # Educator's constraint checked the educators; this checks every portal sign-in.
        others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
        held = usernames.holder_of(others, educator.username)
        if held is not None:
            refusal = usernames.refusal(educator.username, held.username)
            raise ValidationError({"username": refusal})
    if user is None:
        user = User(username=educator.username)
        user.set_unusable_password()
    user.username = educator.username
    user.first_name = educator.first_name
    user.last_name = educator.last_name
    user.email = educator.email
    user.is_active = educator.is_active
    if password:
        user.set_password(password)
    user.save()
    if educator.user_id != user.pk:
        educator.user = user
        educator.save(update_fields=["user"])


@transaction.atomic
def educator_create(
    *,
    actor,
    district: Organization,
    channel: str = Channel.FORM,
    first_name: str,
    last_name: str,
    username: str,
    organizations: Iterable[Organization],
    educator_type: str = Educator.EducatorType.TEACHER,
    email: str = "",
    external_id: str | None = None,
    alt_external_id: str | None = None,
    password: str | None = None,
    origin: str = Origin.MANUAL,
    sis_sourced_id: str | None = None,
) -> Educator:
    """Create an educator and their portal sign-in (no usable password unless given)."""
    lock_district(district)
    fields = _normalize(
        {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "email": email,
            "educator_type": educator_type,
            "external_id": external_id,
            "alt_external_id": alt_external_id,
            "organizations": organizations,
        }
    )
    orgs = fields.pop("organizations")
    check_same_district(district.pk, orgs, "organizations", "organizations")
    school_ids = [o.pk for o in orgs if not o.is_district]
    if any(o.is_district for o in orgs):
        school_ids = []  # a district-wide educator: only district-wide actors may add one
    check_create_allowed(actor, district_id=district.pk, school_ids=school_ids, channel=channel)
    educator = Educator(district=district, origin=origin, sis_sourced_id=sis_sourced_id, **fields)
    save_record(educator, actor=actor, channel=channel, m2m_changes={"organizations": orgs})
    _sync_user(educator, password)
    return educator


@transaction.atomic
def educator_update(
    *,
    actor,
    educator: Educator,
    channel: str = Channel.FORM,
    password: str | None = None,
    **changes,
) -> Educator:
    """Apply ``changes``; locked fields of a synced educator are refused outside the sync."""
    lock_for_write(educator)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not an educator field: {', '.join(sorted(unknown))}.")
    check_change_allowed(actor, educator, channel)
    changes = _normalize(changes)
    refuse_locked_changes(educator, changes, channel)
    if "organizations" in changes:
        orgs = changes["organizations"]
        check_same_district(educator.district_id, orgs, "organizations", "organizations")
        current = set(educator.organizations.values_list("pk", flat=True))
        added = [o for o in orgs if o.pk not in current]
        if added:
            check_create_allowed(
                actor,
                district_id=educator.district_id,
                school_ids=[] if any(o.is_district for o in added) else [o.pk for o in added],
                channel=channel,
            )
    m2m = apply_changes(educator, changes, m2m={"organizations"})
    save_record(educator, actor=actor, channel=channel, m2m_changes=m2m)
    _sync_user(educator, password)
    return educator


@transaction.atomic
def educator_set_active(
    *, actor, educator: Educator, active: bool, channel: str = Channel.FORM
) -> Educator:
    return educator_update(actor=actor, educator=educator, channel=channel, is_active=active)
