"""Work out everything a snapshot would change in a district, without writing anything.

The plan is built from the district's records loaded once (a fixed number of queries, whatever
the size of the district) and the snapshot's plain records. ``rostering.ownership`` decides which
fields the sync writes (locked, and the district's shared fields); ``rostering.validators``
checks the values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from rostering import memberships, registry, usernames
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Organization,
    Origin,
    Student,
    StudentProductSetting,
)
from rostering.oneroster.field_columns import column_of
from rostering.oneroster.records import (
    STAFF_ROLES,
    STUDENT_ROLES,
    TO_BE_DELETED,
    Snapshot,
    role_mismatch,
)
from rostering.ownership import SHAREABLE_FIELDS, FieldState, shared_fields_of, state_of
from rostering.text import clean_text
from rostering.validators import blank_to_none, normalize_grade, validate_sis_username

from . import existing as existing_rows
from . import roster_pairs
from .matching import MATCH_FIELDS, Change, Incoming, KindPlan, plan_records
from .models import ProductRule, SettingRule, SyncSource
from .passwords import plan_passwords

PLAN_LIST_LIMIT = 500

# The fields the sync can fill for each kind (the registry's fields with a sync role, but the
# rosters, which memberships set); ownership says which of them it writes.
PRODUCIBLE = {
    kind: tuple(f.name for f in registry.KINDS[kind].fields if f.sync and not f.many)
    for kind in ("student", "educator", "class_group")
}
ATTNAME = {"school": "school_id"}
ORG_TYPES = {"school", "department", "local"}
DISTRICT_LEVEL = {"district", "state", "national"}
_UNKNOWN = object()


@dataclass
class OrgChange:
    action: str  # create | update | unchanged
    sourced_id: str
    record: Organization
    parent_key: int | None  # pk, or a negative key of a new org, or None for the district
    changes: dict = field(default_factory=dict)


@dataclass
class Plan:
    district: Organization
    orgs: list[OrgChange] = field(default_factory=list)
    org_keys: dict[str, int] = field(default_factory=dict)  # SIS org -> pk or -n (new)
    kinds: dict[str, KindPlan] = field(default_factory=dict)
    # Memberships: rows to add (class record, person record) and row pks to delete.
    student_adds: list[tuple] = field(default_factory=list)
    student_removes: list[int] = field(default_factory=list)
    educator_adds: list[tuple] = field(default_factory=list)
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
                "added": len(self.student_adds) + len(self.educator_adds),
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


def _refused(kind: registry.Kind, values: dict) -> tuple[str, str]:
    """The registry's message on the first value it refuses (normalising ``values`` in place)
    and that value's field name, or ("", "")."""
    fields = kind.by_name  # Field.check straight away: a sync checks 300,000 values
    for name, value in values.items():
        if isinstance(value, str) and value:
            spec = fields.get(name)
            if spec is None:
                continue  # a field the registry does not know passes as it is
            try:
                values[name] = spec.check(value)
            except ValidationError as exc:
                return exc.messages[0], name
    return "", ""


# A person's fields as the SIS's user offers them (``alt`` is the Alt External Assigned ID
# as sent); username and external_id are made by _person, once each.
_OFFERED = {
    # Whatever source built the snapshot, names are stored clean (rostering.text).
    "first_name": lambda user, alt: clean_text(user.given_name),
    "last_name": lambda user, alt: clean_text(user.family_name),
    "alt_external_id": lambda user, alt: blank_to_none(alt),
    "is_active": lambda user, alt: user.status != TO_BE_DELETED and user.enabled,
    "middle_name": lambda user, alt: clean_text(user.middle_name),
    "email": lambda user, alt: clean_text(user.email),
    "educator_type": lambda user, alt: (
        Educator.EducatorType.ADMINISTRATOR
        if user.kind == "administrator"
        else Educator.EducatorType.TEACHER
    ),
    "grade": lambda user, alt: user.grades[0] if user.grades else "",
}
_PERSON_FIELDS = {"username", "external_id", *_OFFERED}

# The OneRoster column a district may choose as the username (SyncSource.username_field).
_USERNAME_OF = {
    SyncSource.UsernameField.USERNAME: lambda user: user.username,
    SyncSource.UsernameField.EMAIL: lambda user: user.email,
    SyncSource.UsernameField.IDENTIFIER: lambda user: user.identifier,
    SyncSource.UsernameField.SOURCED_ID: lambda user: user.sourced_id,
}


