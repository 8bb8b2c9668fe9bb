"""How every service writes: it checks, then hands its change to the engine as a batch
(rostering.engine.apply: the district lock, one transaction, history of the record and of its
memberships, product links and settings with the actor and channel, an educator's portal
sign-in kept in step), exactly as an import does. The services check; the engine writes.

``check_record`` is the model-level check a save used to run (IDs unique in the district,
``full_clean``: lengths, choices, the username index). A student's or educator's create or
update with its schools is ``create`` / ``update``; a class/group's or an organization's is
``save_record``; links and settings alone are ``write``. Each re-reads the record, so a service
still returns the saved instance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from rostering import engine
from rostering.engine import Batch, New
from rostering.engine.changes import LinkChange
from rostering.models import ClassGroup, Educator, Organization, Student

from .common import unique_id_errors

KIND_OF = {
    ClassGroup: "class_group",
    Organization: "organization",
    Student: "student",
    Educator: "educator",
}

# Columns a create leaves to the engine: the batch's district, the timestamps it stamps.
_ENGINE_FILLS = frozenset({"district", "created_at", "updated_at"})


def check_record(record: models.Model) -> None:
    """ValidationError, by field, for what the model refuses of ``record`` as it stands.

    Each rule is asked once: the IDs unique in the district by ``unique_id_errors`` (its
    sentence), so ``full_clean`` leaves out their constraints; and an existing record's
    district and sign-in (``_KEPT_LINKS``), which no service changes, are not looked up
    again."""
    asked, id_errors = unique_id_errors(record)
    errors = _field_errors(record, validate_unique=True)
    skip = asked | {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        record.validate_constraints(exclude=skip)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for name, message in id_errors.items():
        errors[name] = [message]
    if errors:
        raise ValidationError(errors)


def stored_record_errors(record: models.Model) -> dict:
    """``check_record``'s verdict on a stored ``record`` saved with no field changed (a
    status flipped), without a query, so a bulk action asks it of every record at once: its
    values as the current rules see them (an email or grade they now refuse, a length). What
    needs a query holds already: its IDs and username are unique under the tables' unique
    indexes, its district is its own; every record it points to (a class/group's school, an
    organization's parent) exists under the tables' foreign keys, and its place in the tree
    (``Organization.clean``) is not what a status flip changes, so only its fields' values
    are asked. {field: [messages]}, empty when it passes."""
    links = {f.name for f in record._meta.concrete_fields if f.many_to_one or f.one_to_one}
    try:
        record.clean_fields(exclude=links)
    except ValidationError as exc:
        return exc.update_error_dict({})
    return {}


# Links of a stored record no service changes, so its save does not look them up again: its
# district, and an educator's portal sign-in (the engine keeps it in step: engine/people.py).
_KEPT_LINKS = ("district", "user")


def _field_errors(record: models.Model, *, validate_unique: bool) -> dict:
    exclude = set()
    if record.pk is not None:
        exclude = {name for name in _KEPT_LINKS if hasattr(record, f"{name}_id")}
    try:
        record.full_clean(
            exclude=exclude, validate_unique=validate_unique, validate_constraints=False
        )
    except ValidationError as exc:
        return exc.update_error_dict({})
    return {}


def _fields_of_new(record: models.Model) -> dict:
    return {
        f.name: getattr(record, f.attname)
        for f in record._meta.concrete_fields
        if not f.primary_key and f.name not in _ENGINE_FILLS
    }


def _reread(record: models.Model, pk: int) -> None:
    record.pk = pk
    record._state.adding = False
    record.refresh_from_db()  # also drops prefetched links, which the batch may have changed


def create(
    kind: str,
    record: models.Model,
    *,
    district,
    actor,
    channel: str,
    links: dict[str, Iterable[int]] | None = None,
    sign_in_password: str | None = None,
) -> None:
    """Create the checked, unsaved ``record`` (an engine kind) with its ``links`` ({link name of
    engine.changes.LINKS: ids of the other records}); ``record`` is then the saved row."""
    batch = Batch()
    ref = batch.create(kind, _fields_of_new(record))
    for link, others in (links or {}).items():
        batch.relink(link, ref, set(), set(others))
    if sign_in_password:
        batch.sign_in_passwords.append((ref, sign_in_password))
    applied = engine.apply(batch, district=district, actor=actor, channel=channel)
    pk = next(r["pk"] for r in applied.records if r["op"] == "create" and r["kind"] == kind)
    _reread(record, pk)


def update(
    kind: str,
    record: models.Model,
    before: dict,
    *,
    actor,
    channel: str,
    links: dict[str, tuple[set[int], set[int]]] | None = None,
    sign_in_password: str | None = None,
) -> None:
    """Write ``record``'s checked new values of the fields named in ``before`` ({field: value
    before the change}; the unchanged ones are left out) and its ``links`` ({link: (ids now,
    ids wanted)}); ``record`` is then re-read. Even with nothing changed the record's history
    gets a row, as a save wrote one."""
    after = {name: getattr(record, name) for name in before}
    changed = [name for name in before if before[name] != after[name]]
    batch = Batch()
    batch.update(
        kind,
        record.pk,
        {name: before[name] for name in changed},
        {name: after[name] for name in changed},
    )
    for link, (old, new) in (links or {}).items():
        batch.relink(link, record.pk, set(old), set(new))
    if sign_in_password:
        batch.sign_in_passwords.append((record.pk, sign_in_password))
    engine.apply(batch, district=record.district_id, actor=actor, channel=channel)
    _reread(record, record.pk)


def write(batch: Batch, *, district, actor, channel: str) -> engine.Applied:
    """``engine.apply`` of ``batch`` for ``district`` (an Organization or its pk); an empty
    batch writes nothing (no history either)."""
    if not len(batch):
        return engine.Applied()
    return engine.apply(batch, district=district, actor=actor, channel=channel)


def save_record(
    record,
    *,
    actor,
    channel: str,
    changes: dict | None = None,
    also: Callable[[Batch, int | New], None] | None = None,
):
    """Set ``changes`` (field name -> value) on ``record``, check it (``check_record``) and
    write it through the engine: a create when it has no pk yet, else an update of the fields
    that differ (with none, the record and its history are still stamped, as a save was).
    ``also(batch, ref)`` adds what must be written with it in the same apply (a creator's
    membership; ``ref`` is the new record's, or its pk). Returns ``record``, re-read."""
    model = type(record)
    kind = KIND_OF[model]
    before = {}
    for name, value in (changes or {}).items():
        attname = model._meta.get_field(name).attname
        before[attname] = getattr(record, attname)
        setattr(record, name, value)
    check_record(record)
    batch = Batch()
    creating = record.pk is None
    if creating:
        ref = batch.create(kind, _fields_of_new(record))
    else:
        ref = record.pk
        changed = {n: v for n, v in before.items() if getattr(record, n) != v}
        batch.update(kind, record.pk, changed, {n: getattr(record, n) for n in changed})
    if also is not None:
        also(batch, ref)
    district = record.district_id or (record.pk if model is Organization else None)
    applied = engine.apply(batch, district=district, actor=actor, channel=channel)
    if creating:
        ref = next(r["pk"] for r in applied.records if r["op"] == "create" and r["kind"] == kind)
    _reread(record, ref)
    return record


def remove_link(link: str, owner, other_pk: int, rows, *, actor, channel: str) -> bool:
    """Remove ``owner``'s ``link`` (a key of engine.changes.LINKS) to ``other_pk`` through the
    engine, keeping the origin it had (``rows``: the link's row, as a queryset). False when
    there was no such link."""
    origin = rows.values_list("origin", flat=True).first()
    if origin is None:
        return False
    batch = Batch()
    batch.links.append(LinkChange(link, owner.pk, other_pk, False, origin))
    write(batch, district=owner.district_id, actor=actor, channel=channel)
    return True
