"""Classes/groups: check every row (matched by External Assigned ID, then by name within the
school), then write them all in bulk.

The rules come from the class/group service and ownership.py: every Details field and the
rosters of a synced class/group are locked (its members come from the SIS), its products
may change; educators and students join only classes/groups of their school.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.permissions import Feature
from rostering import memberships, registry
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Product,
    Student,
)
from rostering.services.classes import SYNCED_ROSTER_MESSAGE
from rostering.validators import blank_to_none

from ..engine import ImportPlan, RecordChange
from .bulk import load_links
from .cells import Row
from .checking import allowed_to_import, diff_fields, plan_existing, refuse_locked, seen_before
from .columns import HeaderMatch
from .context import Context, fold

# The text a row sets as its cell gives it (the registry's text_fields, in its order, each
# cell already checked and normalised by its field: the grades as "03,04"), but the name,
# always set.
TEXT_FIELDS = tuple(
    f.name
    for f in registry.CLASS_GROUP.fields
    if f.name in registry.CLASS_GROUP.text_fields - {"name"}
)
# The columns of the record's own fields (its rosters and products are links: their own
# checks below).
COLUMN_OF = {
    f.name: f.column
    for f in registry.CLASS_GROUP.template_fields
    if f.name in registry.CLASS_GROUP.record_fields
}
ROSTERS = {"educators": "Educators", "students": "Students"}


@dataclass
class Desired:
    """What one row asks for. None for a roster means the file does not have its column."""

    row: int
    fields: dict
    products: set[int] = field(default_factory=set)
    educators: set[int] | None = None
    students: set[int] | None = None


@dataclass
class Work:
    creates: list[Desired] = field(default_factory=list)
    updates: list[tuple[ClassGroup, Desired]] = field(default_factory=list)
    current: dict[str, dict[int, set[int]]] = field(default_factory=dict)  # links by class


class _People:
    """The district's active educators or students a row may name, with their schools."""

    def __init__(self, model, link_model, owner: str, district, *, by_id: bool):
        """``owner`` is the link table's column naming the person ("student_id")."""
        self.by_key: dict[str, tuple[int, str]] = {}
        self.full_names: dict[int, str] = {}
        for pk, username, external_id, first, last in (
            model.objects.filter(district=district, is_active=True)
            .values_list("pk", "username", "external_id", "first_name", "last_name")
            .iterator(chunk_size=5000)
        ):
            self.by_key[fold(username)] = (pk, username)
            self.full_names[pk] = f"{first} {last}".strip()
            if by_id and external_id:
                self.by_key.setdefault(fold(external_id), (pk, username))
        self.schools = load_links(
            link_model, owner, "organization_id", **{owner.replace("_id", "__district"): district}
        )
        self.names = {pk: username for pk, username in self.by_key.values()}


