"""How the class/group, membership, product and organization services write: each turns its
checked change into a batch (rostering.engine.changes) and hands it to ``engine.apply``,
which writes it under the district's lock, in one transaction, with history for the record
and for memberships, product links and settings, naming the actor and the channel, exactly
as for an import. The services check; the engine writes.

A record's own create or update is a batch of one (``save_record``): the same checks as
``common.save_record`` (unique IDs in the district, ``full_clean``), then one create or update
through the engine; the record is re-read afterwards. Links and settings are batches of their
own items (``write``).
"""

from __future__ import annotations

from collections.abc import Callable

from rostering import engine
from rostering.engine import Batch, New
from rostering.models import ClassGroup, Educator, Organization, Student

from .common import check_unique_ids

KIND_OF = {
    ClassGroup: "class_group",
    Organization: "organization",
    Student: "student",
    Educator: "educator",
}
# Columns the engine fills itself: the key, the batch's district, the timestamps.
ENGINE_FILLED = frozenset({"id", "district_id", "created_at", "updated_at"})


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
    """Set ``changes`` (field name -> value) on ``record``, check it (unique IDs, full_clean)
    and write it through the engine: a create when it has no pk yet, else an update of the
    fields that differ (with none, the record and its history are still stamped, as a save
    was). ``also(batch, ref)`` adds what must be written with it in the same apply (a
    creator's membership; ``ref`` is the new record's, or its pk). Returns ``record``,
    re-read from the database."""
    model = type(record)
    kind = KIND_OF[model]
    before = {}
    for name, value in (changes or {}).items():
        attname = model._meta.get_field(name).attname
        before[attname] = getattr(record, attname)
        setattr(record, name, value)
    check_unique_ids(record)
    record.full_clean()
    batch = Batch()
    if record.pk is None:
        fields = {
            f.attname: getattr(record, f.attname)
            for f in model._meta.concrete_fields
            if f.attname not in ENGINE_FILLED
        }
        ref = batch.create(kind, fields)
    else:
        ref = record.pk
        changed = {n: v for n, v in before.items() if getattr(record, n) != v}
        batch.update(kind, record.pk, changed, {n: getattr(record, n) for n in changed})
    if also is not None:
        also(batch, ref)
    district = record.district_id or (record.pk if model is Organization else None)
    applied = engine.apply(batch, district=district, actor=actor, channel=channel)
    if record.pk is None:
        record.pk = next(
            item["pk"]
            for item in applied.records
            if item["op"] == "create" and item["kind"] == kind
        )
        record._state.adding = False
    record.refresh_from_db()
    return record
