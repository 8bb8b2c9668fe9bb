"""A service's write as a batch of one handed to the engine: the services check, the engine
writes (rostering.engine.apply: the district lock, one transaction, history of the record and
of its links with the actor and channel, an educator's portal sign-in kept in step).

``check_record`` is the model-level check a save used to run (IDs unique in the district,
``full_clean``: lengths, choices, the username index); ``create`` and ``update`` hand the
checked record over and re-read it, so a service still returns the saved instance.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from rostering import engine
from rostering.engine import Batch

from .common import check_unique_ids

# Columns a create leaves to the engine: the batch's district, the timestamps it stamps.
_ENGINE_FILLS = frozenset({"district", "created_at", "updated_at"})


def check_record(record: models.Model) -> None:
    """ValidationError, by field, for what the model refuses of ``record`` as it stands."""
    check_unique_ids(record)
    record.full_clean()


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
