"""Only the engine (rostering/engine/) writes roster rows: a scan of the code for writers beside it.

The scan reads every module of rostering/, accounts/ and portal/ but the engine's and the
migrations' (a data migration rewrites a stored format once, under ``migrate``) and fails on
what a second writer would look like:

- ``bulk_create`` / ``bulk_update``, whatever the model;
- SQL that writes (``INSERT INTO``, ``UPDATE … SET``, ``DELETE FROM``, ``TRUNCATE``, ``COPY …
  FROM STDIN``) in a string, whatever the table: table names are often put in at run time;
- a manager's or queryset's write (``create``, ``update``, ``delete``, ``get_or_create``…)
  reached from a roster model's name (``Student.objects.filter(…).update(…)``) or from a name
  bound to one of their link tables (``StudentSchool = Student.schools.through``);
- a related manager's write that a Python set or dict does not share (``set``, ``create``,
  ``delete``…) on a roster relation (``student.schools.set(…)``); ``add``, ``remove``,
  ``clear`` and ``update`` look like a set's and are left to review.

An instance's ``save()`` or ``delete()`` is not caught: its type is not known to a scan. The
admin's saves go through the services (rostering/admin/mixins.py), and the demo's through the
services and the engine (tests/rostering/test_seed_demo.py checks every history row names a
channel).

ALLOWED names each function that may do one of these anyway, and why it is not a roster write.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Organization,
    Student,
    StudentProduct,
    StudentProductSetting,
)

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("rostering", "accounts", "portal")
ENGINE = "rostering/engine/"

# The roster rows: records, their memberships, school links, product links and settings.
ROSTER_MODELS = (
    Student,
    Educator,
    ClassGroup,
    Organization,
    ClassStudent,
    ClassEducator,
    ClassProduct,
    StudentProduct,
    StudentProductSetting,
    Student.schools.through,
    Educator.organizations.through,
)

ALLOWED = {
    ("rostering/locks.py", "_take"): "the district lock bumps the district's roster_version, "
    "a counter kept out of history, not a roster value",
    ("rostering/link_history.py", "_insert_select"): "history rows (LinkChange) of links, "
    "written for the engine, which alone calls it",
    ("rostering/sync/roster_pairs.py", "_diff_sql"): "the sync plan's temporary staging "
    "table of SIS memberships, diffed against the stored ones; nothing is written from it",
    ("rostering/liveness.py", "Heartbeat._loop"): "a running job's heartbeat",
    ("rostering/imports/jobs.py", "_ProgressWriter.__call__"): "an import job's progress",
    ("rostering/imports/submissions.py", "submission_create"): "an assisted submission's files",
    ("rostering/fields.py", "encrypt_existing.run"): "a data migration's step encrypting "
    "stored upload files (import jobs, sync runs)",
}

WRITING_SQL = re.compile(
    r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|TRUNCATE|COPY\s+\S+.*\bFROM\s+STDIN)\b",
    re.S,
)
MANAGER_WRITES = frozenset(
    {"create", "get_or_create", "update_or_create", "update", "delete", "bulk_create",
     "bulk_update", "add", "remove", "set", "clear"}
)  # fmt: skip
# A related manager's writes that no set, dict or list has.
RELATED_ONLY_WRITES = MANAGER_WRITES - {"add", "remove", "clear", "update"}


def _roster_relations() -> frozenset[str]:
    """Names of the relations that lead to roster rows (``schools``, ``class_groups``,
    ``product_settings``, ``values``…), read from the models."""
    from django.apps import apps

    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and (field.many_to_many or field.one_to_many)):
                continue
            through = getattr(getattr(field, "remote_field", None), "through", None)
            if field.related_model in ROSTER_MODELS or through in ROSTER_MODELS:
                names.add(field.get_accessor_name() if field.auto_created else field.name)
    return frozenset(names)


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _root(node):
    """The name a chain of attributes and calls starts from (``Student`` in
    ``Student.objects.filter(...).update``), or the node it stops at."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