class _Builder:
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
        # What a person's plan holds: the written fields a person's record offers, in the
        # order written, and those of them the SIS's values keep (shared fields).
        self.offered = {
            kind: tuple(n for n in self.writes[kind] if n in _PERSON_FIELDS)
            for kind in ("student", "educator")
        }
        self.shared_written = {
            kind: tuple(n for n in self.shared[kind] if n in self.offered[kind])
            for kind in ("student", "educator")
        }
        self._related: dict[tuple[str, int], tuple[list, frozenset[int]]] = {}

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

    # organizations ----------------------------------------------------------------------

    def orgs(self) -> None:
        district, plan = self.district, self.plan
        existing = list(Organization.objects.filter(district=district))
        by_sourced = {o.sis_sourced_id: o for o in existing if o.sis_sourced_id}
        by_external = {o.external_id: o for o in existing if o.external_id}
        new_key = 0
        pending: list[tuple[OrgChange, str]] = []
        for org in self.snapshot.orgs.values():
            if org.type in DISTRICT_LEVEL:
                plan.org_keys[org.sourced_id] = district.pk
                continue
            if org.type not in ORG_TYPES:
                continue
            external = blank_to_none(org.sourced_id if not self.use_identifier else org.identifier)
            name = clean_text(org.name)
            values = {"name": name, "external_id": external}
            problem, field_name = _refused(registry.ORGANIZATION, values)
            if problem:
                # The registry's verdict: the organization is not written (nor its people).
                self.error(
                    org.file,
                    org.row,
                    org.sourced_id,
                    f"{problem} Skipped.",
                    self.column(field_name, org.file),
                )
                continue
            record = by_sourced.get(org.sourced_id) or (
                by_external.get(external) if external else None
            )
            if record is None:
                new_key -= 1
                record = Organization(
                    name=name,
                    org_type=org.type,
                    district=district,
                    parent=district,
                    external_id=external,
                    sis_sourced_id=org.sourced_id,
                    origin=Origin.SYNCED,
                )
                change = OrgChange("create", org.sourced_id, record, None)
                plan.org_keys[org.sourced_id] = new_key
                record._sync_key = new_key  # resolved to a pk when applied
            else:
                wanted = {
                    "name": name,
                    "org_type": org.type,
                    "sis_sourced_id": org.sourced_id,
                    "origin": Origin.SYNCED,
                }
                if external:
                    wanted["external_id"] = external
                changes = {
                    k: (getattr(record, k), v) for k, v in wanted.items() if getattr(record, k) != v
                }
                change = OrgChange(
                    "update" if changes else "unchanged", org.sourced_id, record, None
                )
                change.changes = changes
                plan.org_keys[org.sourced_id] = record.pk
            plan.orgs.append(change)
            pending.append((change, org.parent_sourced_id))
        for change, parent in pending:
            parent_key = plan.org_keys.get(parent) if parent else None
            if parent_key == district.pk:
                parent_key = None
            change.parent_key = parent_key
            current = change.record.parent_id
            wanted_parent = parent_key if parent_key is not None else district.pk
            if change.action != "create" and current != wanted_parent:
                change.changes["parent"] = (current, wanted_parent)
                change.action = "update"

    def _orgs_of(self, user) -> set[int]:
        keys = self.plan.org_keys
        return {keys[o] for o in user.org_sourced_ids if o in keys}

    # students and educators -------------------------------------------------------------

    def _person(self, kind: str, user) -> Incoming | None:
        external = user.identifier if self.use_identifier else user.sourced_id
        alt = user.sourced_id if self.use_identifier else user.identifier
        column = self.username_field  # the OneRoster column the district chose
        sent = _USERNAME_OF[column](user)
        label = f"{user.given_name} {user.family_name} ({sent or user.username})"
        try:
            username = validate_sis_username(sent)
        except ValidationError as exc:
            message = exc.messages[0]
            named = self.column(column, user.file) or column  # in the file's own words
            if exc.code == "required" and column != SyncSource.UsernameField.USERNAME:
                message = (
                    f"{named} is blank, and the sync settings take usernames from {named}: "
                    "fill it in the SIS or choose another column. Skipped."
                )
            self.error(
                user.file,
                user.row,
                user.sourced_id,
                f"{label}: {message}",
                named,
            )
            return None
        # Only the fields this district's sync writes, each made once (this runs per person).
        external_id = blank_to_none(external)
        values = {}
        for name in self.offered[kind]:
            if name == "username":
                values[name] = username
            elif name == "external_id":
                values[name] = external_id
            else:
                values[name] = _OFFERED[name](user, alt)
        # The registry's one verdict (length, grade, email): a value refused is a problem of
        # the record, which is not written; nothing is blanked or cut short.
        problem, name = _refused(registry.KINDS[kind], values)
        if problem:
            self.error(
                user.file,
                user.row,
                user.sourced_id,
                f"{label}: {problem} Skipped.",
                self.column(name, user.file),
            )
            return None
        related = self._related_of(kind, user)
        if not related:
            where = "school" if kind == "student" else "organization"
            self.error(
                user.file,
                user.row,
                user.sourced_id,
                f"{label} belongs to no {where} of this district; skipped.",
            )
            return None
        return Incoming(
            sourced_id=user.sourced_id,
            file=user.file,
            row=user.row,
            label=label,
            values=values,
            sis_values={k: values[k] for k in self.shared_written[kind]},
            related=related,
            active=values.get("is_active", True),
            match_keys={
                "username": usernames.key(username),  # matching ignores case
                "external_id": external_id,
                "alt_external_id": values.get("alt_external_id"),
            },
        )

    def _related_of(self, kind: str, user) -> frozenset[int]:
        """The person's organizations in this district as one shared frozenset (a student's
        schools: the district itself left out). Users of the same schools share one list of
        roles (rostering.oneroster.reader), so it is worked out once per list."""
        roles = user.roles
        found = self._related.get((kind, id(roles)))
        if found is not None and found[0] is roles:
            return found[1]
        related = self._orgs_of(user)
        if kind == "student":
            related.discard(self.district.pk)
        shared = self._shared_set(related)
        if len(self._related) < 1000:  # OneRoster 1.2 gives each user a list of their own
            self._related[(kind, id(roles))] = (roles, shared)  # kept: its id stays its own
        return shared

    def people(self) -> None:
        snapshot, district = self.snapshot, self.district
        keep = set(snapshot.rejected.get("users", set()))
        educators: list[Incoming] = []
        seen: dict[str, dict] = {"student": {}, "educator": {}}

        def students():
            """Students one at a time, straight into matching (a large district's are never
            all held at once); educators, few, are kept for their turn. Every user is read
            before the students' plan looks for absent ones, so ``keep`` is whole by then."""
            for user in snapshot.users.values():
                kind = user.kind
                if not kind:
                    continue
                kind = "student" if kind == "student" else "educator"
                item = self._person(kind, user)
                _forget_values(user)
                if item is None:
                    keep.add(user.sourced_id)
                elif self._first_of(item, seen[kind], keep):
                    if kind == "student":
                        yield item
                    else:
                        educators.append(item)

        groups = {"student": students(), "educator": educators}
        complete = snapshot.is_complete("users") and snapshot.is_complete("roles")
        for kind, model, related_name in (
            ("student", Student, "schools"),
            ("educator", Educator, "organizations"),
        ):
            # Only what matching and comparing need, as light rows (.existing); apply reloads
            # whole rows of the records it changes (their history rows copy every field).
            needed = {"id", "district_id", "origin", "sis_sourced_id", "sis_values", "is_active"}
            needed |= {ATTNAME.get(n, n) for n in PRODUCIBLE[kind]}
            if kind == "educator":
                needed.add("user_id")
            else:
                needed.add("password_encrypted")  # compared with the SIS's (.passwords)
            existing = existing_rows.load(model, district, needed)
            through = getattr(model, related_name).through
            owner = f"{kind}_id"
            grouped: dict[int, set[int]] = defaultdict(set)
            for owner_id, org_id in through.objects.filter(
                **{f"{kind}__district": district}
            ).values_list(owner, "organization_id"):
                grouped[owner_id].add(org_id)
            # Most people share one of a few sets of schools: one frozenset each, not one set
            # per person (about 200 bytes a student).
            shared_sets: dict[frozenset, frozenset] = {}
            related_of = {
                owner_id: shared_sets.setdefault(frozenset(orgs), frozenset(orgs))
                for owner_id, orgs in grouped.items()
            }
            del grouped

            def make(item: Incoming, model=model):
                # A light row, not an instance (.existing): a first sync makes one per person.
                values = {**item.values, "district_id": district.pk, "origin": Origin.SYNCED}
                values["sis_sourced_id"], values["sis_values"] = item.sourced_id, item.sis_values
                return existing_rows.new(model, values)

            kp = plan_records(
                kind=kind,
                model=model,
                incoming=groups[kind],
                existing=existing,
                related_of=related_of,
                absent_means_gone=complete,
                keep_sourced_ids=keep,
                noun="students" if kind == "student" else "educators",
                make_record=make,
            )
            kp.synced_active = sum(1 for r in existing if r.origin == Origin.SYNCED and r.is_active)
            kp.related_of = related_of
            self.plan.kinds[kind] = kp
            self.plan.errors.extend(kp.errors)
            self.plan.warnings.extend(kp.warnings)
        self._check_usernames()

    def _first_of(self, item: Incoming, seen: dict[tuple[str, str], str], keep: set[str]) -> bool:
        """Two SIS records wanting the same username or ID: the first wins, the next errs."""
        for name in MATCH_FIELDS:
            value = item.match_keys.get(name)
            if value and (name, value) in seen:
                other = seen[(name, value)]
                value = item.values.get(name, value)  # as sent, not its matching key
                keep.add(item.sourced_id)
                self.error(
                    item.file,
                    item.row,
                    item.sourced_id,
                    f"{item.label}: {name.replace('_', ' ')} {value} is also used by SIS "
                    f"record {other}; skipped.",
                )
                return False
        for name in MATCH_FIELDS:
            value = item.match_keys.get(name)
            if value:
                seen[(name, value)] = item.sourced_id
        return True

    def _check_usernames(self) -> None:
        """Usernames are unique platform-wide, ignoring case (rostering.usernames): refuse
        ones another district (or a portal sign-in that is not this educator's) already
        holds. Within the district, matching ignores case too, so a clash there is a match or
        a conflict already."""
        district = self.district
        for kind, model in (("student", Student), ("educator", Educator)):
            kp = self.plan.kinds[kind]
            wanted: dict[str, tuple[str, Change]] = {}  # key -> (username as sent, change)
            for c in kp.changes:
                if c.action == "create":
                    wanted[usernames.key(c.record.username)] = (c.record.username, c)
                elif "username" in c.changes:
                    new = c.changes["username"][1]
                    wanted[usernames.key(new)] = (new, c)
            names = [username for username, _change in wanted.values()]
            taken = usernames.holders(model.objects.exclude(district=district), names)
            if kind == "educator":
                sign_ins = usernames.holders(get_user_model().objects.all(), names)
                for folded, user in sign_ins.items():
                    if getattr(wanted[folded][1].record, "user_id", None) != user.pk:
                        taken.setdefault(folded, user)
            if not taken:
                continue
            bad = set()
            for folded, held in taken.items():
                username, change = wanted[folded]
                user = self.snapshot.users.get(change.sourced_id)
                self.error(
                    user.file if user is not None else "users.csv",
                    user.row if user is not None else 0,
                    change.sourced_id,
                    f"{change.label}: {usernames.refusal(username, held.username)} Skipped.",
                )
                bad.add(id(change))
                kp.by_sourced_id.pop(change.sourced_id, None)
                if change.record.pk:
                    kp.protected_ids.add(change.record.pk)
            kp.changes = [c for c in kp.changes if id(c) not in bad]

    # classes ----------------------------------------------------------------------------

    def classes(self) -> None:
        snapshot, district = self.snapshot, self.district
        writes = self.writes["class_group"]
        keep = set(snapshot.rejected.get("classes", set()))
        items = []
        for cls in snapshot.classes.values():
            school = self.plan.org_keys.get(cls.school_sourced_id)
            if school is None or school == district.pk:
                keep.add(cls.sourced_id)
                self.error(
                    cls.file,
                    cls.row,
                    cls.sourced_id,
                    f"{cls.title}: its school {cls.school_sourced_id} is not a school of this "
                    "district; skipped.",
                )
                continue
            course = snapshot.courses.get(cls.course_sourced_id)
            offered = {
                "name": clean_text(cls.title),
                "school_id": school,
                "external_id": blank_to_none(cls.sourced_id),
                "subject": ", ".join(cls.subjects),
                "course_code": course.course_code if course else "",
                "is_active": cls.status != TO_BE_DELETED,
            }
            try:
                offered["grades"] = ",".join(normalize_grade(raw) for raw in cls.grades)
                problem, name = _refused(registry.CLASS_GROUP, offered)
            except ValidationError as exc:
                problem, name = exc.messages[0], "grades"
            if problem:
                # The registry's verdict, as for people: the class is not written.
                keep.add(cls.sourced_id)
                self.error(
                    cls.file,
                    cls.row,
                    cls.sourced_id,
                    f"{cls.title}: {problem} Skipped.",
                    self.column(name, cls.file, "classes"),
                )
                continue
            values = {ATTNAME.get(n, n): offered[ATTNAME.get(n, n)] for n in writes}
            items.append(
                Incoming(
                    sourced_id=cls.sourced_id,
                    file=cls.file,
                    row=cls.row,
                    label=cls.title,
                    values=values,
                    sis_values={},
                    active=values["is_active"],
                    match_keys={"external_id": values.get("external_id")},
                )
            )
        existing = list(ClassGroup.objects.filter(district=district))

        def make(item: Incoming):
            school_id = item.values["school_id"]
            record = ClassGroup(
                district=district, origin=Origin.SYNCED, sis_sourced_id=item.sourced_id
            )
            for name, value in item.values.items():
                if name != "school_id":
                    setattr(record, name, value)
            record._school_key = school_id  # may be a new org's negative key
            return record

        kp = plan_records(
            kind="class_group",
            model=ClassGroup,
            incoming=items,
            existing=existing,
            related_of=None,
            absent_means_gone=snapshot.is_complete("classes"),
            keep_sourced_ids=keep,
            noun="classes/groups",
            make_record=make,
        )
        kp.synced_active = sum(1 for r in existing if r.origin == Origin.SYNCED and r.is_active)
        self.plan.kinds["class_group"] = kp
        self.plan.errors.extend(kp.errors)

    # memberships, products, settings ----------------------------------------------------

    def _managed(self, kind: str) -> dict[str, object]:
        """SIS id -> record of active records this sync owns after the plan."""
        return {
            c.sourced_id: c.record
            for c in self.plan.kinds[kind].changes
            if c.action in ("create", "claim", "update", "unchanged") and _active_after(c)
        }

    def memberships(self) -> None:
        plan, snapshot = self.plan, self.snapshot
        classes = self._managed("class_group")
        students = self._managed("student")
        educators = self._managed("educator")
        gone_people = {
            kind: {
                c.record.pk
                for c in plan.kinds[kind].changes
                if c.record.pk and not _active_after(c)
            }
            for kind in ("student", "educator")
        }
        gone_classes = {
            c.record.pk
            for c in plan.kinds["class_group"].changes
            if c.record.pk and not _active_after(c)
        }
        protected = {
            "student": plan.kinds["student"].protected_ids,
            "educator": plan.kinds["educator"].protected_ids,
        }
        # Pairs between records that exist: compact, diffed as sets (.roster_pairs); a pair
        # with a record this run creates is an add at once (no such row can exist yet).
        known = {"student": roster_pairs.pairs(), "educator": roster_pairs.pairs()}
        # A new pair seen, as one int (the class's id() above the person's): a third of a
        # tuple of two ints, in a first sync where all 200,000 pairs are new.
        fresh: dict[str, set[int]] = {"student": set(), "educator": set()}
        adds_of = {"student": plan.student_adds, "educator": plan.educator_adds}
        users = snapshot.users
        at_school = self._at_school()
        # Walked once, record by record (a OneRoster set's are built from their file as they
        # come: rostering.oneroster.enrollments), straight into the pairs the database diffs.
        # This loop runs per enrollment (200,000 at 50,000 students): a user's kind is asked
        # once here, and the role rule's common answer needs no call (role_mismatch words it).
        for enrollment in snapshot.enrollments:
            if enrollment.status == TO_BE_DELETED:
                continue
            cls = classes.get(enrollment.class_sourced_id)
            user = users.get(enrollment.user_sourced_id)
            if cls is None or user is None:
                continue
            user_kind = user.kind
            student = user_kind == "student"
            if enrollment.role not in (STUDENT_ROLES if student else STAFF_ROLES):
                mismatch = role_mismatch(enrollment.role, user)
                self.warn(enrollment.file, enrollment.row, enrollment.sourced_id, mismatch, "role")
                continue
            kind = "student" if student else "educator"
            person = (students if student else educators).get(enrollment.user_sourced_id)
            if person is None:
                continue
            problem = at_school(cls, person, kind)
            if problem:  # the membership rule (rostering.memberships): reported, left out
                self.error(enrollment.file, enrollment.row, enrollment.sourced_id, problem)
                continue
            class_id, person_id = cls.id, person.id  # .id, not .pk: this runs per enrollment
            if class_id is not None and person_id is not None:
                known[kind].extend((class_id, person_id))
            elif (pair := (id(cls) << 64) | id(person)) not in fresh[kind]:
                fresh[kind].add(pair)
                adds_of[kind].append((cls, person))
        del fresh
        snapshot.enrollments = []  # the plan was their only reader
        managed_class_ids = {cls.pk for cls in classes.values() if cls.pk}
        class_by_pk = {cls.pk: cls for cls in classes.values() if cls.pk}
        for kind, model, people, adds, removes in (
            ("student", ClassStudent, students, plan.student_adds, plan.student_removes),
            ("educator", ClassEducator, educators, plan.educator_adds, plan.educator_removes),
        ):
            pairs_added, rows_removed = roster_pairs.diff(
                model,
                f"{kind}_id",
                self.district.pk,
                known.pop(kind),
                gone_people=gone_people[kind],
                gone_classes=gone_classes,
                managed_classes=managed_class_ids,
                protected=protected[kind],
            )
            removes.extend(rows_removed)
            if pairs_added:
                person_by_pk = {p.pk: p for p in people.values() if p.pk}
                adds.extend((class_by_pk[c], person_by_pk[m]) for c, m in pairs_added)

    def _at_school(self):
        """A check of the membership rule for (class record, person record, kind): None, or
        the problem to report. The person's schools and the class's school are taken as
        this sync leaves them (new organizations by their plan keys)."""
        plan = self.plan
        school_of = {}
        for change in plan.kinds["class_group"].changes:
            record = change.record
            if change.action == "create":
                school_of[id(record)] = record._school_key
            else:
                school_of[id(record)] = change.changes.get("school_id", (None, record.school_id))[1]
        # Only people whose schools this sync sets or moves (all of them at a first sync).
        moved = {
            id(c.record): c
            for kind in ("student", "educator")
            for c in plan.kinds[kind].changes
            if c.related_add or c.related_remove
        }
        current = {kind: plan.kinds[kind].related_of for kind in ("student", "educator")}

        def schools(person, kind: str):
            person_id = person.id  # .id, not .pk: this runs per enrollment
            before = current[kind].get(person_id, ()) if person_id else ()
            if not moved:
                return before
            change = moved.get(id(person))
            if change is None:
                return before
            if not before:
                return change.related_add  # no new set for a new person
            return (set(before) - change.related_remove) | change.related_add

        names = {plan.org_keys.get(o.sourced_id): o.record.name for o in plan.orgs}

        def name_of(key) -> str:
            if key not in names:
                names[key] = str(Organization.objects.filter(pk=key).first() or key)
            return names[key]

        def check(cls, person, kind: str) -> str | None:
            school = school_of.get(id(cls), _UNKNOWN)
            if school is _UNKNOWN:
                school = getattr(cls, "school_id", None)
            if school is None or school in schools(person, kind):
                return None
            name = f"{person.first_name} {person.last_name}".strip()
            return f"{memberships.not_at_school(name, name_of(school), cls.name)} Skipped."

        return check

    def products(self) -> None:
        plan = self.plan
        rules = list(ProductRule.objects.filter(district=self.district).select_related("product"))
        classes = self._managed("class_group")
        existing: dict[tuple[int, int], tuple[int, str]] = {}
        for pk, class_id, product_id, origin in ClassProduct.objects.filter(
            class_group__district=self.district
        ).values_list("pk", "class_group_id", "product_id", "origin"):
            existing[(class_id, product_id)] = (pk, origin)
        inactive_warned: set[int] = set()
        wanted: set[tuple[int, int]] = set()
        for sourced_id, record in classes.items():
            cls = self.snapshot.classes.get(sourced_id)
            if cls is None:
                continue
            course = self.snapshot.courses.get(cls.course_sourced_id)
            for product in _products_for(rules, cls, course):
                if not product.is_active:
                    if product.pk not in inactive_warned:
                        inactive_warned.add(product.pk)
                        self.warn(
                            cls.file,
                            cls.row,
                            sourced_id,
                            f"{product} is no longer offered; product rules naming it are skipped.",
                        )
                    continue
                key = (record.pk, product.pk) if record.pk else None
                if key is not None and key in existing:
                    wanted.add(key)
                    pk, origin = existing[key]
                    if origin != Origin.SYNCED:
                        plan.product_claims.append(pk)
                elif (id(record), product.pk) not in wanted:
                    wanted.add((id(record), product.pk))
                    plan.product_adds.append((record, product.pk))
        managed_ids = {c.pk for c in classes.values() if c.pk}
        for (class_id, product_id), (pk, origin) in existing.items():
            if (
                origin == Origin.SYNCED
                and class_id in managed_ids
                and (class_id, product_id) not in wanted
            ):
                plan.product_removes.append(pk)

    def settings(self) -> None:
        plan = self.plan
        rules = list(
            SettingRule.objects.filter(district=self.district).select_related("setting__product")
        )
        if not rules:
            return
        students = self._managed("student")
        setting_ids = {rule.setting_id for rule in rules}
        existing: dict[tuple[int, int], tuple[int, str, str]] = {}
        for pk, student_id, setting_id, value, origin in StudentProductSetting.objects.filter(
            student__district=self.district, setting_id__in=setting_ids
        ).values_list("pk", "student_id", "setting_id", "value", "origin"):
            existing[(student_id, setting_id)] = (pk, value, origin)
        for sourced_id, record in students.items():
            user = self.snapshot.users.get(sourced_id)
            if user is None or not user.extensions:
                continue
            columns = {name.lower(): value for name, value in user.extensions.items()}
            for rule in rules:
                raw = columns.get(rule.column.strip().lower(), "")
                if not raw:
                    continue
                value_map = {str(k).lower(): v for k, v in (rule.value_map or {}).items()}
                mapped = value_map.get(raw.lower(), raw)
                try:
                    value = rule.setting.validate_value(mapped)
                except ValidationError as exc:
                    self.warn(
                        user.file,
                        user.row,
                        sourced_id,
                        f"{rule.column} = {raw}: {exc.messages[0]} The setting was not changed.",
                    )
                    continue
                current = existing.get((record.pk, rule.setting_id)) if record.pk else None
                if current is None:
                    plan.setting_creates.append((record, rule.setting_id, value))
                elif current[1] != value or current[2] != Origin.SYNCED:
                    plan.setting_updates.append((current[0], value))


def _forget_values(user) -> None:
    """Drop what the plan has read of a snapshot's user once it is planned (its names,
    username, identifier, email): from then on the plan reads only the user's kind, file,
    row, password and extensions (passwords, refused usernames, enrollments' roles, product
    settings). At 50,000 students those strings are about 17 MB the plan would hold twice
    beside the district's own rows."""
    user.username = user.given_name = user.family_name = user.middle_name = ""
    user.identifier = user.email = ""


def _active_after(change: Change) -> bool:
    if "is_active" in change.changes:
        return bool(change.changes["is_active"][1])
    return bool(change.record.is_active)


def _matches(pattern: str, value: str) -> bool:
    pattern, value = pattern.strip().lower(), value.strip().lower()
    if not value:
        return False
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    return value == pattern


def _products_for(rules, cls, course) -> list:
    found = []
    for rule in rules:
        if rule.match_field == ProductRule.MatchField.COURSE_CODE:
            values = [course.course_code] if course else []
        elif rule.match_field == ProductRule.MatchField.SUBJECT:
            values = list(cls.subjects) + (list(course.subjects) if course else [])
        else:
            values = [cls.class_code]
        if any(_matches(rule.pattern, v) for v in values) and rule.product not in found:
            found.append(rule.product)
    return found
