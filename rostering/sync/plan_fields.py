"""What the sync plan fills for each kind, and the registry's verdict on the values it offers
(shared by the planner's phases, rostering.sync.plan)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from rostering import registry

# The fields the sync can fill for each kind (the registry's fields with a sync role, but the
# rosters, which memberships set); ownership says which of them it writes.
PRODUCIBLE = {
    kind: tuple(f.name for f in registry.KINDS[kind].fields if f.sync and not f.many)
    for kind in ("student", "educator", "class_group")
}
ATTNAME = {"school": "school_id"}


def _refused(kind: registry.Kind, values: dict) -> tuple[str, str]:
    """The registry's message on the first value it refuses (normalising ``values`` in place)
    and that value's field name, or ("", "")."""
    fields = kind.by_name  # Field.check straight away: a sync checks 300,000 values
    for name, value in values.items():
        if isinstance(value, str) and value:
            spec = fields.get(name)
            if spec is None:
                continue  # a field the registry does not know passes as it is
            try:
                values[name] = spec.check(value)
            except ValidationError as exc:
                return exc.messages[0], name
    return "", ""