class ClassChecker:
    def __init__(self, ctx: Context, match: HeaderMatch, plan: ImportPlan):
        self.ctx, self.match, self.plan = ctx, match, plan
        self.allowed = allowed_to_import(ctx, plan, Feature.IMPORT_CLASSES, "classes/groups")
        district = ctx.district
        self.by_id: dict[str, ClassGroup] = {}
        self.by_name: dict[tuple[int, str], list[ClassGroup]] = {}
        for group in ClassGroup.objects.filter(district=district):
            if group.external_id:
                self.by_id[group.external_id] = group
            self.by_name.setdefault((group.school_id, fold(group.name)), []).append(group)
        self.current = {
            "products": load_links(
                ClassProduct, "class_group_id", "product_id", class_group__district=district
            )
        }
        self.people: dict[str, _People] = {}
        if "educators" in match.columns:
            self.current["educators"] = load_links(
                ClassEducator, "class_group_id", "educator_id", class_group__district=district
            )
            self.people["educators"] = _People(
                Educator, Educator.organizations.through, "educator_id", district, by_id=False
            )
        if "students" in match.columns:
            self.current["students"] = load_links(
                ClassStudent, "class_group_id", "student_id", class_group__district=district
            )
            self.people["students"] = _People(
                Student, Student.schools.through, "student_id", district, by_id=True
            )
        self.product_names: dict[int, str] = {}
        self.all_products = False  # product_names holds every product (loaded once, if needed)
        self.seen: dict[str, dict] = {"id": {}, "name": {}, "record": {}}

    def check_rows(self, rows: list[Row]) -> Work:
        work = Work(current=self.current)
        if not self.allowed:
            return work
        for row in rows:
            self.check_row(row, work)
        return work

    # ---- one row ---------------------------------------------------------------------------

    def check_row(self, row: Row, work: Work) -> None:
        cols = self.match.columns
        fields = {"name": row.get("name")}
        if row.has("external_id") and row.get("external_id"):
            fields["external_id"] = blank_to_none(row.get("external_id"))  # blank keeps it
        for name in TEXT_FIELDS:
            if row.has(name):
                fields[name] = row.get(name)
        school = None
        if row.get("school"):
            school = self.ctx.find_org(row, cols["school"], row.get("school"))
        desired = Desired(row=row.number, fields=fields)
        if school is not None:
            fields["school_id"] = school.pk
        for value in row.many("products"):
            product = self.ctx.find_product(row, cols["products"], value)
            if product is not None:
                desired.products.add(product.pk)
                self.product_names[product.pk] = product.name
        existing = self._match(row, fields, school)
        if school is not None:
            kept = {existing.school_id} if existing is not None else set()
            self.ctx.refuse_closed(row, cols["school"], {school.pk}, current=kept)
        for what in ROSTERS:
            if what in self.people:
                setattr(desired, what, self._members(row, what, school, fields["name"]))
        if row.has_error:
            return
        label = f"{fields['name']} ({school.name})"
        if existing is None:
            self.plan.created += 1
            work.creates.append(desired)
            self.plan.changes.append(RecordChange(row.number, "create", label))
            return
        changes = self.diff(existing, desired)
        refuse_locked(
            row,
            kind="class_group",
            origin=existing.origin,
            shared=frozenset(),
            column_of=COLUMN_OF,
            changes=changes,
        )
        for what, column in ROSTERS.items():
            if column in changes and existing.is_synced:
                row.error(
                    column,
                    SYNCED_ROSTER_MESSAGE.format(name=f"“{existing.name}”")
                    + f" Remove the {column} column from the file, or write its {what} as they "
                    f"are now ({changes[column][0][:200] or 'none'}).",
                )
        if row.has_error:
            return
        plan_existing(self.plan, work.updates, row, existing, desired, label, changes)

    def _match(self, row: Row, fields: dict, school) -> ClassGroup | None:
        cols = self.match.columns
        name, external_id = fields["name"], fields.get("external_id")
        existing = self.by_id.get(external_id) if external_id else None
        if existing is None and school is not None and name:
            # By name only a class/group without an ID of its own (or when the row has none).
            named = [
                g
                for g in self.by_name.get((school.pk, fold(name)), [])
                if not external_id or not g.external_id
            ]
            if len(named) > 1:
                row.error(
                    cols["name"],
                    f'{len(named)} classes/groups in {school.name} are called "{name}". Add the '
                    "External Assigned ID column and write the ID of the one you mean.",
                )
                return None
            existing = named[0] if named else None
        if external_id:
            first = seen_before(self.seen["id"], external_id, row)
            if first:
                row.error(
                    cols["external_id"],
                    f'The External Assigned ID "{external_id}" is also in row {first}. Each '
                    "class/group needs its own; correct one of the rows.",
                )
                return existing
        if existing is not None:
            first = seen_before(self.seen["record"], existing.pk, row)
            if first:
                row.error(
                    cols["name"],
                    f'Row {first} is the same class/group ("{existing.name}"). Keep one row '
                    "per class/group.",
                )
            elif existing.school_id not in self.ctx.allowed_school_ids:
                row.error(
                    cols["external_id"] if external_id else cols["name"],
                    f'"{existing.name}" is a class/group of a school that is not yours. '
                    "Remove this row, or ask a district administrator.",
                )
        elif school is not None and not external_id:
            first = seen_before(self.seen["name"], (school.pk, fold(name)), row)
            if first:
                row.error(
                    cols["name"],
                    f'Row {first} also adds a class/group "{name}" to {school.name}. Remove one '
                    "of the rows, or give each an External Assigned ID.",
                )
        return existing

    def _members(self, row: Row, what: str, school, class_name: str) -> set[int]:
        column = self.match.columns[what]
        people = self.people[what]
        noun = "educator" if what == "educators" else "student"
        chosen = set()
        for value in row.many(what):
            found = people.by_key.get(fold(value))
            if found is None:
                row.error(
                    column,
                    f'There is no active {noun} "{value}" in {self.ctx.district.name}. Check the '
                    f"username, or import the {what} first.",
                )
            elif school is not None and school.pk not in people.schools.get(found[0], set()):
                # The membership rule (rostering.memberships), in every channel's words.
                name = people.full_names.get(found[0], found[1])
                row.error(column, memberships.not_at_school(name, school.name, class_name))
            else:
                chosen.add(found[0])
        return chosen

    # ---- differences -----------------------------------------------------------------------

    def diff(self, group: ClassGroup, desired: Desired) -> dict[str, tuple[str, str]]:
        plain = {k: v for k, v in desired.fields.items() if k != "school_id"}
        changes = diff_fields(group, plain, COLUMN_OF)
        if desired.fields.get("school_id", group.school_id) != group.school_id:
            orgs = self.ctx.orgs
            changes["Organization"] = (
                orgs[group.school_id].name,
                orgs[desired.fields["school_id"]].name,
            )
        old = self.current["products"].get(group.pk, set())
        if old != desired.products:
            changes["Product"] = (self._products(old), self._products(desired.products))
        for what, column in ROSTERS.items():
            new = getattr(desired, what)
            old = self.current.get(what, {}).get(group.pk, set())
            if new is not None and new != old:
                names = self.people[what].names
                changes[column] = (
                    "; ".join(sorted(names.get(pk, str(pk)) for pk in old)),
                    "; ".join(sorted(names.get(pk, str(pk)) for pk in new)),
                )
        return changes

    def _products(self, ids) -> str:
        if not self.all_products and any(pk not in self.product_names for pk in ids):
            self.product_names.update(Product.objects.values_list("pk", "name"))
            self.all_products = True
        return "; ".join(sorted(self.product_names.get(pk, str(pk)) for pk in ids))
