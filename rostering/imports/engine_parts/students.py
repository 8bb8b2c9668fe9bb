"""Students (and Bulk Create Students): check every row, then write them all in bulk.

The rules come from the registry, the services and validators (normalize_person, the
password rules, ownership's locked fields); only the writing is done here, in bulk, so that
10,000 students take seconds and the number of queries does not grow with the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts import permissions
from rostering import memberships, registry, usernames
from rostering.engine.sql import fetch, paused_gc
from rostering.models import ClassGroup, ClassStudent, Origin, Student, StudentProduct
from rostering.models import StudentProductSetting as SettingValue
from rostering.ownership import shared_fields_of
from rostering.passwords import (
    HIDDEN_PASSWORD,
    encrypt_password,
    password_matches,
    validate_student_password,
)
from rostering.registry.normalisers import grade_label

from ..engine import ImportPlan, RecordChange, RowError
from .cells import Row
from .checking import person_fields, person_label, plan_existing, refuse_locked
from .columns import HeaderMatch
from .context import Context, fold
from .unchanged import UnchangedRows

PLAIN_FIELDS = registry.STUDENT.plain_fields  # names, username, email, IDs, grade
COLUMN_OF = {f.name: f.column for f in registry.STUDENT.template_fields}
CHECKED_COLUMNS = ("id", "district_id", "origin", "password_encrypted", *PLAIN_FIELDS)
OPTIONAL_KEEP_WHEN_BLANK = ("external_id", "password")


class Known:
    """A student of the district as the checks and the writer see it: the columns in
    CHECKED_COLUMNS. Not a model instance: 10,000 of those take longer to load than the
    rows take to check. The writer reads whole rows again for the students it updates."""

    __slots__ = (*CHECKED_COLUMNS, "updated_at")

    def __init__(self, values):
        for name, value in zip(CHECKED_COLUMNS, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Desired:
    """What one row asks for. None for a relation means the file does not have its column."""

    row: int
    fields: dict
    schools: set[int] | None = None
    classes: set[int] | None = None
    products: set[int] | None = None
    settings: dict[int, str] | None = None
    password: str | None = None


@dataclass
class Current:
    """What the database holds for the students the file touches."""

    records: dict[int, Known]
    schools: dict[int, set[int]] = field(default_factory=dict)
    classes: dict[int, set[int]] = field(default_factory=dict)
    products: dict[int, set[int]] = field(default_factory=dict)
    settings: dict[int, dict[int, str]] = field(default_factory=dict)


@dataclass
class Work:
    """The checked plan of writes: new students and (student, desired) pairs to update."""

    creates: list[Desired] = field(default_factory=list)
    updates: list[tuple[Known, Desired]] = field(default_factory=list)
    current: Current | None = None


def load_current(district, *, relations: set[str]) -> Current:
    loaded = fetch(Student.objects.filter(district=district).values_list(*CHECKED_COLUMNS))
    records = {values[0]: Known(values) for values in loaded}
    current = Current(records=records)
    mine = {"student__district": district}
    links = {
        "schools": Student.schools.through.objects.filter(**mine).values_list(
            "student_id", "organization_id"
        ),
        "classes": ClassStudent.objects.filter(**mine).values_list("student_id", "class_group_id"),
        "products": StudentProduct.objects.filter(**mine).values_list("student_id", "product_id"),
    }
    for name, queryset in links.items():
        if name in relations:
            found = getattr(current, name)
            for student_id, other_id in fetch(queryset):
                found.setdefault(student_id, set()).add(other_id)
    if "settings" in relations:
        for student_id, setting_id, value in fetch(
            SettingValue.objects.filter(**mine).values_list("student_id", "setting_id", "value")
        ):
            current.settings.setdefault(student_id, {})[setting_id] = value
    return current


class StudentChecker:
    def __init__(self, ctx: Context, match: HeaderMatch, plan: ImportPlan, *, bulk: bool):
        self.ctx = ctx
        self.match = match
        self.plan = plan
        self.bulk = bulk
        self._told_hidden = False
        relations = {key for key in ("classes", "products", "settings") if key in match.columns}
        relations.add("schools")
        with paused_gc():
            self.current = load_current(ctx.district, relations=relations)
        students = self.current.records.values()
        self.by_id = {s.external_id: s for s in students if s.external_id}
        self.by_alt = {s.alt_external_id: s for s in students if s.alt_external_id}
        self.by_username = {usernames.key(s.username): s for s in students}
        self.shared = shared_fields_of(ctx.district.pk, "student")
        self.classes = None
        if "classes" in match.columns:
            self._load_classes()
        self.seen_usernames: dict[str, int] = {}
        self.seen_ids: dict[str, int] = {}
        self.seen_students: dict[int, int] = {}
        self.elsewhere: dict[str, usernames.Holder] = {}  # usernames other districts hold
        self._memo: dict[tuple[str, str], object] = {}

    def _load_classes(self) -> None:
        self.classes = {"name": {}, "id": {}, "anywhere": {}}
        for group in ClassGroup.objects.filter(district=self.ctx.district, is_active=True):
            self.classes["name"].setdefault((group.school_id, fold(group.name)), []).append(group)
            self.classes["anywhere"].setdefault(fold(group.name), []).append(group)
            if group.external_id:
                self.classes["id"][fold(group.external_id)] = group
        self.class_origin = {
            g.pk: g.origin for groups in self.classes["name"].values() for g in groups
        }
        self.class_school = {
            g.pk: g.school_id for groups in self.classes["name"].values() for g in groups
        }

    def taken_elsewhere(self, names: list[str]) -> None:
        """Usernames are unique across the platform, ignoring case: which of the file's
        belong to students of other districts (rostering.usernames, one query per 5,000)."""
        fresh = [u for u in names if usernames.key(u) not in self.by_username]
        others = Student.objects.exclude(district=self.ctx.district)
        self.elsewhere.update(usernames.holders(others, fresh))

    def check_table(self, table) -> Work:
        """Check a template file's rows (reading.Table): a row that is a stored student
        exactly (unchanged.py) is counted unchanged without reading it cell by cell; every
        other row takes the full path (cells.Row, check_row), in file order."""
        quick = UnchangedRows(self, PLAIN_FIELDS)
        match, errors = self.match, self.plan.errors
        items: list = []
        with paused_gc():
            for index, cells in enumerate(table.rows):
                number = table.row_number(index)
                student = quick.student_of(cells) if quick.enabled else None
                if student is None:
                    items.append(Row(number, cells, match, errors))
                else:
                    items.append((number, cells, student))
        work = Work(current=self.current)
        if "username" in match.columns:
            self.taken_elsewhere(
                [i.get("username") for i in items if isinstance(i, Row) and i.get("username")]
            )
        with paused_gc():
            for item in items:
                if isinstance(item, Row):
                    self.check_row(item, work)
                elif not self._unchanged(*item):
                    number, cells, _ = item
                    self.check_row(Row(number, cells, match, errors), work)
        return work

    def _unchanged(self, number: int, cells, student: Known) -> bool:
        """Count the row as unchanged unless it repeats an earlier row's username, Student ID
        or student (then check_row says so, as for any row)."""
        key = usernames.key(student.username)
        student_id = student.external_id if "external_id" in self.match.columns else None
        if (
            key in self.seen_usernames
            or (student_id and student_id in self.seen_ids)
            or student.pk in self.seen_students
        ):
            return False
        self.seen_usernames[key] = number
        if student_id:
            self.seen_ids[student_id] = number
        self.seen_students[student.pk] = number
        self.plan.unchanged += 1
        label = _label(_fields_of(student))
        self.plan.changes.append(RecordChange(number, "unchanged", label, record_id=student.pk))
        return True

    def check_rows(self, rows: list[Row]) -> Work:
        work = Work(current=self.current)
        if "username" in self.match.columns:
            self.taken_elsewhere([row.get("username") for row in rows if row.get("username")])
        with paused_gc():
            for row in rows:
                self.check_row(row, work)
        return work

    # ---- one row ---------------------------------------------------------------------------

    def check_row(self, row: Row, work: Work) -> None:
        cols = self.match.columns
        fields = person_fields(
            row, cols, PLAIN_FIELDS, kind=registry.STUDENT, sis=self.ctx.sis, known=self.by_username
        )
        # Grade and email were normalised and checked as the cells were read (the registry).
        desired = Desired(row=row.number, fields=fields)
        if row.get("password") == HIDDEN_PASSWORD:
            self._hidden_password(row)
        elif row.get("password"):
            problems = validate_student_password(row.get("password"))
            if problems:
                row.error(cols["password"], " ".join(problems))
            desired.password = row.get("password")
        if fields.get("external_id") is None:
            fields.pop("external_id", None)  # a blank Student ID keeps the current one
        existing = self._match(row, fields)
        self._schools(row, desired, existing)
        if self.classes is not None:
            self._classes(row, desired, existing)
        if "products" in cols:
            desired.products = set()
            for value in row.many("products"):
                product = self._found(self.ctx.find_product, row, cols["products"], value)
                if product:
                    desired.products.add(product.pk)
        if "settings" in cols:
            desired.settings = {}
            for text in row.many("settings"):
                found = self._found(self.ctx.find_setting, row, cols["settings"], text)
                if found:
                    desired.settings[found[0].pk] = found[1]
        if row.has_error:
            return
        if existing is None:
            self.plan.created += 1
            self.plan.passwords_set += desired.password is not None
            work.creates.append(desired)
            self.plan.changes.append(RecordChange(row.number, "create", _label(fields)))
            return
        changes = self.diff(existing, desired)
        if "Password" not in changes:
            desired.password = None  # the same password: keep its stored token
        self._refuse_locked(row, existing, changes)
        if row.has_error:
            return
        self.plan.passwords_set += desired.password is not None
        label = _label({**_fields_of(existing), **fields})
        plan_existing(self.plan, work.updates, row, existing, desired, label, changes)

    def _hidden_password(self, row: Row) -> None:
        """An error file shows "(set)" instead of a password; uploaded again, that keeps the
        current password, as a blank cell does. Said once per file."""
        if not self._told_hidden:
            self._told_hidden = True
            self.plan.warnings.append(
                RowError(
                    row.number,
                    "Password",
                    f'"{HIDDEN_PASSWORD}" (from an error file, which never shows passwords) '
                    "keeps each student's current password. To set a new one, type it instead.",
                )
            )

    def _match(self, row: Row, fields: dict) -> Known | None:
        cols = self.match.columns
        username = fields.get("username") or ""
        student_id = fields.get("external_id")
        existing = self.by_id.get(student_id) if student_id else None
        key = usernames.key(username) if username else ""
        by_name = self.by_username.get(key) if username else None
        if existing is None:
            existing = by_name
        elif by_name is not None and by_name.pk != existing.pk:
            row.error(
                cols["username"],
                f'The username "{username}" belongs to another student ({by_name.full_name}) '
                f'than the Student ID "{student_id}" ({existing.full_name}). '
                "Correct the username or the Student ID.",
            )
        if username:
            first = self.seen_usernames.setdefault(key, row.number)
            if first != row.number:
                row.error(
                    cols["username"],
                    f'The username "{username}" is also in row {first}. '
                    "Each student needs their own username; remove or correct one row.",
                )
            elif key in self.elsewhere:  # a new student, or a rename
                held = self.elsewhere[key]
                row.error(cols["username"], usernames.refusal(username, held.username))
        if student_id:
            first = self.seen_ids.setdefault(student_id, row.number)
            if first != row.number:
                row.error(
                    cols["external_id"],
                    f'The Student ID "{student_id}" is also in row '
                    f"{first}. Each student needs their own; correct one of the rows.",
                )
        alt = fields.get("alt_external_id")
        if alt and alt in self.by_alt and (existing is None or self.by_alt[alt].pk != existing.pk):
            row.error(
                cols["alt_external_id"],
                f"Another student already has the Alt Student ID "
                f'"{alt}". Each student needs their own; check for a duplicate.',
            )
        if existing is not None:
            first = self.seen_students.setdefault(existing.pk, row.number)
            if first != row.number and not row.has_error:
                row.error(
                    cols["username"],
                    f"Row {first} is the same student "
                    f"({existing.full_name}). Keep one row per student.",
                )
            schools = self.current.schools.get(existing.pk, set())
            if not self.ctx.district_wide and not schools & self.ctx.allowed_school_ids:
                row.error(
                    cols["username"],
                    f'"{username or student_id}" is a student of '
                    "another school, not one of yours. Remove this row or ask a "
                    "district administrator.",
                )
        return existing

    def _found(self, finder, row: Row, column, value: str):
        """``finder(row, column, value)``, remembered per value once found: 10,000 rows name
        the same few schools and products. A value not found is looked up (and reported)
        in each row that has it."""
        key = (finder.__name__, value)
        found = self._memo.get(key)
        if found is None:
            found = finder(row, column, value)
            if found is not None:
                self._memo[key] = found
        return found

    def _schools(self, row: Row, desired: Desired, existing: Known | None) -> None:
        if self.bulk:
            school = self.ctx.school
            current = self.current.schools.get(existing.pk, set()) if existing else set()
            desired.schools = current | {school.pk}
            return
        column = self.match.columns.get("schools")
        if column is None:
            return
        found = set()
        for value in row.many("schools"):
            org = self._found(self.ctx.find_org, row, column, value)
            if org is not None:
                found.add(org.pk)
        current = self.current.schools.get(existing.pk, set()) if existing is not None else set()
        self.ctx.refuse_closed(row, column, found, current=current)
        if existing is not None:  # schools outside the importer's scope stay as they are
            kept = current - self.ctx.allowed_school_ids
            found |= kept
            for pk in sorted(kept, key=lambda pk: self.ctx.orgs[pk].name):
                self._kept(row, column, self.ctx.orgs[pk].name, existing)
        desired.schools = found

    def _classes(self, row: Row, desired: Desired, existing: Known | None) -> None:
        column = self.match.columns["classes"]
        schools = desired.schools or set()
        chosen = set()
        current = self.current.classes.get(existing.pk, set()) if existing else set()
        by_id, by_name = self.classes["id"], self.classes["name"]
        for value in row.many("classes"):
            folded = fold(value)
            group = by_id.get(folded)
            if group is None:
                named = [g for school in schools for g in by_name.get((school, folded), [])]
                if len(named) > 1:
                    row.error(
                        column,
                        f'Several classes/groups are called "{value}". Use the '
                        "External Assigned ID of the one you mean.",
                    )
                    continue
                group = named[0] if named else None
            if group is None:
                group = self._named_elsewhere(value)
            if group is not None and group.school_id not in schools:
                # The membership rule (rostering.memberships), in every channel's words.
                known = {**(_fields_of(existing) if existing else {}), **desired.fields}
                person = f"{known.get('first_name', '')} {known.get('last_name', '')}".strip()
                school = self.ctx.orgs[group.school_id].name
                row.error(column, memberships.not_at_school(person, school, group.name))
                continue
            if group is None:
                row.error(
                    column,
                    f'There is no class/group "{value}" in this student\'s '
                    "schools. Check its name, or add the school in Organizations.",
                )
                continue
            if group.school_id not in self.ctx.allowed_school_ids:
                row.error(column, f'"{group.name}" is in a school that is not yours.')
                continue
            if group.origin == Origin.SYNCED and group.pk not in current:
                row.error(
                    column,
                    f'"{group.name}" is synced from your SIS: its students are '
                    "changed in your SIS. Remove it from this row.",
                )
                continue
            chosen.add(group.pk)
        # Memberships of synced classes are the SIS's; the file never removes them.
        chosen |= {pk for pk in current if self.class_origin.get(pk) == Origin.SYNCED}
        # Nor memberships at schools outside the importer's (accounts.permissions).
        for pk in sorted(current - chosen):
            school_id = self.class_school.get(pk)
            if school_id is not None and not self.ctx.reach.covers(school_id):
                chosen.add(pk)
                self._kept(row, column, self.ctx.orgs[school_id].name, existing)
        desired.classes = chosen

    def _named_elsewhere(self, value: str):
        """The one class/group of the district called ``value``, whatever its school."""
        named = self.classes["anywhere"].get(fold(value), [])
        return named[0] if len(named) == 1 else None

    def _kept(self, row: Row, column, school_name: str, student: Known) -> None:
        """A note on the row: a link outside the importer's schools stays as it is."""
        self.plan.warnings.append(
            RowError(
                row.number,
                column.name if column is not None else "",
                permissions.removal_refused(student.full_name, school_name),
            )
        )

    def _refuse_locked(self, row: Row, student: Known, changes: dict) -> None:
        refuse_locked(
            row,
            kind="student",
            origin=student.origin,
            shared=self.shared,
            column_of=COLUMN_OF,
            changes=changes,
        )

    # ---- differences -----------------------------------------------------------------------

    def diff(self, student: Known, desired: Desired) -> dict[str, tuple[str, str]]:
        return diff(self.current, student, desired, self.ctx)


