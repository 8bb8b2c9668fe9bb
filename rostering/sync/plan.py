"""Work out everything a snapshot would change in a district, without writing anything.

The plan is built from the district's records loaded once (a fixed number of queries, whatever
the size of the district) and the snapshot's plain records. ``rostering.ownership`` decides which
fields the sync writes (locked, and the district's shared fields); ``rostering.validators``
checks the values.

Here are the plan and the planner's core; its phases are mixins beside it, one module each:
rostering.sync.plan_orgs, plan_people, plan_classes, plan_memberships and plan_products
(plan_fields holds what they share).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rostering import registry
from rostering.models import Organization, Origin
from rostering.oneroster import reading
from rostering.oneroster.field_columns import column_of
from rostering.oneroster.records import Snapshot
from rostering.ownership import SHAREABLE_FIELDS, FieldState, shared_fields_of, state_of

from .matching import Change, KindPlan
from .models import SyncSource
from .passwords import plan_passwords
from .plan_classes import ClassPhase
from .plan_fields import PRODUCIBLE
from .plan_memberships import MembershipPhase, _active_after
from .plan_orgs import OrgChange, OrgPhase
from .plan_people import PeoplePhase, person_readers
from .plan_products import ProductPhase

PLAN_LIST_LIMIT = 500


@dataclass
class Plan:
    district: Organization
    orgs: list[OrgChange] = field(default_factory=list)
    org_keys: dict[str, int] = field(default_factory=dict)  # SIS org -> pk or -n (new)
    kinds: dict[str, KindPlan] = field(default_factory=dict)
    # Memberships: rows to add, flat (class record, person record, class record, ...: 16
    # bytes a pair, not a tuple of 72; a first sync of 200,000 students plans 800,000) and
    # row pks to delete.
    student_adds: list = field(default_factory=list)
    student_removes: list[int] = field(default_factory=list)
    educator_adds: list = field(default_factory=list)
    educator_removes: list[int] = field(default_factory=list)
    product_adds: list[tuple] = field(default_factory=list)  # (class record, product id)
    product_claims: list[int] = field(default_factory=list)  # ClassProduct pks -> synced
    product_removes: list[int] = field(default_factory=list)
    setting_creates: list[tuple] = field(default_factory=list)  # (student record, setting, value)
    setting_updates: list[tuple] = field(default_factory=list)  # (row pk, value)
    passwords_set: int = 0  # student passwords the SIS sent, new or changed (.passwords)
    warnings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    _counts: dict | None = None  # kept by release_instances

    def release_instances(self) -> None:
        """Once the plan is a batch (rostering.sync.batch), drop what only the translation
        needed: the unsaved instances of the records it creates and the membership, product
        and setting lists naming them (about 1 KB a new record, most of a first sync's peak
        while the engine writes). Counts, changes and problems stay as they were."""
        self.keep_counts()
        for kind_plan in self.kinds.values():
            kind_plan.by_sourced_id = {}
            for change in kind_plan.changes:
                if change.action == "create":
                    change.record = None
        for name in ("student_adds", "educator_adds", "product_adds", "setting_creates"):
            setattr(self, name, [])

    def keep_counts(self) -> None:
        """Count now: what the plan counts may then be handed over (rostering.sync.batch)."""
        self._counts = self.counts()

    def changes(self, kind: str | None = None) -> list[Change]:
        kinds = [kind] if kind else list(self.kinds)
        return [c for k in kinds for c in self.kinds[k].changes]

    def counts(self) -> dict:
        """Counts over students, educators and classes/groups together, and per kind."""
        if self._counts is not None:
            return self._counts
        actions = {
            "created": "create",
            "updated": "update",
            "claimed": "claim",
            "deactivated": "deactivate",
            "unchanged": "unchanged",
        }
        by_kind = {
            kind: {label: kp.count(action) for label, action in actions.items()}
            for kind, kp in self.kinds.items()
        }
        totals = {label: sum(k[label] for k in by_kind.values()) for label in actions}
        return {
            **totals,
            "by_kind": by_kind,
            "organizations": {
                "created": sum(1 for o in self.orgs if o.action == "create"),
                "updated": sum(1 for o in self.orgs if o.action == "update"),
            },
            "memberships": {
                "added": (len(self.student_adds) + len(self.educator_adds)) // 2,
                "removed": len(self.student_removes) + len(self.educator_removes),
            },
            "product_links": {
                "added": len(self.product_adds),
                "taken_over": len(self.product_claims),
                "removed": len(self.product_removes),
            },
            "product_settings": {
                "set": len(self.setting_creates) + len(self.setting_updates),
            },
            "passwords": {"set": self.passwords_set},
        }

    def as_dict(self) -> dict:
        """The plan as the Sync page shows it (lists capped at PLAN_LIST_LIMIT each)."""
        lists: dict[str, list] = {"created": [], "changed": [], "claimed": [], "deactivated": []}
        key = {"create": "created", "update": "changed", "claim": "claimed"}
        key["deactivate"] = "deactivated"
        truncated = False
        for change in self.changes():
            name = key.get(change.action)
            if name is None:
                continue
            if len(lists[name]) >= PLAN_LIST_LIMIT:
                truncated = True
                continue
            lists[name].append(change.as_dict())
        orgs = [
            {"sourced_id": o.sourced_id, "label": o.record.name, "action": o.action}
            for o in self.orgs
            if o.action != "unchanged"
        ]
        return {"counts": self.counts(), **lists, "organizations": orgs, "truncated": truncated}

    def deactivation_shares(self) -> dict[str, tuple[int, int]]:
        """kind -> (records this plan deactivates, synced active records now)."""
        shares = {}
        for kind, kp in self.kinds.items():
            gone = kp.count("deactivate")
            shares[kind] = (gone, kp.synced_active)  # type: ignore[attr-defined]
        return shares


def build_plan(*, district: Organization, snapshot: Snapshot, source: SyncSource) -> Plan:
    """The plan of ``snapshot`` in ``district``. The plan is the snapshot's one reader and
    forgets what it has used: a user's names and identifiers once planned, the enrollments
    once walked (a large district's snapshot is not held twice)."""
    plan = Plan(district)
    builder = _Builder(plan, district, snapshot, source)
    builder.orgs()
    builder.people()
    plan_passwords(plan, snapshot)
    builder.classes()
    builder.memberships()
    builder.products()
    builder.settings()
    return plan


def _unsent_warning(kind: str, spec: registry.Field, *, clever: bool) -> tuple[str, int, str, str]:
    """The warning (file, row, record, message) of a shared field the SIS's files have no
    column for."""
    file = ("students.csv" if kind == "student" else "teachers.csv") if clever else "users.csv"
    columns = [column.partition(".")[2] for column in (spec.clever if clever else spec.oneroster)]
    label = spec.label
    if columns:
        where = f"{file} has no {' or '.join(columns)} column"
        fix = f"Add the column to the SIS's export, or stop sharing {label} in the sync settings."
    else:
        where = f"Clever's {file} has no column for it"
        fix = f"Stop sharing {label} in the sync settings."
    message = (
        f"The sync settings share {label}, but {where}: the sync left every "
        f"{'student' if kind == 'student' else 'educator'}'s {label.lower()} as it is. {fix}"
    )
    return file, 0, "", message


class _Builder(OrgPhase, PeoplePhase, ClassPhase, MembershipPhase, ProductPhase):
    """The planner: its phases are the mixins (rostering.sync.plan_*), its core here."""

    def __init__(self, plan: Plan, district, snapshot: Snapshot, source: SyncSource) -> None:
        self.plan = plan
        self.district = district
        self.snapshot = snapshot
        self._sets: dict[frozenset, frozenset] = {}
        self.use_identifier = source.external_id_field == SyncSource.IdField.IDENTIFIER
        self.username_field = source.username_field or SyncSource.UsernameField.USERNAME
        self.clever_id = source.clever_id_column
        self.shared = {
            kind: shared_fields_of(district.pk, kind) & SHAREABLE_FIELDS[kind]
            for kind in PRODUCIBLE
        }
        self.writes = {
            kind: [
                name
                for name in fields
                if state_of(kind=kind, origin=Origin.SYNCED, field=name, shared=self.shared[kind])
                is not FieldState.LOCAL
            ]
            for kind, fields in PRODUCIBLE.items()
        }
        self._leave_unsent(snapshot)
        # What a person's plan holds: the written fields the SIS's user carries (the
        # registry's, rostering.oneroster.reading), in the order written, each with its
        # reader, made once here (a person's plan runs 200,000 times), and those of them the
        # SIS's values keep (shared fields).
        settings = {"use_identifier": self.use_identifier, "username_field": self.username_field}
        read = reading.readers(registry.STUDENT, **settings)
        self.sent_username, self.external_of = read["username"], read["external_id"]
        self.person_readers = {
            kind: person_readers(registry.KINDS[kind], self.writes[kind], **settings)
            for kind in ("student", "educator")
        }
        self.offered = {
            kind: tuple(name for name, _read in self.person_readers[kind])
            for kind in ("student", "educator")
        }
        self.shared_written = {
            kind: tuple(n for n in self.shared[kind] if n in self.offered[kind])
            for kind in ("student", "educator")
        }
        self._related: dict[tuple[str, int], tuple[list, frozenset[int]]] = {}

    def _leave_unsent(self, snapshot: Snapshot) -> None:
        """Fields the source's files have no column for (Snapshot.unsent) are not written:
        the SIS did not send them, so every record keeps its own. A shared one (the district
        chose to send it) is told once, with where its column would be, and its stored SIS
        values stay (``unsent_shared``): records are not rewritten for a column gone missing."""
        self.unsent_shared: dict[str, frozenset[str]] = {}
        for kind, unsent in snapshot.unsent.items():
            if kind not in self.writes or not unsent:
                continue
            self.writes[kind] = [name for name in self.writes[kind] if name not in unsent]
            self.unsent_shared[kind] = unsent & self.shared[kind]
            for spec in registry.KINDS[kind].fields:
                if spec.name in unsent and spec.name in self.shared[kind]:
                    self.warn(*_unsent_warning(kind, spec, clever=snapshot.version == "clever"))

    def column(self, field: str, file: str, kind: str = "") -> str:
        """The column of the record's file a field (or a OneRoster column) is read from, in
        the words of the source's format (rostering.oneroster.field_columns)."""
        return column_of(field, kind, file, self.clever_id)

    def _shared_set(self, orgs: set[int]) -> frozenset[int]:
        """One frozenset per distinct set of organizations (a new person's plan keeps it)."""
        frozen = frozenset(orgs)
        return self._sets.setdefault(frozen, frozen)

    def warn(self, file: str, row: int, record: str, message: str, field: str = "") -> None:
        problem = {"file": file, "row": row, "record": record, "message": message}
        if field:  # the OneRoster column, when one value is the problem
            problem["field"] = field
        self.plan.warnings.append(problem)

    def error(self, file: str, row: int, record: str, message: str, field: str = "") -> None:
        problem = {"file": file, "row": row, "record": record, "message": message}
        if field:  # the OneRoster column, when one value is the problem
            problem["field"] = field
        self.plan.errors.append(problem)

    def _managed(self, kind: str) -> dict[str, object]:
        """SIS id -> record of active records this sync owns after the plan."""
        kind_plan = self.plan.kinds[kind]
        managed = {
            c.sourced_id: c.record
            for c in kind_plan.changes
            if c.action in ("create", "claim", "update") and _active_after(c)
        }
        managed.update((r.sis_sourced_id, r) for r in kind_plan.unchanged if r.is_active)
        return managed
