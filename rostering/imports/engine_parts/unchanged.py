"""The same file again: a Students row whose cells are exactly what ``export_roster`` writes
for the stored student is unchanged, and needs none of the per-value matching a changed row
needs (the slowest part of checking 10,000 rows that change nothing).

A row is taken as unchanged here only when every check of the full path (cells.Row and
StudentChecker.check_row) is known to pass on it and to change nothing:

- each cell is clean (no invisible characters, spaces at its ends or formula start) and
  passes its registry check unchanged: a stored value that has since become invalid (a grade
  out of the vocabulary, an email or a length refused today) takes the full path and is
  reported there; a required cell is not empty;
- the username is the student's own, spelled as stored and valid; the Student ID and the Alt
  Student ID are the student's own and nobody else's;
- the password, when given, is valid and already the student's; "(set)" takes the full path
  (its note);
- the student is in the importer's scope, and every school, class/group, product and setting
  the cells name is found by the very finder the full path uses (Context.find_*; classes by
  External ID), is the record the student already has and is in the importer's schools, so no
  link outside them is kept with a note;
- the row repeats no earlier row's username, Student ID or student (StudentChecker checks
  that in file order, ``unchanged``).

Any doubt and the row takes the full path, which says exactly what it always said.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from rostering import registry, usernames
from rostering.formulas import ESCAPE
from rostering.imports.export import org_refs, setting_ref
from rostering.passwords import HIDDEN_PASSWORD, password_matches, validate_student_password
from rostering.text import clean_text

from .cells import _RISKY_FIRST
from .context import fold

LISTS = ("schools", "classes", "products", "settings")
# Cells many rows share (the rest are each student's own): their verdict is remembered.
SHARED = frozenset({*LISTS, "grade", *registry.STUDENT.name_fields})


class _Probe:
    """A row for Context's finders: remembers whether one refused the value."""

    __slots__ = ("refused",)

    def __init__(self):
        self.refused = False

    def error(self, column, message) -> None:
        self.refused = True


def _plain(ref) -> bool:
    """A value a list cell holds as it is: ``split_many`` gives it back unchanged."""
    return bool(ref) and ref == ref.strip() and ";" not in ref and not ref.startswith('"')


