"""Organizations (schools, departments, local units) of one district: check every row
(matched by External Assigned ID, then by name), then write them all in bulk.

A row's parent may be an organization of the district or one of the file's own rows; the
tree must not loop. The rules come from the organization service: only district-wide
administrators add organizations, the type of an existing one does not change here, and the
name, ID and parent of a synced organization are the SIS's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.permissions import Feature
from rostering import registry
from rostering.models import Organization, Origin
from rostering.ownership import LOCKED_MESSAGE
from rostering.services.orgs import SYNCED_LOCKED_FIELDS
from rostering.validators import blank_to_none

from ..engine import ImportPlan, RecordChange
from .cells import Row
from .checking import allowed_to_import, diff_fields, plan_existing, seen_before
from .columns import HeaderMatch
from .context import Context, fold

OrgType = Organization.OrgType
COLUMN_OF = {f.name: f.column for f in registry.ORGANIZATION.template_fields}
TYPES = {fold(t.value): t.value for t in OrgType if t is not OrgType.DISTRICT}
TYPES.update({fold(t.label): t.value for t in OrgType if t is not OrgType.DISTRICT})
TYPE_NAMES = "School, Department or Local"


@dataclass
class Desired:
    """What one row asks for. ``parent``: ("org", pk), ("row", index of a new row in the
    file), or None to keep the current parent (no Parent column)."""

    row: int
    fields: dict
    parent: tuple[str, int] | None = None
    existing: Organization | None = None
    index: int = -1  # the row's place in the file, which ("row", index) parents name


@dataclass
class Work:
    creates: list[Desired] = field(default_factory=list)
    updates: list[tuple[Organization, Desired]] = field(default_factory=list)


class OrganizationChecker:
    def __init__(self, ctx: Context, match: HeaderMatch, plan: ImportPlan):
        self.ctx, self.match, self.plan = ctx, match, plan
        self.allowed = allowed_to_import(ctx, plan, Feature.IMPORT_ORGANIZATIONS, "organizations")
        self.seen: dict[str, dict] = {"id": {}, "name": {}, "record": {}}
        self.district_keys = {fold(ctx.district.name), fold(ctx.district.external_id or "")}
        self.district_keys.discard("")
        self._desires: list[Desired] = []

    def check_rows(self, rows: list[Row]) -> Work:
        work = Work()
        if not self.allowed:
            return work
        desires = self._desires = [self.check_row(row) for row in rows]
        for index, desired in enumerate(desires):
            desired.index = index
        if "parent" in self.match.columns:
            in_file = self._file_keys(desires)
            for index, row in enumerate(rows):
                desires[index].parent = self._parent(row, index, desires, in_file)
            self._refuse_loops(rows, desires)
        for row, desired in zip(rows, desires, strict=True):
            self._plan(row, desired, work)
        return work

    # ---- one row ---------------------------------------------------------------------------

    def check_row(self, row: Row) -> Desired:
        cols = self.match.columns
        name = row.get("name")
        fields = {"name": name}
        external_id = blank_to_none(row.get("external_id"))
        if external_id:
            fields["external_id"] = external_id  # a blank ID keeps the current one
        typed = row.get("org_type")
        if typed:
            if fold(typed) == fold(OrgType.DISTRICT.value):
                row.error(
                    cols["org_type"],
                    "Districts are created by support staff, not imported. "
                    f"Write {TYPE_NAMES} in this row.",
                )
            elif fold(typed) not in TYPES:
                row.error(
                    cols["org_type"],
                    f'"{typed}" is not a type of organization. Write {TYPE_NAMES}.',
                )
            else:
                fields["org_type"] = TYPES[fold(typed)]
        desired = Desired(row=row.number, fields=fields)
        if name and fold(name) in self.district_keys:
            row.error(
                cols["name"],
                f'"{name}" is the district itself, which is not imported. Remove this row.',
            )
            return desired
        desired.existing = self._match(row, name, external_id)
        return desired

    def _match(self, row: Row, name: str, external_id: str | None) -> Organization | None:
        cols = self.match.columns
        existing = self.ctx.org_by_id.get(fold(external_id)) if external_id else None
        named = self.ctx.org_by_name.get(fold(name), []) if name else []
        if existing is None:
            candidates = [o for o in named if not external_id or not o.external_id]
            if len(candidates) > 1:
                row.error(
                    cols["name"],
                    f'{len(candidates)} organizations are called "{name}". Add the External '
                    "Assigned ID column and write the ID of the one you mean.",
                )
                return None
            existing = candidates[0] if candidates else None
        if external_id:
            first = seen_before(self.seen["id"], fold(external_id), row)
            if first:
                row.error(
                    cols["external_id"],
                    f'The External Assigned ID "{external_id}" is also in row {first}. Each '
                    "organization needs its own; correct one of the rows.",
                )
        if name:
            first = seen_before(self.seen["name"], fold(name), row)
            if first:
                row.error(
                    cols["name"],
                    f'"{name}" is also in row {first}. Each organization needs its own name; '
                    "remove or rename one of the rows.",
                )
                return existing
        taken = [o for o in named if existing is None or o.pk != existing.pk]
        if taken and (existing is None or fold(existing.name) != fold(name)):
            other = taken[0]
            row.error(
                cols["name"],
                f'There is already an organization called "{other.name}"'
                + (f" (External Assigned ID {other.external_id})" if other.external_id else "")
                + ". Write its External Assigned ID in this row to update it, or choose "
                "another name.",
            )
        return existing

    # ---- parents -----------------------------------------------------------------------------

    def _file_keys(self, desires: list[Desired]) -> dict[str, int]:
        keys: dict[str, int] = {}
        for index, desired in enumerate(desires):
            for value in (desired.fields.get("name"), desired.fields.get("external_id")):
                if value:
                    keys.setdefault(fold(value), index)
        return keys

    def _parent(self, row: Row, index: int, desires: list[Desired], in_file: dict[str, int]):
        column = self.match.columns["parent"]
        value = row.get("parent")
        district = self.ctx.district
        if not value or fold(value) in self.district_keys:
            return ("org", district.pk)
        target = in_file.get(fold(value))
        if target is not None:
            if target == index:
                row.error(column, "An organization cannot sit below itself. Choose its parent.")
                return None
            existing = desires[target].existing
            return ("org", existing.pk) if existing is not None else ("row", target)
        found = self.ctx.org_by_id.get(fold(value))
        if found is None:
            named = self.ctx.org_by_name.get(fold(value), [])
            if len(named) > 1:
                row.error(
                    column,
                    f'Several organizations are called "{value}". Write the External Assigned '
                    "ID of the parent you mean.",
                )
                return None
            found = named[0] if named else None
        if found is None:
            row.error(
                column,
                f'There is no organization "{value}" in {district.name} or in this file. '
                "Check the spelling, or leave the cell blank for the district.",
            )
            return None
        return ("org", found.pk)

    def _refuse_loops(self, rows: list[Row], desires: list[Desired]) -> None:
        """The tree the file asks for must not loop (A below B below A)."""
        node_of_pk = {d.existing.pk: ("row", i) for i, d in enumerate(desires) if d.existing}

        def up(node):
            kind, key = node
            if kind == "row":
                parent = desires[key].parent
                if parent is None:
                    existing = desires[key].existing
                    return ("org", existing.parent_id) if existing and existing.parent_id else None
            else:
                org = self.ctx.orgs.get(key)
                parent = ("org", org.parent_id) if org and org.parent_id else None
            if parent is not None and parent[0] == "org" and parent[1] in node_of_pk:
                return node_of_pk[parent[1]]
            return parent

        for index, (row, desired) in enumerate(zip(rows, desires, strict=True)):
            if desired.parent is None:
                continue
            node, seen = up(("row", index)), {("row", index)}
            top = ("org", self.ctx.district.pk)
            while node is not None and node not in seen and node != top:
                seen.add(node)
                node = up(node)
            if node == ("row", index):
                row.error(
                    self.match.columns["parent"],
                    f'With this parent, "{desired.fields["name"]}" would sit below itself. '
                    "Choose another parent.",
                )

    # ---- the plan ----------------------------------------------------------------------------

    def _plan(self, row: Row, desired: Desired, work: Work) -> None:
        if row.has_error:
            return
        existing = desired.existing
        label = desired.fields["name"]
        if existing is None:
            desired.fields.setdefault("org_type", OrgType.SCHOOL)
            self.plan.created += 1
            work.creates.append(desired)
            self.plan.changes.append(RecordChange(row.number, "create", label))
            return
        changes = self.diff(existing, desired)
        if "Type" in changes:
            row.error(
                "Type",
                f"The type of an existing organization does not change here. Write "
                f"{changes['Type'][0]}, or ask support staff.",
            )
        if existing.origin == Origin.SYNCED:
            for name in SYNCED_LOCKED_FIELDS:
                column = COLUMN_OF[name]
                if column in changes:
                    row.error(
                        column,
                        f"{LOCKED_MESSAGE} Put back “{changes[column][0]}” in this row, "
                        "or remove the row.",
                    )
        if row.has_error:
            return
        plan_existing(self.plan, work.updates, row, existing, desired, label, changes)

    def diff(self, org: Organization, desired: Desired) -> dict[str, tuple[str, str]]:
        changes = diff_fields(org, desired.fields, COLUMN_OF)
        if "Type" in changes:
            changes["Type"] = tuple(OrgType(v).label if v else "" for v in changes["Type"])
        if desired.parent is not None and desired.parent != ("org", org.parent_id):
            changes["Parent Organization"] = (
                self._name(("org", org.parent_id)),
                self._name(desired.parent),
            )
        return changes

    def _name(self, node) -> str:
        kind, key = node
        if kind == "row":
            return self._desires[key].fields["name"]
        if key == self.ctx.district.pk:
            return self.ctx.district.name
        org = self.ctx.orgs.get(key)
        return org.name if org else ""
