"""The sync's plan as a batch of the engine (rostering.engine), which writes it.

``apply_plan`` is the sync's hand-over: the plan (rostering.sync.plan) decided what changes,
as ``rostering.ownership`` allows; this module only translates it, and the engine writes it
under the district's lock with history (channel "sync") for records, memberships, product
links and settings. Every item names its SIS sourcedId. The plan names link rows it removes
by primary key: their pairs are read in a fixed number of queries per thousands of rows.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from rostering import engine
from rostering.engine import Batch, New, Source
from rostering.engine.changes import LinkChange, LinkOrigin, SettingChange
from rostering.engine.sql import CHUNK, drained, fetch
from rostering.history import Channel
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Origin,
    Student,
    StudentProductSetting,
)

from .plan import Plan

SYNCED = str(Origin.SYNCED)
MODELS = {"student": Student, "educator": Educator, "class_group": ClassGroup}
SCHOOLS = {"student": "student_school", "educator": "educator_school"}
# Columns a new record does not take from its planned instance: the engine sets them.
NOT_COPIED = frozenset({"id", "district_id", "user_id", "created_at", "updated_at"})
_QUIET = ("create", "unchanged")


def apply_plan(plan: Plan, *, actor=None) -> engine.Applied:
    """Write ``plan`` through the engine (called inside the run's transaction)."""
    plan.keep_counts()  # the translation drains the plan's lists of additions
    batch = to_batch(plan)
    plan.release_instances()  # the batch holds what is written: the instances may go
    # The run keeps its own account of what changed (rostering.sync.run_changes).
    return engine.apply(
        batch, district=plan.district, actor=actor, channel=Channel.SYNC, keep=False
    )


def to_batch(plan: Plan) -> Batch:
    return _Translator(plan).batch


class _Translator:
    def __init__(self, plan: Plan) -> None:
        self.plan, self.batch = plan, Batch()
        self.district_id = plan.district.pk
        self.now = timezone.now()
        self.new_orgs: dict[int, New] = {}  # the plan's negative key of a new org -> its ref
        self.refs: dict[int, New] = {}  # id() of a planned new record -> its ref
        self.orgs()
        for kind in ("student", "educator", "class_group"):
            if kind in plan.kinds:
                self.records(kind)
        self.memberships()
        self.products()
        self.settings()

    def org(self, key):
        """A pk, or the ref of an organization this batch creates, for a plan's org key."""
        if key is None:
            return self.district_id
        return self.new_orgs[key] if key < 0 else key

    def ref(self, record):
        return self.refs[id(record)] if record.pk is None else record.pk

    # organizations -----------------------------------------------------------------------

    def orgs(self) -> None:
        batch, plan = self.batch, self.plan
        creates = [change for change in plan.orgs if change.action == "create"]
        for index, change in enumerate(creates):  # refs first: a parent may come later
            self.new_orgs[change.record._sync_key] = New("organization", index)
        for change in creates:
            record = change.record
            fields = {
                "name": record.name,
                "org_type": record.org_type,
                "external_id": record.external_id,
                "sis_sourced_id": record.sis_sourced_id,
                "origin": record.origin,
                "parent_id": self.org(change.parent_key),
            }
            batch.create("organization", fields, Source(sourced_id=change.sourced_id))
        for change in plan.orgs:
            if change.action != "update":
                continue
            before, after = {}, {}
            for name, (old, new) in change.changes.items():
                if name == "parent":  # a pk (the district's for none) or a new org's key
                    name, new = "parent_id", self.org(new)
                before[name], after[name] = old, new
            after.setdefault("parent_id", self.org(change.parent_key))
            before.setdefault("parent_id", change.record.parent_id)
            batch.update(
                "organization",
                change.record.pk,
                before,
                after,
                Source(sourced_id=change.sourced_id),
            )

    # students, educators, classes/groups -------------------------------------------------

    def records(self, kind: str) -> None:
        batch, now = self.batch, self.now
        model = MODELS[kind]
        stamp = {"last_synced_at": now}  # one dict for every create of the kind
        columns = tuple(
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in NOT_COPIED and f.attname not in stamp
        )
        if kind == "class_group":
            columns = tuple(name for name in columns if name != "school_id")
        link = SCHOOLS.get(kind)
        for change in self.plan.kinds[kind].changes:
            action = change.action
            if action == "unchanged":
                continue
            record, source = change.record, Source(sourced_id=change.sourced_id)
            if action == "create":
                extra = stamp
                if kind == "class_group":
                    extra = {**stamp, "school_id": self.org(record._school_key)}
                fields = _Planned(record, columns, extra)
                owner = self.refs[id(record)] = batch.create(kind, fields, source)
                if link and change.related_add:
                    batch.relink(link, owner, set(), self._orgs(change.related_add), source=source)
                continue
            before, after = {}, {}
            for name, (old, new) in change.changes.items():
                before[name] = old
                after[name] = self.org(new) if name == "school_id" and new is not None else new
            after["origin"], after["last_synced_at"] = SYNCED, now
            batch.update(kind, record.pk, before, after, source)
            if link and (change.related_add or change.related_remove):
                old, new = self._orgs(change.related_remove), self._orgs(change.related_add)
                batch.relink(link, record.pk, old, new, source=source)

    def _orgs(self, keys) -> set:
        return {self.org(key) for key in keys}

    # memberships, product links, settings ------------------------------------------------

    def memberships(self) -> None:
        """Removals now; additions as the engine reads them (``Batch.link_feeds``), from the
        plan's pairs: a first sync's 200,000 are never held as link changes too."""
        plan, links = self.plan, self.batch.links
        for name, model, person, adds, removes in (
            ("class_student", ClassStudent, "student_id", plan.student_adds, plan.student_removes),
            (
                "class_educator",
                ClassEducator,
                "educator_id",
                plan.educator_adds,
                plan.educator_removes,
            ),
        ):
            for owner, other, origin in _pairs(model, person, removes):
                links.append(LinkChange(name, owner, other, False, origin))
            if adds:
                self.batch.link_feeds.append(self._added(name, adds))

    def _added(self, name: str, adds: list):
        """The link changes of the plan's flat list of (class, person) additions."""
        ref, records = self.ref, drained(adds)
        for cls, member in zip(records, records, strict=True):
            yield LinkChange(name, ref(cls), ref(member), True, SYNCED)

    def products(self) -> None:
        plan, links = self.plan, self.batch.links
        for owner, other, origin in _pairs(ClassProduct, "product_id", plan.product_removes):
            links.append(LinkChange("class_product", owner, other, False, origin))
        for owner, other, _origin in _pairs(ClassProduct, "product_id", plan.product_claims):
            self.batch.origins.append(LinkOrigin("class_product", owner, other, SYNCED))
        for cls, product_id in plan.product_adds:
            links.append(LinkChange("class_product", self.ref(cls), product_id, True, SYNCED))

    def settings(self) -> None:
        plan, settings = self.plan, self.batch.settings
        for student, setting, value in plan.setting_creates:
            settings.append(SettingChange(self.ref(student), setting, None, value, synced=True))
        values = dict(plan.setting_updates)
        pks = list(values)
        for start in range(0, len(pks), CHUNK):
            rows = StudentProductSetting.objects.filter(pk__in=pks[start : start + CHUNK])
            for pk, student, setting, before in fetch(
                rows.values_list("pk", "student_id", "setting_id", "value")
            ):
                settings.append(SettingChange(student, setting, before, values[pk], synced=True))


class _Planned(Mapping):
    """A create's fields read from its planned record (``columns``), with ``extra`` values
    over them: not a dict copied per record (a first sync's 50,000 dicts of every column,
    25 MB, were held beside the records they copied while the engine wrote)."""

    __slots__ = ("record", "columns", "extra")

    def __init__(self, record, columns: tuple[str, ...], extra: dict) -> None:
        self.record, self.columns, self.extra = record, columns, extra

    def __getitem__(self, name: str):
        if name in self.extra:
            return self.extra[name]
        if name in self.columns:
            return getattr(self.record, name)
        raise KeyError(name)

    def __iter__(self):
        yield from self.columns
        yield from self.extra

    def __len__(self) -> int:
        return len(self.columns) + len(self.extra)

    def items(self):
        record = self.record
        for name in self.columns:
            yield name, getattr(record, name)
        yield from self.extra.items()


def _pairs(model, other: str, pks: list[int]):
    """(class, other, origin) of the link rows ``pks`` (as many queries as chunks)."""
    for start in range(0, len(pks), CHUNK):
        rows = model.objects.filter(pk__in=pks[start : start + CHUNK])
        yield from fetch(rows.values_list("class_group_id", other, "origin"))
