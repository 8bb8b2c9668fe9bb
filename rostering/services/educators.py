"""Creating and changing educators, with their portal sign-in."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from rostering import registry, usernames
from rostering.history import Channel
from rostering.locks import lock_district
from rostering.models import Educator, Organization, Origin

from . import writes
from .common import (
    check_create_allowed,
    check_same_district,
    check_values,
    lock_changeable,
    normalize_person,
    refuse_locked_changes,
    refuse_unknown_fields,
)

EDITABLE_FIELDS = registry.EDUCATOR.record_fields  # what an update may set


def _normalize(changes: dict, channel: str) -> dict:
    # An educator's username is their portal sign-in's: in the admin (a superuser's) it may be
    # what a SIS may send ("Mary Archer"), as a sign-in's may (accounts.User), so the admin's
    # educator page is where such a rename is made; portal forms keep the stricter characters.
    clean = normalize_person(
        registry.EDUCATOR,
        changes,
        many_message="Choose at least one organization.",
        sis=channel == Channel.ADMIN,
    )
    return check_values(registry.EDUCATOR, clean)  # email, lengths


def _check_sign_in(educator: Educator) -> None:
    """The educator's username must be free among every portal sign-in but their own (the
    Educator's constraint checked the educators); the engine then keeps the sign-in in step
    (rostering.engine.people: names, username, email, inactive with the educator)."""
    User = get_user_model()
    user = educator.user
    if user is None or user.username != educator.username:
        others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
        held = usernames.holder_of(others, educator.username)
        if held is not None:
            refusal = usernames.refusal(educator.username, held.username)
            raise ValidationError({"username": refusal})


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
    password: str | None = None,
    origin: str = Origin.MANUAL,
    sis_sourced_id: str | None = None,
    **fields,
) -> Educator:
    """Create an educator and their portal sign-in (no usable password unless given), through
    the engine (a batch of one). ``fields``: any other of the educator's own fields in the
    registry (``EDITABLE_FIELDS``: type, email, IDs, active …; a Teacher unless a type is
    given); one it does not name is refused."""
    refuse_unknown_fields(registry.EDUCATOR, fields, "an educator")
    lock_district(district)
    fields = _normalize(
        {
            **fields,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "organizations": organizations,
        },
        channel,
    )
    orgs = fields.pop("organizations")
    check_same_district(district.pk, orgs, "organizations", "organizations")
    school_ids = [o.pk for o in orgs if not o.is_district]
    if any(o.is_district for o in orgs):
        school_ids = []  # a district-wide educator: only district-wide actors may add one
    check_create_allowed(actor, district_id=district.pk, school_ids=school_ids, channel=channel)
    educator = Educator(district=district, origin=origin, sis_sourced_id=sis_sourced_id, **fields)
    writes.check_record(educator)
    _check_sign_in(educator)
    writes.create(
        "educator",
        educator,
        district=district,
        actor=actor,
        channel=channel,
        links={"educator_school": [o.pk for o in orgs]},
        sign_in_password=password,
    )
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
    """Apply ``changes`` (and a new portal ``password``) through the engine; locked fields of a
    synced educator are refused outside the sync."""
    refuse_unknown_fields(registry.EDUCATOR, changes, "an educator")
    lock_changeable(actor, educator, channel)
    changes = _normalize(changes, channel)
    refuse_locked_changes(educator, changes, channel)
    links = {}
    if "organizations" in changes:
        orgs = changes.pop("organizations")
        check_same_district(educator.district_id, orgs, "organizations", "organizations")
        current = set(educator.organizations.values_list("pk", flat=True))
        links["educator_school"] = (current, {o.pk for o in orgs})
        added = [o for o in orgs if o.pk not in current]
        if added:
            check_create_allowed(
                actor,
                district_id=educator.district_id,
                school_ids=[] if any(o.is_district for o in added) else [o.pk for o in added],
                channel=channel,
            )
    before = {name: getattr(educator, name) for name in changes}
    for name, value in changes.items():
        setattr(educator, name, value)
    writes.check_record(educator)
    _check_sign_in(educator)
    writes.update(
        "educator",
        educator,
        before,
        actor=actor,
        channel=channel,
        links=links,
        sign_in_password=password,
    )
    return educator


@transaction.atomic
def educator_set_active(
    *, actor, educator: Educator, active: bool, channel: str = Channel.FORM
) -> Educator:
    return educator_update(actor=actor, educator=educator, channel=channel, is_active=active)
