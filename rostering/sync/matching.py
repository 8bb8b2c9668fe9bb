"""Matching SIS records to the district's existing records, and what would change for each.

One function, ``plan_records``, serves students, educators and classes/groups: it finds the
existing record of each incoming SIS record (by sourcedId the sync saw before, then Username,
External Assigned ID, Alt External Assigned ID), reports conflicts, and decides create / take
over / update / unchanged / deactivate. Pure Python over records loaded once: no queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

from rostering import usernames
from rostering.models import Origin

from .passwords import FIELD as PASSWORD
from .passwords import shown

# Fields compared to match a SIS record with an existing one (DESIGN.md rule 2). Usernames
# are compared ignoring case: an Incoming's match_keys hold usernames.key(username).
MATCH_FIELDS = ("username", "external_id", "alt_external_id")
# How a plan and a run name the identifier a take-over matched by.
MATCHED_BY_LABELS = {
    "sis_sourced_id": "sourcedId",
    "username": "Username",
    "external_id": "External Assigned ID",
    "alt_external_id": "Alt External Assigned ID",
}
_NOTHING: frozenset = frozenset()
# What a create changes: one shared, read-only mapping, not an empty dict each (13 MB over a
# 200,000-student district). A phase that adds a change to such a record gives it a dict of
# its own (rostering.sync.passwords).
NO_CHANGES = MappingProxyType({})
_MATCHED_BY: dict[tuple[str, ...], tuple[str, ...]] = {}  # the few combinations, shared


@dataclass(slots=True)
class Incoming:
    """What the SIS says one record should be (only the fields the sync writes)."""

    sourced_id: str
    file: str
    row: int
    label: str
    values: dict  # attname -> value
    sis_values: dict  # shared field -> SIS value
    related: frozenset[int] | None = None  # schools / organizations, None for classes
    active: bool = True
    match_keys: dict = field(default_factory=dict)  # MATCH_FIELDS -> value (username: its key)


@dataclass(slots=True)
class Change:
    kind: str
    action: str  # create | claim | update | deactivate (unchanged: KindPlan.unchanged)
    sourced_id: str
    label: str
    record: object  # the model instance (new and unsaved for "create")
    # attname -> (old, new)
    changes: dict | MappingProxyType = field(default_factory=lambda: NO_CHANGES)
    related_add: frozenset[int] = frozenset()
    related_remove: frozenset[int] = frozenset()
    matched_by: tuple[str, ...] = ()  # MATCHED_BY_LABELS keys that found the record

    def as_dict(self) -> dict:
        data = {"kind": self.kind, "sourced_id": self.sourced_id, "label": self.label}
        if self.matched_by and self.action == "claim":
            data["matched_by"] = [MATCHED_BY_LABELS[name] for name in self.matched_by]
        if self.changes:
            data["changes"] = {
                name: shown(old, new) if name == PASSWORD else [_show(old), _show(new)]
                for name, (old, new) in self.changes.items()
            }
        if self.related_add or self.related_remove:
            data["organizations"] = {
                "added": sorted(self.related_add),
                "removed": sorted(self.related_remove),
            }
        return data


def _show(value):
    return "" if value is None else value


@dataclass
class KindPlan:
    kind: str
    changes: list[Change] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    by_sourced_id: dict[str, object] = field(default_factory=dict)  # SIS id -> record
    protected_ids: set[int] = field(default_factory=set)  # records in conflicts
    # Records the snapshot leaves as they are (most of a large district): the record alone,
    # no Change each; its SIS sourcedId is the record's own.
    unchanged: list = field(default_factory=list)

    def count(self, action: str) -> int:
        found = sum(1 for c in self.changes if c.action == action)
        return found + len(self.unchanged) if action == "unchanged" else found

    @staticmethod
    def label_of(record) -> str:
        """How a problem names a record that has no Change (an unchanged one)."""
        return _describe(record)

    def updated(self, record, changes: dict) -> Change:
        """An unchanged record that a later phase changes (a new SIS password): an update
        now. The caller takes it out of ``unchanged``."""
        label = _describe(record)
        change = Change(self.kind, "update", record.sis_sourced_id, label, record, changes)
        self.changes.append(change)
        return change


def _same(old, new) -> bool:
    if old in ("", None) and new in ("", None):
        return True
    return old == new


def plan_records(
    *,
    kind: str,
    model,
    incoming: Iterable[Incoming],
    existing: list,
    related_of: dict[int, set[int]] | None,
    absent_means_gone: bool,
    keep_sourced_ids: set[str],
    noun: str,
    make_record,
    kept_sis_values: frozenset[str] = frozenset(),
) -> KindPlan:
    """Plan one kind of record. ``existing`` are the district's records of ``model``;
    ``related_of`` their current schools/organizations; ``keep_sourced_ids`` SIS records that
    could not be read (never deactivated for being absent); ``make_record(incoming)`` builds
    an unsaved instance; ``kept_sis_values`` the shared fields this snapshot does not send,
    whose stored SIS values stay as the last snapshot that sent them left them."""
    plan = KindPlan(kind)
    indexes: dict[str, dict] = {"sis_sourced_id": {}}
    for name in MATCH_FIELDS:
        indexes[name] = {}
    for record in existing:
        if record.sis_sourced_id:
            indexes["sis_sourced_id"][record.sis_sourced_id] = record
        for name in MATCH_FIELDS:
            value = getattr(record, name, None)
            if value:
                indexes[name][usernames.key(value) if name == "username" else value] = record
    claimed_by: dict[int, str] = {}
    by_sourced_id = indexes["sis_sourced_id"]

    for item in incoming:
        candidates: dict[int, object] = {}
        matched_by: list[str] = []  # which identifiers found the (one) record
        found = by_sourced_id.get(item.sourced_id)
        if found is not None:
            candidates[found.id] = found
            matched_by.append("sis_sourced_id")
        for name, value in item.match_keys.items():
            found = indexes[name].get(value) if value else None
            if found is not None:
                candidates[found.id] = found
                matched_by.append(name)
        if len(candidates) > 1:
            plan.protected_ids.update(candidates)
            names = "; ".join(_describe(r) for r in candidates.values())
            plan.errors.append(
                {
                    "file": item.file,
                    "row": item.row,
                    "record": item.sourced_id,
                    "message": f"{item.label} matches {len(candidates)} different {noun}: "
                    f"{names}. Nothing was changed for it; fix the duplicate in the portal or "
                    "the SIS.",
                }
            )
            continue
        record = next(iter(candidates.values()), None)
        if record is not None and record.id in claimed_by:
            plan.protected_ids.add(record.pk)
            plan.errors.append(
                {
                    "file": item.file,
                    "row": item.row,
                    "record": item.sourced_id,
                    "message": f"{item.label} matches {_describe(record)}, which SIS record "
                    f"{claimed_by[record.pk]} already matched. Nothing was changed for it.",
                }
            )
            continue
        if record is None:
            if item.active:
                new = make_record(item)
                plan.changes.append(
                    Change(
                        kind,
                        "create",
                        item.sourced_id,
                        item.label,
                        new,
                        related_add=item.related or frozenset(),
                    )
                )
                plan.by_sourced_id[item.sourced_id] = new
            continue
        claimed_by[record.id] = item.sourced_id
        if record.origin != Origin.SYNCED and not item.active:
            # A manual record is never deactivated by a sync, nor taken over to be removed.
            continue
        plan.by_sourced_id[item.sourced_id] = record
        changes = {}
        for name, value in item.values.items():
            old = getattr(record, name)
            if old != value and not _same(old, value):  # equal values: the common case
                changes[name] = (old, value)
        if record.sis_sourced_id != item.sourced_id:
            changes["sis_sourced_id"] = (record.sis_sourced_id, item.sourced_id)
        sis_values = item.sis_values
        if kept_sis_values and record.sis_values:
            kept = {k: v for k, v in record.sis_values.items() if k in kept_sis_values}
            sis_values = {**sis_values, **kept} if kept else sis_values
        if (record.sis_values or {}) != sis_values:
            changes["sis_values"] = (record.sis_values, sis_values)
        add = remove = _NOTHING
        if item.related is not None and related_of is not None:
            current = related_of.get(record.pk, _NOTHING)
            if current != item.related:  # most records keep their schools: nothing to work out
                # Share one empty set rather than two each.
                add = frozenset(item.related - current) or _NOTHING
                remove = frozenset(current - item.related) or _NOTHING
        if record.origin != Origin.SYNCED:
            changes["origin"] = (record.origin, Origin.SYNCED)
            action = "claim"
            if matched_by == ["username"] and "external_id" in changes and record.external_id:
                plan.warnings.append(_username_only(item, record, noun))
        elif not item.active and record.is_active:
            action = "deactivate"
        elif changes or add or remove:
            action = "update"
        else:
            plan.unchanged.append(record)  # no Change (KindPlan.unchanged)
            continue
        matched = tuple(matched_by)
        plan.changes.append(
            Change(
                kind,
                action,
                item.sourced_id,
                item.label,
                record,
                changes or NO_CHANGES,
                add,
                remove,
                _MATCHED_BY.setdefault(matched, matched),
            )
        )

    if absent_means_gone:
        for record in existing:
            if (
                record.origin == Origin.SYNCED
                and record.is_active
                and record.pk not in claimed_by
                and record.pk not in plan.protected_ids
                and record.sis_sourced_id not in keep_sourced_ids
            ):
                plan.changes.append(
                    Change(
                        kind,
                        "deactivate",
                        record.sis_sourced_id or "",
                        _describe(record),
                        record,
                        {"is_active": (True, False)},
                    )
                )
    return plan


def _username_only(item: Incoming, record, noun: str) -> dict:
    """A take-over by username alone of a record whose Student ID (External Assigned ID) the
    SIS would change: perhaps two people sharing a username, so say it before it is applied."""
    old, new = record.external_id, item.values.get("external_id") or "(blank)"
    return {
        "file": item.file,
        "row": item.row,
        "record": item.sourced_id,
        "field": "username",
        "message": f"{item.label} takes over {_describe(record)} by username alone, but its "
        f'External Assigned ID is "{old}" and the SIS sends "{new}". Check they are the same '
        f"person; if not, change one of the {noun}' usernames before applying.",
    }


def _describe(record) -> str:
    username = getattr(record, "username", None)
    name = str(record)
    return f"{name} ({username})" if username else f"{name} (ID {record.external_id or '-'})"
