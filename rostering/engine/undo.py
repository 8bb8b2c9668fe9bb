"""Undo: the inverse of what ``engine.apply`` did (its ``Applied`` list), item by item.

Each item is undone only while the database still holds what the apply left: a field edited
since, a membership or link changed since, a setting changed since is kept, with a sentence
naming the record and saying why. A synced roster is never touched (the students and
educators of a class/group that is synced now), nor a synced record's SIS-owned fields; a
record the import created and someone changed or linked since stays (and so do its links).
The rest is undone in one transaction under the district's lock, channel "undo", through
``engine.apply``.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from rostering import registry
from rostering.history import Channel, audit
from rostering.locks import lock_district
from rostering.models import ClassGroup, Organization, Origin, Product
from rostering.models import StudentProductSetting as SettingValue
from rostering.ownership import FieldState, shared_fields_of, state_of

from . import sql
from .apply import LINK_TABLES, MODELS, apply, link_items, plain
from .changes import LINKS, Batch, RecordDelete

OLD_FORMAT = (
    "it was committed before undo kept each change it made, so it cannot be undone. "
    "Change the records back by hand, or import a file with their earlier values."
)
NOUNS = {
    "student": "student",
    "educator": "educator",
    "class_group": "class/group",
    "organization": "organization",
}
LABEL_COLUMNS = {
    "student": ("first_name", "last_name", "username"),
    "educator": ("first_name", "last_name", "username"),
    "class_group": ("name",),
    "organization": ("name",),
}
ROSTERS = frozenset({"class_student", "class_educator"})  # a synced class's are the SIS's


def undo_result(*, actor, district, result: dict) -> list[str]:
    """Undo the import whose job result is ``result``; the sentences of what was kept."""
    applied = (result or {}).get("applied")
    if applied is None:
        if (result or {}).get("touched"):
            raise ValidationError(OLD_FORMAT)
        return []
    return undo(applied, district=district, actor=actor)


def undo(applied: dict, *, district, actor) -> list[str]:
    with transaction.atomic(), audit(actor=actor, channel=Channel.UNDO):
        lock_district(district)  # before reading what changed since
        state = _State(applied, district)
        batch, refused = _Inverse(applied, state).build()
        apply(batch, district=district, actor=actor, channel=Channel.UNDO)
    return refused


def _same(a, b) -> bool:
    return (plain(a) or None) == (b or None)


class _State:
    """What the database holds now of everything ``applied`` names (a fixed number of
    queries per kind, not per item)."""

    def __init__(self, applied: dict, district):
        self.district_id = district.district_id or district.pk
        wanted: dict[str, set[int]] = defaultdict(set)
        columns: dict[str, set[str]] = defaultdict(set)
        for item in applied.get("records", []):
            wanted[item["kind"]].add(item["pk"])
            columns[item["kind"]].update(item.get("after", {}))
        for name, _added, owner, other, _origin in link_items(applied):
            owner_kind, other_kind = LINKS[name]
            wanted[owner_kind].add(owner)
            wanted[other_kind].add(other)
        for student, *_rest in applied.get("settings", []):
            wanted["student"].add(student)
        self.rows: dict[str, dict[int, dict]] = {}
        for kind, ids in wanted.items():
            self.rows[kind] = self._load(kind, sorted(ids), columns.get(kind, set()))
        self.links = self._links(applied)
        self.settings = self._settings(applied.get("settings", []))
        self.shared = {
            kind: shared_fields_of(self.district_id, kind)
            for kind in MODELS
            if any(item["kind"] == kind for item in applied.get("records", []))
        }

    def _load(self, kind: str, ids: list[int], columns: set[str]) -> dict[int, dict]:
        if kind == "product":
            return {pk: {"name": name} for pk, name in Product.objects.values_list("pk", "name")}
        model = MODELS[kind]
        names = sorted({"id", "origin", *LABEL_COLUMNS[kind], *columns})
        if kind == "educator":
            names.append("user_id")
        found = {}
        for start in range(0, len(ids), sql.CHUNK):
            chunk = sql.among(model.objects, "id", ids[start : start + sql.CHUNK])
            for values in sql.fetch(chunk.values_list(*names)):
                row = dict(zip(names, values, strict=True))
                found[row["id"]] = row
        return found

    def _links(self, applied: dict) -> dict[str, set[tuple[int, int]]]:
        """The pairs present now, of each link table ``applied`` names, for its owners."""
        owners: dict[str, set[int]] = defaultdict(set)
        for name, _added, owner, _other, _origin in link_items(applied):
            owners[name].add(owner)
        present: dict[str, set[tuple[int, int]]] = {}
        for name, ids in owners.items():
            model, first, second, _origin = LINK_TABLES[name]
            pairs: set[tuple[int, int]] = set()
            ordered = sorted(ids)
            for start in range(0, len(ordered), sql.CHUNK):
                rows = sql.among(model.objects, first, ordered[start : start + sql.CHUNK])
                pairs.update(sql.fetch(rows.values_list(first, second)))
            present[name] = pairs
        return present

    def _settings(self, settings: list) -> dict[tuple[int, int], str]:
        students = sorted({student for student, *_rest in settings})
        values = {}
        for start in range(0, len(students), sql.CHUNK):
            rows = sql.among(
                SettingValue.objects, "student_id", students[start : start + sql.CHUNK]
            )
            for student, setting, value in sql.fetch(
                rows.values_list("student_id", "setting_id", "value")
            ):
                values[(student, setting)] = value
        return values

    def label(self, kind: str, pk: int) -> str:
        row = self.rows.get(kind, {}).get(pk)
        noun = NOUNS.get(kind, kind)
        if row is None:
            return f"the {noun} #{pk}"
        if kind in ("student", "educator"):
            name = f"{row['first_name']} {row['last_name']}".strip()
            return f"{noun.capitalize()} {name} ({row['username']})"
        return f"{noun.capitalize()} {row['name']}"

    def synced(self, kind: str, pk: int) -> bool:
        row = self.rows.get(kind, {}).get(pk)
        return row is not None and row.get("origin") == Origin.SYNCED


def _field_label(kind: str, attname: str) -> str:
    if attname == "password_encrypted":
        return "Password"
    name = MODELS[kind]._meta.get_field(attname).name
    entry = registry.KINDS[kind].get(name)
    return entry.label if entry else name.replace("_", " ").capitalize()


class _Inverse:
    def __init__(self, applied: dict, state: _State):
        self.applied, self.state = applied, state
        self.batch = Batch()
        self.refused: list[str] = []
        self.kept: set[tuple[str, int]] = set()  # created records that stay
        self.going: set[tuple[str, int]] = set()  # created records this undo deletes

    def build(self) -> tuple[Batch, list[str]]:
        records = self.applied.get("records", [])
        created = [item for item in records if item["op"] == "create"]
        for item in records:
            if item["op"] == "update":
                self._update(item)
        self._keep_changed_creations(created)
        rows = self.state.rows
        self.going = {
            (item["kind"], item["pk"])
            for item in created
            if item["pk"] in rows.get(item["kind"], {})
            and (item["kind"], item["pk"]) not in self.kept
        }
        for link in link_items(self.applied):
            self._link(*link)
        for setting in self.applied.get("settings", []):
            self._setting(*setting)
        self._delete_creations(created)
        return self.batch, self.refused

    # ---- records ---------------------------------------------------------------------------

    def _keep_changed_creations(self, created: list[dict]) -> None:
        """A record this import created stays when it was taken over by the SIS, edited, or
        linked to anything this import did not link it to, since."""
        state = self.state
        added = {
            (name, owner, other)
            for name, flag, owner, other, _o in link_items(self.applied)
            if flag
        }
        for item in created:
            kind, pk = item["kind"], item["pk"]
            row = state.rows.get(kind, {}).get(pk)
            if row is None:
                continue  # deleted since: nothing to undo
            label = state.label(kind, pk)
            if state.synced(kind, pk):
                self._keep(kind, pk, f"{label} is synced from your SIS now, so it stays.")
                continue
            edited = [n for n, v in item["after"].items() if n in row and not _same(row[n], v)]
            if edited:
                names = ", ".join(_field_label(kind, n) for n in edited)
                self._keep(
                    kind, pk, f"{label} was changed since this import ({names}), so it stays."
                )
        self._keep_linked_since(created, added)

    def _keep_linked_since(self, created: list[dict], added: set) -> None:
        """Created records with links (memberships, schools, products) this import did not
        make: someone linked them since."""
        state = self.state
        mine: dict[str, set[int]] = defaultdict(set)
        for item in created:
            if (item["kind"], item["pk"]) not in self.kept:
                mine[item["kind"]].add(item["pk"])
        if not any(mine.values()):
            return
        for name, (owner_kind, other_kind) in LINKS.items():
            model, first, second, _origin = LINK_TABLES[name]
            for kind, column, position in ((owner_kind, first, 1), (other_kind, second, 2)):
                ids = sorted(mine.get(kind, ()))
                for start in range(0, len(ids), sql.CHUNK):
                    rows = sql.among(model.objects, column, ids[start : start + sql.CHUNK])
                    for pair in sql.fetch(rows.values_list(first, second)):
                        pk = pair[position - 1]
                        if (name, *pair) not in added and (kind, pk) not in self.kept:
                            self._keep(
                                kind,
                                pk,
                                f"{state.label(kind, pk)} was linked to other records since "
                                "this import (a class/group, school or product), so it stays.",
                            )
        orgs = sorted(mine.get("organization", ()))
        if orgs:
            # Below a created organization since, unless this undo moves them back.
            moved = {
                kind: [
                    item.pk
                    for item in self.batch.updates
                    if item.kind == kind and column in item.after
                ]
                for kind, column in (("class_group", "school_id"), ("organization", "parent_id"))
            }
            used = set(
                ClassGroup.objects.filter(school_id__in=orgs)
                .exclude(pk__in=sorted(mine.get("class_group", ())) + moved["class_group"])
                .values_list("school_id", flat=True)
            ) | set(
                Organization.objects.filter(parent_id__in=orgs)
                .exclude(pk__in=orgs + moved["organization"])
                .values_list("parent_id", flat=True)
            )
            for pk in sorted(used):
                self._keep(
                    "organization",
                    pk,
                    f"{state.label('organization', pk)} has classes/groups or organizations "
                    "of its own since this import, so it stays.",
                )

    def _keep(self, kind: str, pk: int, reason: str) -> None:
        if (kind, pk) not in self.kept:
            self.kept.add((kind, pk))
            self.refused.append(reason)

    def _delete_creations(self, created: list[dict]) -> None:
        users = set(self.applied.get("users", []))
        for item in created:
            kind, pk = item["kind"], item["pk"]
            row = self.state.rows.get(kind, {}).get(pk)
            if row is None or (kind, pk) in self.kept:
                continue
            self.batch.deletes.append(RecordDelete(kind, pk))
            if kind == "educator" and row.get("user_id") in users:
                self.batch.users_to_delete.append(row["user_id"])

    def _update(self, item: dict) -> None:
        kind, pk, state = item["kind"], item["pk"], self.state
        row = state.rows.get(kind, {}).get(pk)
        label = state.label(kind, pk)
        if row is None:
            if item["after"]:
                self.refused.append(f"A {NOUNS[kind]} this import changed was deleted since.")
            return
        back, now = {}, {}
        changed, sis = [], []
        model = MODELS[kind]
        for name, after in item["after"].items():
            field = model._meta.get_field(name)
            owned = state_of(
                kind=kind, origin=row["origin"], field=field.name, shared=state.shared.get(kind)
            )
            if owned is not FieldState.LOCAL and row["origin"] == Origin.SYNCED:
                sis.append(name)
            elif not _same(row[name], after):
                changed.append(name)
            else:
                now[name] = row[name]
                back[name] = field.to_python(item["before"].get(name))
        if changed:
            names = ", ".join(_field_label(kind, n) for n in changed)
            self.refused.append(
                f"{label}: {names} changed again since this import, so the newer value stays."
            )
        if sis:
            names = ", ".join(_field_label(kind, n) for n in sis)
            self.refused.append(
                f"{label}: {names} now come from your SIS (the record is synced), so they stay."
            )
        if back:
            self.batch.update(kind, pk, now, back)

    # ---- links and settings ----------------------------------------------------------------

    def _link(self, name: str, added: int, owner: int, other: int, origin: str) -> None:
        state = self.state
        owner_kind, other_kind = LINKS[name]
        if (owner_kind, owner) in self.kept or (other_kind, other) in self.kept:
            return  # a created record that stays keeps what this import linked it to
        if (owner_kind, owner) in self.going or (other_kind, other) in self.going:
            return  # its delete takes the link along (and records it, link_history)
        present = (owner, other) in state.links.get(name, set())
        if bool(added) != present:
            return  # already as before the import (removed or added again since)
        if name in ROSTERS and state.synced(owner_kind, owner):
            who, where = state.label(other_kind, other), state.label(owner_kind, owner)
            verb = "stays in" if added else "stays out of"
            self.refused.append(f"{who} {verb} {where}: it is synced from your SIS now.")
            return
        if not added and (
            owner not in state.rows.get(owner_kind, {})
            or other not in state.rows.get(other_kind, {})
        ):
            who, where = state.label(other_kind, other), state.label(owner_kind, owner)
            self.refused.append(f"{who} cannot go back to {where}: one of them was deleted since.")
            return
        if added:
            self.batch.relink(name, owner, {other}, set())
        else:
            self.batch.relink(name, owner, set(), {other}, origin=origin)

    def _setting(self, student: int, setting: int, before, after) -> None:
        state = self.state
        if student not in state.rows.get("student", {}):
            return
        if ("student", student) in self.kept or ("student", student) in self.going:
            return  # kept with its settings, or its delete takes them along
        now = state.settings.get((student, setting))
        if now != after:
            self.refused.append(
                f"{state.label('student', student)}: a product setting changed again since "
                "this import, so the newer value stays."
            )
            return
        self.batch.setting(student, setting, after, before)
