"""The engine's one writer: apply a checked batch under the district's lock, in one
transaction, with set-based writes, history for records and for links and settings.

``apply`` returns what it changed, item by item with before and after (``Applied``), compact
enough to keep as JSON on an import job: undo (``rostering.engine.undo``) builds its inverse
from it. The batch is checked already (the channel's checker); this module only writes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from rostering import link_history
from rostering.history import audit, reference
from rostering.locks import lock_district
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Organization,
    Origin,
    Student,
    StudentProduct,
)
from rostering.models import StudentProductSetting as SettingValue

from . import people, sql
from .changes import KINDS, Batch, New

MODELS: dict[str, type[models.Model]] = {
    "student": Student,
    "educator": Educator,
    "class_group": ClassGroup,
    "organization": Organization,
}
# link name -> (table, owner column, other column, whether the table keeps an origin)
LINK_TABLES = {
    "student_school": (Student.schools.through, "student_id", "organization_id", False),
    "educator_school": (Educator.organizations.through, "educator_id", "organization_id", False),
    "class_student": (ClassStudent, "class_group_id", "student_id", True),
    "class_educator": (ClassEducator, "class_group_id", "educator_id", True),
    "class_product": (ClassProduct, "class_group_id", "product_id", True),
    "student_product": (StudentProduct, "student_id", "product_id", True),
}
LINK_BLOCK = 100_000  # link changes written at a time when not kept (a sync)
# Kept out of the applied list of a create: long, and never what a person edits by hand.
NOT_KEPT = frozenset({"password_encrypted", "user_id", "district_id", "origin"})


@dataclass
class Applied:
    """What ``apply`` changed. ``records``: {"op": "create" | "update" | "delete", "kind",
    "pk", "before", "after"}; ``links``: {link: {"added": [[owner, other, origin]],
    "removed": [[owner, other, origin]]}} (``link_items`` reads them one by one);
    ``settings``: [student, setting, before, after]; ``users``: portal users created;
    ``origins``: [link, owner, other, origin before, origin after] of links taken over."""

    records: list[dict] = field(default_factory=list)
    links: dict[str, dict[str, list]] = field(default_factory=dict)
    settings: list[list] = field(default_factory=list)
    users: list[int] = field(default_factory=list)
    origins: list[list] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "version": 2,
            "records": self.records,
            "links": self.links,
            "settings": self.settings,
            "users": self.users,
            "origins": self.origins,
        }

    def extend(self, other: Applied) -> None:
        self.records += other.records
        for name, changes in other.links.items():
            mine = self.links.setdefault(name, {"added": [], "removed": []})
            mine["added"] += changes["added"]
            mine["removed"] += changes["removed"]
        self.settings += other.settings
        self.users += other.users
        self.origins += other.origins

    def __len__(self) -> int:
        links = sum(len(c["added"]) + len(c["removed"]) for c in self.links.values())
        return len(self.records) + links + len(self.settings) + len(self.origins)


def link_items(applied: dict):
    """(link, added, owner, other, origin) for each link change of an ``Applied.as_json()``."""
    for name, changes in (applied.get("links") or {}).items():
        for owner, other, origin in changes["added"]:
            yield name, True, owner, other, origin
        for owner, other, origin in changes["removed"]:
            yield name, False, owner, other, origin


def apply(batch: Batch, *, district, actor, channel, job=None, keep: bool = True) -> Applied:
    """Write ``batch`` for ``district``; ``actor`` and ``channel`` stamp every history row.
    ``district`` None: a batch that creates a district (its one organization create keeps no
    district; there is nothing to lock yet). ``keep`` False: a caller that keeps its own
    account of the changes (the sync's run changes) gets an applied list without its records
    and links (users, settings and origins stay), so a large first sync does not hold a
    second copy of every row it creates while it writes; its batch is used up as it is
    written (each create's fields and every link change let go once in the rows written)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    named = reference(f"import job {job.pk}") if job is not None else nullcontext()
    with transaction.atomic(), audit(actor=actor, channel=channel), named, sql.paused_gc():
        district_id = None if district is None else lock_district(district)
        writer = _Writer(district_id, user, str(channel), keep=keep)
        writer.creates(batch)
        writer.updates(batch)
        writer.sign_in_passwords(batch)
        writer.links(batch)
        writer.origins(batch)
        writer.settings(batch)
        writer.deletes(batch)
    return writer.applied


_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value):
    """A value as JSON keeps it."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


class _Writer:
    def __init__(self, district_id: int, user, channel: str, *, keep: bool = True):
        self.district_id, self.user, self.channel = district_id, user, channel
        self.keep = keep
        self.ids: dict[New, int] = {}
        self.applied = Applied()
        self.now = timezone.now()

    def pk(self, value):
        return self.ids[value] if type(value) is New else value

    # ---- records ---------------------------------------------------------------------------

    def creates(self, batch: Batch) -> None:
        by_kind = defaultdict(list)
        for item in batch.creates:
            by_kind[item.kind].append(item)
        for kind in KINDS:
            items = by_kind.get(kind)
            if items:
                self._create(kind, items)

    def _create(self, kind: str, items: list) -> None:
        model = MODELS[kind]
        attnames: dict[str, str] = {}  # each field name looked up once, not once per value
        for item in items:
            for name in item.fields:
                if name not in attnames:
                    attnames[name] = _attname(model, name)
        names = sorted(set(attnames.values()))
        later: list[tuple[int, str, New]] = []  # (row, column, a record of this same step)
        made = self.ids
        columns = [name for name in names if name != "district_id"]  # always the batch's
        blank = {name: _field(model, name).get_default() for name in columns}

        def values_of(index: int, item) -> dict:
            values = {}
            for name, value in item.fields.items():
                name = attnames[name]
                if type(value) is New:
                    if value in made:
                        value = made[value]
                    else:  # an organization's parent made in this same step: set below
                        later.append((index, name, value))
                        value = self.district_id
                values[name] = value
            return values

        rows: list[dict] = []
        if not self.keep and kind != "educator":
            # Not kept, and no portal users to make from them: each row goes to the database
            # as it is built and its item's fields are let go, never a list of every row.
            def stream():
                for index, item in enumerate(items):
                    values = values_of(index, item)
                    item.fields = None
                    yield (self.district_id, *(values.get(n, blank[n]) for n in columns))

            ids = _insert(model, ["district_id", *columns], stream(), len(items))
        else:
            rows = [values_of(index, item) for index, item in enumerate(items)]
            if kind == "educator":
                self.applied.users += people.new_users(rows)
                columns = sorted({*columns, "user_id"})
                blank["user_id"] = _field(model, "user_id").get_default()
            ordered = [(self.district_id, *(r.get(n, blank[n]) for n in columns)) for r in rows]
            if not self.keep:
                rows.clear()  # not the applied "after": one copy of the rows while written
            ids = _insert(model, ["district_id", *columns], ordered, len(ordered))
            del ordered
        for item, pk in zip(items, ids, strict=True):
            made[item.ref] = pk
        for name in sorted({name for _i, name, _v in later}):
            pending = [(index, value) for index, n, value in later if n == name]
            sql.update(model, [name], [(ids[index], made[value]) for index, value in pending])
            for index, value in pending if self.keep else ():
                rows[index][name] = made[value]
        sql.history_of_rows(model, ids, update=False, user=self.user, channel=self.channel)
        if not self.keep:
            return
        records, as_is = self.applied.records, _AS_IS
        kept_out = [name for name in NOT_KEPT if name in columns]
        for row, pk in zip(rows, ids, strict=True):  # the rows become the applied "after"
            for name in kept_out:
                row.pop(name, None)
            if any(type(v) not in as_is for v in row.values()):
                row = {n: plain(v) for n, v in row.items()}
            records.append({"op": "create", "kind": kind, "pk": pk, "after": row})

    def updates(self, batch: Batch) -> None:
        by_kind: dict[str, list] = defaultdict(list)
        for item in batch.updates:
            by_kind[item.kind].append(item)
        ids, records = self.ids, self.applied.records
        for kind, items in by_kind.items():
            model = MODELS[kind]
            changes = []
            for item in items:
                after = {}
                for name, value in item.after.items():
                    after[_attname(model, name)] = ids[value] if type(value) is New else value
                changes.append((item.pk, after))
                if not self.keep:
                    continue
                before = {_attname(model, n): plain(v) for n, v in item.before.items()}
                records.append(
                    {
                        "op": "update",
                        "kind": kind,
                        "pk": item.pk,
                        "before": before,
                        "after": {n: plain(v) for n, v in after.items()},
                    }
                )
            sql.update_each(model, changes, updated_at=self.now)
            pks = [item.pk for item in items]
            if kind == "educator":
                self.applied.users += people.follow_educators(pks)
            sql.history_of_rows(model, pks, update=True, user=self.user, channel=self.channel)

    def sign_in_passwords(self, batch: Batch) -> None:
        """Passwords for educators' portal sign-ins (after creates and updates: their users
        exist by then); never kept in the applied list."""
        if batch.sign_in_passwords:
            people.set_passwords([(self.pk(e), raw) for e, raw in batch.sign_in_passwords])

    def deletes(self, batch: Batch) -> None:
        by_kind = defaultdict(list)
        for item in batch.deletes:
            by_kind[item.kind].append(item.pk)
        for kind in reversed(KINDS):
            ids = by_kind.get(kind)
            if not ids:
                continue
            if kind == "organization":  # they may sit below one another: lift them first
                Organization.objects.filter(pk__in=ids).update(parent_id=self.district_id)
            link_history.record_deleted(MODELS[kind], ids)  # the links the rows take along
            sql.delete_records(MODELS[kind], ids, user=self.user, channel=self.channel)
            if self.keep:
                self.applied.records += [{"op": "delete", "kind": kind, "pk": pk} for pk in ids]
        if batch.users_to_delete:
            people.delete_users(batch.users_to_delete)

    # ---- links and settings ----------------------------------------------------------------

    def links(self, batch: Batch) -> None:
        adds: dict[str, list] = defaultdict(list)
        removes: dict[str, list] = defaultdict(list)
        ids, waiting = self.ids, 0
        for item in self._link_items(batch):
            owner, other = item.owner, item.other
            if type(owner) is New:
                owner = ids[owner]
            if type(other) is New:
                other = ids[other]
            (adds if item.added else removes)[item.link].append((owner, other, item.origin))
            waiting += item.added
            if waiting == LINK_BLOCK and not self.keep:
                # Not kept (a sync): written a block at a time, so a first sync's 800,000
                # memberships are never all held as pairs (about 70 MB at 200,000 students).
                self._write_links(removes, adds)
                waiting = 0
        for name in adds.keys() | removes.keys() if self.keep else ():  # the same tuples
            self.applied.links[name] = {
                "added": adds.get(name, []),
                "removed": removes.get(name, []),
            }
        self._write_links(removes, adds)

    def _write_links(self, removes: dict[str, list], adds: dict[str, list]) -> None:
        """Delete the ``removes`` and insert the ``adds`` (link name -> pairs), with their
        history; each list is let go once written."""
        for name in LINK_TABLES:
            model, first, second, keeps_origin = LINK_TABLES[name]
            gone, new = removes.pop(name, []), adds.pop(name, [])
            if not gone and not new:
                continue
            sql.delete_pairs(model, first, second, gone)
            names = [first, second, "origin"] if keeps_origin else [first, second]
            if sql.postgres():
                # The ids go once, as arrays; the database builds the link rows and their
                # history from them (tens of thousands of rows, none through Python).
                stamp = link_history.now_stamp()
                log = link_history.pairs_log(model, first, second, added=True, stamp=stamp)
                sql.insert_pairs(model, names, new, then=log)
                log = link_history.pairs_log(model, first, second, added=False, stamp=stamp)
                sql.with_pairs(gone, log)
                continue
            sql.insert(model, names, new if keeps_origin else [(a, b) for a, b, _o in new])
            link_history.record_pairs(model, first, second, added=new, removed=gone)

    def _link_items(self, batch: Batch):
        """The batch's link changes, then its feeds'. Not kept (a sync): each chunk leaves
        ``batch.links`` as it is read, so a first sync's links are never held both as changes
        and as the pairs written."""
        yield from batch.links if self.keep else sql.drained(batch.links)
        for feed in batch.link_feeds:
            yield from feed

    def origins(self, batch: Batch) -> None:
        """Links taken over: their origin changes (no link history: the link stays)."""
        by_link: dict[str, dict[tuple, str]] = defaultdict(dict)
        for item in batch.origins:
            by_link[item.link][(item.owner, item.other)] = item.origin
        for name, wanted in by_link.items():
            model, first, second, _keeps_origin = LINK_TABLES[name]
            owners = sorted({owner for owner, _other in wanted})
            rows = []
            for start in range(0, len(owners), sql.CHUNK):
                found = model.objects.filter(**{f"{first}__in": owners[start : start + sql.CHUNK]})
                for pk, owner, other, origin in sql.fetch(
                    found.values_list("pk", first, second, "origin")
                ):
                    new = wanted.get((owner, other))
                    if new is not None and new != origin:
                        rows.append((pk, new))
                        self.applied.origins.append([name, owner, other, origin, new])
            sql.update(model, ["origin"], rows)

    def settings(self, batch: Batch) -> None:
        if not batch.settings:
            return
        for synced in (False, True):
            items = [item for item in batch.settings if item.synced is synced]
            if items:
                self._settings(items, synced)

    def _settings(self, items: list, synced: bool) -> None:
        fresh, known = [], []
        for item in items:
            change = (self.pk(item.student), item.setting, item.before, item.after)
            (fresh if isinstance(item.student, New) else known).append(change)
            self.applied.settings.append(list(change))
        sql.insert(
            SettingValue,
            ["student_id", "setting_id", "value", *(SYNCED_SETTING if synced else ())],
            [
                (s, k, after, *((after, SYNCED) if synced else ()))
                for s, k, _b, after in fresh
                if after is not None
            ],
        )
        _set_settings(known, self.now, synced=synced)
        link_history.record_settings(fresh + known)


# A setting the SIS sent: its row also keeps the SIS's value and says it is synced.
SYNCED_SETTING = ("sis_value", "origin")
SYNCED = str(Origin.SYNCED)


def _set_settings(items: list[tuple], now, *, synced: bool = False) -> None:
    """Set, or with None clear, product setting values of students that exist already
    (``synced``: the SIS's values, kept as ``sis_value`` too, the rows' origin synced)."""
    if not items:
        return
    students = sorted({student for student, *_rest in items})
    existing = {}
    for start in range(0, len(students), sql.CHUNK):
        rows = sql.among(SettingValue.objects, "student_id", students[start : start + sql.CHUNK])
        for pk, student, setting in sql.fetch(rows.values_list("pk", "student_id", "setting_id")):
            existing[(student, setting)] = pk
    creates, updates, deletes = [], [], []
    for student, setting, _before, after in items:
        pk = existing.get((student, setting))
        if after is None:
            if pk:
                deletes.append(pk)
        elif pk:
            updates.append((pk, after, now, *((after, SYNCED) if synced else ())))
        else:
            creates.append((student, setting, after, *((after, SYNCED) if synced else ())))
    extra = SYNCED_SETTING if synced else ()
    sql.delete_ids(SettingValue, deletes)
    sql.update(SettingValue, ["value", "updated_at", *extra], updates)
    sql.insert(SettingValue, ["student_id", "setting_id", "value", *extra], creates)


def _field(model, attname: str) -> models.Field:
    return next(f for f in model._meta.concrete_fields if f.attname == attname)


_ATTNAMES: dict[tuple, str] = {}


def _attname(model, name: str) -> str:
    key = (model, name)
    found = _ATTNAMES.get(key)
    if found is None:
        found = _ATTNAMES[key] = model._meta.get_field(name).attname
    return found


def _insert(model, columns: list[str], rows: Iterable[tuple], count: int) -> list[int]:
    """Insert the ``count`` ``rows`` (values of ``columns``, attnames, read once); their new
    primary keys, in order."""
    ids = sql.allocate_ids(model, count)
    sql.insert(model, ["id", *columns], ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
    return ids