def diff(current: Current, student: Known, desired: Desired, ctx) -> dict:
    changes = {}
    for name, new in desired.fields.items():
        old = getattr(student, name)
        if (old or None) != (new or None):
            if name == "grade":
                old, new = grade_label(old), grade_label(new)
            changes[COLUMN_OF[name]] = (old or "", new or "")
    pk = student.pk
    if desired.schools is not None:
        old = current.schools.get(pk, set())
        if old != desired.schools:
            changes["Organizations"] = (_names(ctx, old), _names(ctx, desired.schools))
    if desired.classes is not None:
        old = current.classes.get(pk, set())
        if old != desired.classes:
            changes["Classes/Groups"] = (
                f"{len(old)} classes/groups",
                f"{len(desired.classes)} classes/groups",
            )
    if desired.products is not None:
        old = current.products.get(pk, set())
        if old != desired.products:
            changes["Products"] = (f"{len(old)} products", f"{len(desired.products)} products")
    if desired.settings:
        old = current.settings.get(pk, {})
        moved = {k: v for k, v in desired.settings.items() if old.get(k) != v}
        if moved:
            changes["Product Settings"] = (
                "; ".join(old.get(k, "") or "(default)" for k in moved),
                "; ".join(moved.values()),
            )
    if desired.password is not None and not password_matches(
        student.password_encrypted, desired.password
    ):
        changes["Password"] = ("(hidden)", "(new password)")
    return changes


def _names(ctx, ids) -> str:
    return "; ".join(sorted(ctx.orgs[i].name if i in ctx.orgs else str(i) for i in ids))


def _fields_of(student: Known) -> dict:
    return {
        "first_name": student.first_name,
        "last_name": student.last_name,
        "username": student.username,
    }


_label = person_label


def encrypt(desired: Desired) -> str | None:
    return encrypt_password(desired.password) if desired.password else None
