"""Who owns each field of a roster record: the one answer every form, import, sync and admin uses.

A manual record's fields are all *local*. A synced record's fields are:

- *locked*: required by the sync. Changed only in the SIS; every other channel is refused.
- *shared*: optional fields this district chose to send. Editable, but the next sync puts
  the SIS value back.
- *local*: fields the sync does not send. Edits stay.
"""

from __future__ import annotations

from enum import StrEnum

from .models import ClassGroup, Educator, Organization, Origin, Student, SyncConfiguration
from .registry import KINDS, SyncRole


class FieldState(StrEnum):
    LOCKED = "locked"
    SHARED = "shared"
    LOCAL = "local"


# Both read from the field registry (rostering.registry), where each field's role is written.
# The fields the sync requires of each kind of record.
LOCKED_FIELDS: dict[str, frozenset[str]] = {
    name: kind.with_role(SyncRole.LOCKED) for name, kind in KINDS.items()
}
# Optional fields a district may choose to send; the choice is in SyncConfiguration.shared_fields.
SHAREABLE_FIELDS: dict[str, frozenset[str]] = {
    name: kind.with_role(SyncRole.SHAREABLE) for name, kind in KINDS.items()
}

_KINDS = {
    Student: "student",
    Educator: "educator",
    ClassGroup: "class_group",
    Organization: "organization",
}

LOCKED_MESSAGE = "Synced from your SIS: this must be changed in your SIS."
SHARED_MESSAGE = "Your SIS sends this field: the next sync will put back the SIS value."


def record_kind(record_or_model) -> str:
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    return _KINDS[model]


def shared_fields_of(district_id: int, kind: str) -> frozenset[str]:
    """The optional fields the district's SIS sends for ``kind`` (empty without a sync)."""
    config = SyncConfiguration.objects.filter(district_id=district_id).first()
    if config is None:
        return frozenset()
    return config.shared_for(kind) & SHAREABLE_FIELDS[kind]


def state_of(
    *, kind: str, origin: str, field: str, shared: frozenset[str] | None = None
) -> FieldState:
    """The state of ``field`` for a record of ``kind`` and ``origin``; pure, for bulk callers.

    ``shared`` is the district's shared fields for ``kind`` (see ``shared_fields_of``).
    """
    if origin != Origin.SYNCED:
        return FieldState.LOCAL
    if field in LOCKED_FIELDS[kind]:
        return FieldState.LOCKED
    if shared and field in shared:
        return FieldState.SHARED
    return FieldState.LOCAL


def field_state(record, field: str, *, shared: frozenset[str] | None = None) -> FieldState:
    """The state of one field of one record."""
    kind = record_kind(record)
    if shared is None and record.origin == Origin.SYNCED:
        shared = shared_fields_of(record.district_id, kind)
    return state_of(kind=kind, origin=record.origin, field=field, shared=shared)


def field_states(record, fields) -> dict[str, FieldState]:
    """States of several fields of one record, with one configuration lookup."""
    kind = record_kind(record)
    shared = (
        shared_fields_of(record.district_id, kind)
        if record.origin == Origin.SYNCED
        else frozenset()
    )
    return {
        name: state_of(kind=kind, origin=record.origin, field=name, shared=shared)
        for name in fields
    }


def locked_fields(record) -> frozenset[str]:
    if record.origin != Origin.SYNCED:
        return frozenset()
    return LOCKED_FIELDS[record_kind(record)]
