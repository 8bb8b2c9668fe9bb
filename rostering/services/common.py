"""Rules shared by the record services: permissions, locked fields, districts, values (the
writes themselves are writes.py's, through the engine)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from accounts import permissions
from rostering.history import Channel
from rostering.locks import lock_district, lock_for_write
from rostering.models import Organization
from rostering.ownership import LOCKED_MESSAGE, FieldState, field_states
from rostering.text import clean_text
from rostering.usernames import validate_sis_username
from rostering.validators import blank_to_none, validate_username

# Channels that act for the SIS or the platform itself, with no portal user to check.
TRUSTED_CHANNELS = frozenset({Channel.SYNC, Channel.SYSTEM})


def lock_changeable(actor, record, channel: str):
    """The one way a service starts changing a stored ``record`` (a student, educator,
    class/group or organization): the district's lock, then the record re-read once from the
    records ``actor`` may see (under the lock, so the check sees what a writer before this one
    left), refused as ``permissions.require_change`` refuses when it is not among them or not
    changeable. The sync and the system (no actor) only lock and re-read
    (``locks.lock_for_write``). Returns ``record``, re-read."""
    if channel in TRUSTED_CHANNELS and actor is None:
        return lock_for_write(record)
    lock_district(record if isinstance(record, Organization) else record.district_id)
    try:
        record.refresh_from_db(from_queryset=permissions.visible_queryset(actor, type(record)))
    except ObjectDoesNotExist:
        raise PermissionDenied(permissions.NOT_CHANGEABLE) from None
    if not permissions.can_change_seen(actor, record):
        raise PermissionDenied(permissions.NOT_CHANGEABLE)
    return record


def check_create_allowed(actor, *, district_id: int, school_ids: Iterable[int], channel: str):
    if channel in TRUSTED_CHANNELS and actor is None:
        return
    school_ids = list(school_ids)
    permissions.require_create_in(actor, district_id=district_id, school_ids=school_ids)
    check_school_open(school_ids)


def check_school_open(school_ids: Iterable[int]) -> None:
    """An inactive school takes no new students, educators or classes/groups (the pickers
    leave it out; this refuses one posted by hand). Its existing records stay."""
    closed = list(
        Organization.objects.filter(pk__in=list(school_ids), is_active=False)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if closed:
        raise ValidationError(closed_school_message(closed))


def closed_school_message(names: list[str]) -> str:
    """The one sentence every channel (forms, imports) uses to refuse inactive schools."""
    return (
        f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} inactive: nothing new "
        "can be added there. An administrator can reactivate it on Management > Organization."
    )


def check_removals_allowed(
    actor, *, district_id: int, school_ids: Iterable[int], channel: str, field: str, what: str
) -> None:
    """Links at schools outside the actor's are kept: removing one is refused with the
    sentence every channel uses (accounts.permissions.removal_refused)."""
    reach = permissions.school_reach(
        actor, district_id=district_id, trusted=channel in TRUSTED_CHANNELS and actor is None
    )
    outside = reach.outside(school_ids)
    if outside:
        names = Organization.objects.filter(pk__in=outside).order_by("name")
        messages = [permissions.removal_refused(what, org.name) for org in names]
        raise ValidationError({field: messages})


def check_same_district(district_id: int, objects: Iterable, what: str, field: str) -> None:
    for obj in objects:
        obj_district = getattr(obj, "district_root_id", None) or getattr(obj, "district_id", None)
        if obj_district != district_id:
            raise ValidationError({field: f"{obj} is not in this district's {what}."})


def _current_value(record, name: str):
    value = getattr(record, name)
    if hasattr(value, "all"):  # a many-to-many manager
        return {obj.pk for obj in value.all()} if record.pk else set()
    return value


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "model"):
        return {getattr(v, "pk", v) for v in value}
    if value == "":
        return None
    return value


def normalize_person(kind, changes: dict, *, many_message: str, sis: bool = False) -> dict:
    """Clean the free text (``kind.text_fields``: names, email; rostering.text.clean_text),
    store blank IDs as NULL, check the username and the required many-to-many
    (``kind.required_many``: schools or organizations) of a student's or educator's changes.
    The fields are the registry's, so a new one needs no edit here. ``sis``: the username is
    what a SIS sent (a OneRoster or Clever import), checked as the sync checks it
    (``usernames.validate_sis_username``: "Mary Archer" is kept)."""
    clean = clean_fields(kind, changes)
    if "username" in clean:
        try:
            check = validate_sis_username if sis else validate_username
            clean["username"] = check(clean["username"])
        except ValidationError as exc:
            raise ValidationError({"username": exc.messages}) from exc
    many = kind.required_many
    if many in clean:
        clean[many] = list(clean[many])
        if not clean[many]:
            raise ValidationError({many: many_message})
    return clean


def clean_fields(kind, changes: dict) -> dict:
    """A copy of ``changes`` with the kind's free text cleaned (``kind.text_fields``,
    rostering.text.clean_text) and its district-unique IDs blank as NULL
    (``kind.district_ids``): the registry's fields, so a new one needs no edit here."""
    clean = dict(changes)
    for name in kind.district_ids & clean.keys():
        clean[name] = blank_to_none(clean[name])
    for name in kind.text_fields & clean.keys():
        if clean[name] is not None:
            clean[name] = clean_text(clean[name])
    return clean


def refuse_unknown_fields(kind, fields, noun: str) -> None:
    """ValidationError naming each of ``fields`` that is not one of the record's own fields
    in the registry (``kind.record_fields``): what a create or an update may set."""
    unknown = set(fields) - kind.record_fields
    if unknown:
        raise ValidationError(f"Not {noun} field: {', '.join(sorted(unknown))}.")


def check_values(kind, clean: dict) -> dict:
    """The registry's verdict on each plain value of ``clean`` (rostering.registry): values
    normalised in place, or one ValidationError naming every field refused."""
    errors = {}
    for name, value in clean.items():
        if isinstance(value, str) and value:
            try:
                clean[name] = kind.check(name, value)
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return clean


def refuse_locked_changes(record, changes: dict, channel: str) -> None:
    """ValidationError naming each locked field ``changes`` would alter (the sync may)."""
    if channel == Channel.SYNC:
        return
    states = field_states(record, changes.keys())
    errors = {}
    for name, new in changes.items():
        if states[name] is not FieldState.LOCKED:
            continue
        current = _current_value(record, name)
        if _comparable(current) != _comparable(new):
            errors[name] = LOCKED_MESSAGE
    if errors:
        raise ValidationError(errors)


_ID_LABELS = {
    "external_id": "External Assigned ID",
    "alt_external_id": "Alt External Assigned ID",
}


def unique_id_errors(record) -> tuple[set[str], dict[str, str]]:
    """The IDs of ``record`` that must be unique within its district: the fields asked (one
    query each) and, of those, the ones another record holds, with the friendly sentence."""
    model = type(record)
    noun = model._meta.verbose_name
    asked, errors = set(), {}
    for name, label in _ID_LABELS.items():
        value = getattr(record, name, None)
        if not value or not hasattr(record, "district_id") or record.district_id is None:
            continue
        asked.add(name)
        clash = model._default_manager.filter(district_id=record.district_id, **{name: value})
        if record.pk:
            clash = clash.exclude(pk=record.pk)
        if clash.exists():
            errors[name] = (
                f'Another {noun} in this district already has the {label} "{value}". '
                f"Each {noun} needs its own; check for a duplicate record."
            )
    return asked, errors