class UnchangedRows:
    """Which rows of a Students file are the stored students exactly (``student_of``)."""

    def __init__(self, checker, plain_fields):
        self.checker = checker
        ctx, match = checker.ctx, checker.match
        cols = match.columns
        keys = [k for k in cols if k != "password"]
        self.enabled = (
            not checker.bulk
            and not match.page_owned
            and not ctx.sis
            and "username" in cols
            and all(k in plain_fields or k in LISTS for k in keys)
        )
        if not self.enabled:
            return
        # Plain cells first: most changed rows differ there, before any list is rebuilt.
        self.plain = [k for k in keys if k not in LISTS]
        self.lists = [k for k in keys if k in LISTS]
        self.keys = self.plain + self.lists
        self.columns = [cols[k] for k in self.keys]
        self.positions = [match.positions[k] for k in self.keys]
        self.plain_at = [(k, match.positions[k]) for k in self.plain]
        self.username_at = match.positions["username"]
        self.password = cols.get("password")
        self.password_at = match.positions.get("password")
        self.current = checker.current
        self.by_exact = {s.username: s for s in self.current.records.values()}
        # Per column, the verdict on each value seen (for the cells many rows share).
        self.memos = [{} if k in SHARED else None for k in self.keys]
        self.school_refs = self._school_refs() if "schools" in cols else {}
        self.class_refs = self._class_refs() if "classes" in cols else {}
        if "products" in cols or "settings" in cols:
            self._products_and_settings()

    # ---- what the export writes, where the full path would find it again --------------------

    def _school_refs(self) -> dict[int, str]:
        """Organization pk -> the cell text naming it (export_roster's: its name, or its ID
        when two share the name), for those find_org finds again, in the importer's scope."""
        ctx = self.checker.ctx
        refs = {}
        for pk, ref in org_refs(ctx.orgs.values()).items():
            if _plain(ref) and self._finds(ctx.find_org, ref) is ctx.orgs[pk]:
                refs[pk] = ref
        return refs

    def _class_refs(self) -> dict[int, tuple[str, int]]:
        """Class pk -> (its External ID, its school) for the active classes/groups in the
        importer's schools that the ID finds again (the export names the others otherwise)."""
        checker = self.checker
        by_id = checker.classes["id"]
        allowed = checker.ctx.allowed_school_ids
        refs = {}
        for group in by_id.values():
            ref = group.external_id
            if _plain(ref) and by_id.get(fold(ref)) is group and group.school_id in allowed:
                refs[group.pk] = (ref, group.school_id)
        return refs

    def _products_and_settings(self) -> None:
        ctx = self.checker.ctx
        products, settings = ctx.products_and_settings()
        self.product_refs = {}
        for product in set(products.values()):
            if _plain(product.name) and self._finds(ctx.find_product, product.name) is product:
                self.product_refs[product.pk] = product.name
        self.settings_by_pk = {s.pk: s for group in settings.values() for s in group}
        self.setting_refs: dict[tuple[int, str], str | None] = {}

    def _finds(self, finder, value: str):
        probe = _Probe()
        found = finder(probe, None, value)
        return None if probe.refused else found

    def _setting_ref(self, setting_pk: int, value: str) -> str | None:
        key = (setting_pk, value)
        if key not in self.setting_refs:
            setting = self.settings_by_pk.get(setting_pk)
            ref = None
            if setting is not None:
                text = setting_ref(setting.product.name, setting.label, value)
                found = self._finds(self.checker.ctx.find_setting, text) if _plain(text) else None
                if found is not None and found[0].pk == setting_pk and found[1] == value:
                    ref = text
            self.setting_refs[key] = ref
        return self.setting_refs[key]

    # The student's cells as export_roster writes them: each plain one as stored ("" for
    # None), then the lists (None when one would not be found again as it is).

    def expected_lists(self, student) -> tuple[str, ...] | None:
        pk = student.id
        current = self.current
        out = []
        schools = current.schools.get(pk, set()) if "schools" in self.lists else set()
        for key in self.lists:
            if key == "schools":
                refs = [self.school_refs.get(o) for o in schools]
            elif key == "classes":
                refs = []
                for group in current.classes.get(pk, ()):
                    ref = self.class_refs.get(group)
                    if ref is None or ref[1] not in schools:
                        return None
                    refs.append(ref[0])
            elif key == "products":
                refs = [self.product_refs.get(p) for p in current.products.get(pk, ())]
            else:
                stored = current.settings.get(pk, {})
                refs = [self._setting_ref(s, v) for s, v in stored.items()]
            if None in refs:
                return None
            out.append("; ".join(sorted(refs)))  # _plain refs: join_many would write the same
        return tuple(out)

    # ---- one row ----------------------------------------------------------------------------

    def student_of(self, cells: list[str]):
        """The stored student whose row ``cells`` is, unchanged and passing every check that
        does not depend on the file's other rows; None when the full path must decide."""
        width = len(cells)
        at = self.username_at
        student = self.by_exact.get(cells[at] if at < width else "")
        if student is None:
            return None
        for key, i in self.plain_at:  # a changed row most often differs here: stop at once
            value = getattr(student, key)
            if (cells[i] if i < width else "") != ("" if value is None else str(value)):
                return None
        got = tuple(cells[i] if i < width else "" for i in self.positions)
        if got[len(self.plain) :] != self.expected_lists(student) or not self._cells_ok(got):
            return None
        if self.password is not None and not self._password_ok(student, cells):
            return None
        return student if self._matches(student) else None

    def _cells_ok(self, values) -> bool:
        cell_ok = self._cell_ok
        for column, memo, value in zip(self.columns, self.memos, values, strict=True):
            if memo is None:
                ok = cell_ok(column, value)
            else:
                ok = memo.get(value)
                if ok is None:
                    ok = memo[value] = cell_ok(column, value)
            if not ok:
                return False
        return True

    @staticmethod
    def _cell_ok(column, value: str, *, trim: bool = True) -> bool:
        """cells.Row reads ``value`` as it is, with no problem."""
        if not value:
            return not column.required
        if trim and (value[:1] in _RISKY_FIRST or value[:1] == ESCAPE):
            return False
        if clean_text(value, trim=trim) != value:
            return False
        try:
            return column.field.check(value) == value
        except ValidationError:
            return False

    def _password_ok(self, student, cells) -> bool:
        at = self.password_at
        raw = cells[at] if at < len(cells) else ""
        if not raw:
            return True
        if raw == HIDDEN_PASSWORD or not self._cell_ok(self.password, raw, trim=False):
            return False
        if validate_student_password(raw):
            return False
        return password_matches(student.password_encrypted, raw)

    def _matches(self, student) -> bool:
        """StudentChecker._match finds this student, with no problem and no other record."""
        checker = self.checker
        ctx = checker.ctx
        if checker.by_username.get(usernames.key(student.username)) is not student:
            return False
        try:
            if usernames.validate_sis_username(student.username) != student.username:
                return False
        except ValidationError:
            return False
        if "external_id" in self.keys and student.external_id:
            if checker.by_id.get(student.external_id) is not student:
                return False
        alt = student.alt_external_id if "alt_external_id" in self.keys else None
        if alt and checker.by_alt.get(alt, student) is not student:
            return False
        schools = self.current.schools.get(student.id, set())
        return ctx.district_wide or bool(schools & ctx.allowed_school_ids)
