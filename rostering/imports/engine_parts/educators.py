"""Educators: check every row (matched by username), then write them all in bulk.

The rules come from the educator service and its helpers (normalize_person, the educator
types, ownership's locked fields, the district-wide rule of ``find_org``); the engine writes
them (batches.py hands the work over), with each new educator's portal sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from accounts.permissions import Feature
from rostering import registry, usernames
from rostering.models import Educator
from rostering.ownership import shared_fields_of

from ..engine import ImportPlan, RecordChange
from .bulk import load_links
from .cells import Row
from .checking import (
    allowed_to_import,
    diff_fields,
    person_fields,
    person_label,
    plan_existing,
    refuse_locked,
    seen_before,
)
from .columns import HeaderMatch
from .context import Context, fold

PLAIN_FIELDS = registry.EDUCATOR.plain_fields  # names, username, email, IDs (not the type)
COLUMN_OF = {f.name: f.column for f in registry.EDUCATOR.template_fields}
TYPES = {fold(value): value for value in Educator.EducatorType.values}
TYPES.update({fold(label): value for value, label in Educator.EducatorType.choices})
TYPES["admin"] = Educator.EducatorType.ADMINISTRATOR
TYPE_NAMES = " or ".join(label for _value, label in Educator.EducatorType.choices)


@dataclass
class Desired:
    """What one row asks for: plain fields and the organizations (ids, the district included)."""

    row: int
    fields: dict
    organizations: set[int] = field(default_factory=set)


@dataclass
class Work:
    creates: list[Desired] = field(default_factory=list)
    updates: list[tuple[Educator, Desired]] = field(default_factory=list)
    organizations: dict[int, set[int]] = field(default_factory=dict)  # current, by educator


class EducatorChecker:
    def __init__(self, ctx: Context, match: HeaderMatch, plan: ImportPlan):
        self.ctx, self.match, self.plan = ctx, match, plan
        self.allowed = allowed_to_import(ctx, plan, Feature.IMPORT_EDUCATORS, "educators")
        educators = list(Educator.objects.filter(district=ctx.district))
        self.by_username = {usernames.key(e.username): e for e in educators}
        self.by_value = {
            name: {getattr(e, name): e for e in educators if getattr(e, name)}
            for name in ("external_id", "alt_external_id")
        }
        self.organizations = load_links(
            Educator.organizations.through,
            "educator_id",
            "organization_id",
            educator__district=ctx.district,
        )
        self.shared = shared_fields_of(ctx.district.pk, "educator")
        self.seen: dict[str, dict] = {"username": {}, "external_id": {}, "alt_external_id": {}}
        self.seen_educators: dict[int, int] = {}
        # By usernames.key: the file's usernames that portal sign-ins and educators of other
        # districts hold.
        self.users: dict[str, usernames.Holder] = {}
        self.elsewhere: dict[str, usernames.Holder] = {}

    def load_taken(self, names: list[str]) -> None:
        """Usernames are unique across the platform, ignoring case, and each educator signs in
        to the portal with theirs: which of the file's are already used (rostering.usernames,
        two queries per 5,000 names)."""
        self.users = usernames.holders(get_user_model().objects.all(), names)
        others = Educator.objects.exclude(district=self.ctx.district)
        self.elsewhere = usernames.holders(others, names)

    def check_rows(self, rows: list[Row]) -> Work:
        work = Work(organizations=self.organizations)
        if not self.allowed:
            return work
        self.load_taken([row.get("username") for row in rows if row.get("username")])
        for row in rows:
            self.check_row(row, work)
        return work

    # ---- one row ---------------------------------------------------------------------------

    def check_row(self, row: Row, work: Work) -> None:
        cols = self.match.columns
        fields = person_fields(
            row, cols, PLAIN_FIELDS, kind=registry.EDUCATOR, sis=self.ctx.sis, known=self.by_username
        )
        typed = row.get("educator_type")
        if typed:
            fields["educator_type"] = TYPES.get(fold(typed), "")
            if not fields["educator_type"]:
                row.error(
                    cols["educator_type"],
                    f'"{typed}" is not an educator type. Write {TYPE_NAMES} in this row.',
                )
        if fields.get("external_id") is None:
            fields.pop("external_id", None)  # a blank ID keeps the current one
        existing = self._match(row, fields)
        desired = Desired(row=row.number, fields=fields)
        for value in row.many("organizations"):
            org = self.ctx.find_org(row, cols["organizations"], value, allow_district=True)
            if org is not None:
                desired.organizations.add(org.pk)
        current = self.organizations.get(existing.pk, set()) if existing is not None else set()
        self.ctx.refuse_closed(row, cols["organizations"], desired.organizations, current=current)
        if row.has_error:
            return
        if existing is None:
            self.plan.created += 1
            work.creates.append(desired)
            self.plan.changes.append(RecordChange(row.number, "create", person_label(fields)))
            return
        changes = self.diff(existing, desired)
        refuse_locked(
            row,
            kind="educator",
            origin=existing.origin,
            shared=self.shared,
            column_of=COLUMN_OF,
            changes=changes,
        )
        if row.has_error:
            return
        label = person_label({"first_name": existing.first_name, **fields})
        plan_existing(self.plan, work.updates, row, existing, desired, label, changes)

    def _match(self, row: Row, fields: dict) -> Educator | None:
        cols = self.match.columns
        username = fields.get("username") or ""
        folded = usernames.key(username)
        existing = self.by_username.get(folded) if username else None
        if username:
            first = seen_before(self.seen["username"], folded, row)
            user = self.users.get(folded)
            held = self.elsewhere.get(folded) or (
                user if user and (existing is None or existing.user_id != user.pk) else None
            )
            if first:
                row.error(
                    cols["username"],
                    f'The username "{username}" is also in row {first}. Each educator needs '
                    "their own username; remove or correct one row.",
                )
            elif held is not None:
                row.error(cols["username"], usernames.refusal(username, held.username))
        for name in ("external_id", "alt_external_id"):
            value = fields.get(name)
            if not value or name not in cols:
                continue
            label = COLUMN_OF[name]
            first = seen_before(self.seen[name], value, row)
            other = self.by_value[name].get(value)
            if first:
                row.error(
                    cols[name],
                    f'The {label} "{value}" is also in row {first}. Each educator needs their '
                    "own; correct one of the rows.",
                )
            elif other is not None and (existing is None or other.pk != existing.pk):
                row.error(
                    cols[name],
                    f'{other.full_name} ({other.username}) already has the {label} "{value}". '
                    f"Each educator needs their own: correct the ID, or write "
                    f'"{other.username}" as the username to update that educator.',
                )
        if existing is not None:
            current = self.organizations.get(existing.pk, set())
            if not self.ctx.district_wide and not (
                current and current <= self.ctx.allowed_school_ids
            ):
                row.error(
                    cols["username"],
                    f'"{existing.username}" is an educator of another school or of the whole '
                    "district. Remove this row, or ask a district administrator.",
                )
        return existing

    # ---- differences -----------------------------------------------------------------------

    def diff(self, educator: Educator, desired: Desired) -> dict[str, tuple[str, str]]:
        changes = diff_fields(educator, desired.fields, COLUMN_OF)
        if "Educator Type" in changes:
            changes["Educator Type"] = tuple(
                Educator.EducatorType(v).label if v else "" for v in changes["Educator Type"]
            )
        old = self.organizations.get(educator.pk, set())
        if old != desired.organizations:
            changes["Organizations"] = (self.names(old), self.names(desired.organizations))
        return changes

    def names(self, ids) -> str:
        orgs, district = self.ctx.orgs, self.ctx.district
        return "; ".join(
            sorted(
                district.name if i == district.pk else orgs[i].name if i in orgs else str(i)
                for i in ids
            )
        )