class _Scan(ast.NodeVisitor):
    def __init__(self, path: str, model_names: set[str], relations: frozenset[str]):
        self.path, self.model_names, self.relations = path, set(model_names), relations
        self.scope: list[str] = []
        self.found: list[tuple[str, int, str]] = []

    def _where(self) -> str:
        return ".".join(self.scope)

    def _note(self, node, what: str) -> None:
        self.found.append((self._where(), node.lineno, what))

    def _scoped(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def visit_Assign(self, node):
        # A name bound to a roster link table (StudentSchool = Student.schools.through).
        value = node.value
        root = _root(value)
        if (
            isinstance(value, ast.Attribute)
            and value.attr == "through"
            and isinstance(root, ast.Name)
            and root.id in self.model_names
        ):
            self.model_names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        self.generic_visit(node)

    def visit_Constant(self, node):
        self._sql(node)

    def visit_JoinedStr(self, node):
        self._sql(node)  # not its parts: an f-string is one statement

    def _sql(self, node):
        text = _text(node)
        if text and WRITING_SQL.search(text):
            self._note(node, f"SQL that writes: {' '.join(text.split())[:60]}")

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in ("bulk_create", "bulk_update"):
                self._note(node, func.attr)
            elif func.attr in MANAGER_WRITES:
                root = _root(func.value)
                if isinstance(root, ast.Name) and root.id in self.model_names:
                    self._note(node, f"{root.id}….{func.attr}()")
                elif (
                    func.attr in RELATED_ONLY_WRITES
                    and isinstance(func.value, ast.Attribute)
                    and func.value.attr in self.relations
                ):
                    self._note(node, f"….{func.value.attr}.{func.attr}()")
        self.generic_visit(node)


def _modules():
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel.startswith(ENGINE) or "/migrations/" in rel:
                continue
            yield rel, path


def _writers() -> dict[tuple[str, str], list[str]]:
    names = {model.__name__ for model in ROSTER_MODELS}
    relations = _roster_relations()
    found: dict[tuple[str, str], list[str]] = {}
    for rel, path in _modules():
        scan = _Scan(rel, names, relations)
        scan.visit(ast.parse(path.read_text(), filename=rel))
        for where, line, what in scan.found:
            found.setdefault((rel, where), []).append(f"{rel}:{line} ({where}): {what}")
    return found


@pytest.fixture(scope="module")
def writers():
    return _writers()


def test_nothing_outside_the_engine_writes_roster_rows_in_bulk_or_in_sql(writers):
    unexplained = [line for key, lines in writers.items() if key not in ALLOWED for line in lines]
    assert not unexplained, (
        "Roster rows are written by the engine only (rostering/engine/; services hand it a "
        "batch: rostering/services/writes.py). Route these through it, or, if they write no "
        "roster row, add them to ALLOWED with the reason:\n" + "\n".join(unexplained)
    )


def test_every_allowed_writer_is_still_there(writers):
    # A stale entry would let a new writer in the same place pass unseen.
    assert not set(ALLOWED) - set(writers), "ALLOWED names functions that write nothing now"


def test_the_scan_sees_a_direct_writer():
    source = (
        "StudentSchool = Student.schools.through\n"
        "def f(student, cursor):\n"
        "    Student.objects.filter(pk=1).update(grade='07')\n"
        "    StudentSchool.objects.filter(student_id=1).delete()\n"
        "    student.schools.set([])\n"
        "    ClassStudent.objects.bulk_create([])\n"
        "    cursor.execute(f'DELETE FROM {table} WHERE id = %s', [1])\n"
        "    desired.schools.add(3)  # a plain set of ids: not a write\n"
    )
    scan = _Scan("x.py", {m.__name__ for m in ROSTER_MODELS}, _roster_relations())
    scan.visit(ast.parse(source))
    assert [line for _, line, _ in scan.found] == [3, 4, 5, 6, 7]
