"""A small stand-in for the import engine, for view tests that are about the pages and the
job workflow rather than the rows. It returns the engine's real dataclasses and writes real
students on commit, so tests still check database state. Tests using it say "fake_engine" in
their names; test_end_to_end_real_engine.py uses the real engine."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError

from rostering.imports import engine
from rostering.imports.engine import (
    ImportPlan,
    ImportRejected,
    ImportResult,
    RecordChange,
    RowError,
)
from rostering.models import Organization, Student
from tests import factories

COLUMNS = [
    {"name": "First Name", "required": True, "help": ""},
    {"name": "Last Name", "required": True, "help": ""},
    {"name": "Username", "required": True, "help": "Letters, digits, dots"},
    {"name": "Organizations", "required": True, "help": "School name"},
    {"name": "Grade", "required": False, "help": "K, 1 to 12"},
    {"name": "Email", "required": False, "help": ""},
]


@dataclass
class FakeEngine:
    calls: list = field(default_factory=list)
    progress_seen: list = field(default_factory=list)

    def _rows(self, content: bytes) -> list[dict]:
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))

    def check_file(self, *, actor, district, kind, file_name, content, school=None):
        self.calls.append(("check", kind, actor))
        plan = ImportPlan(kind=kind)
        existing = {s.username: s for s in Student.objects.filter(district=district)}
        for number, row in enumerate(self._rows(content), start=2):
            username = (row.get("Username") or "").strip()
            first = (row.get("First Name") or "").strip()
            if not username:
                plan.errors.append(RowError(number, "Username", "Username is empty: type one."))
                continue
            student = existing.get(username)
            if student is None:
                plan.created += 1
                plan.changes.append(
                    RecordChange(
                        number, "create", f"{first} ({username})", {"First Name": ("", first)}
                    )
                )
            elif student.first_name != first:
                plan.updated += 1
                plan.changes.append(
                    RecordChange(
                        number,
                        "update",
                        f"{first} ({username})",
                        {"First Name": (student.first_name, first)},
                    )
                )
            else:
                plan.unchanged += 1
                plan.changes.append(RecordChange(number, "unchanged", f"{first} ({username})"))
        return plan

    def commit_file(self, *, actor, district, kind, file_name, content, school=None, progress=None):
        self.calls.append(("commit", kind, actor))
        plan = self.check_file(
            actor=actor, district=district, kind=kind, file_name=file_name, content=content
        )
        if plan.errors:
            raise ImportRejected(plan)
        if progress:
            progress(40, "Writing students")
            self.progress_seen.append(40)
        schools = Organization.objects.filter(district=district).exclude(pk=district.pk)
        target = school or schools.order_by("name").first()
        created, updated = [], {}
        rows = {r["Username"].strip(): r for r in self._rows(content)}
        for change in plan.changes:
            username = change.label.rsplit("(", 1)[1].rstrip(")")
            row = rows[username]
            if change.action == "create":
                student = factories.StudentFactory(
                    school=target,
                    username=username,
                    first_name=row["First Name"],
                    last_name=row["Last Name"],
                )
                created.append(student.pk)
            elif change.action == "update":
                student = Student.objects.get(district=district, username=username)
                updated[student.pk] = student.first_name
                student.first_name = row["First Name"]
                student.save()
        return ImportResult(
            plan.created,
            plan.updated,
            plan.unchanged,
            applied={
                "version": 2,
                "records": [
                    *({"op": "create", "kind": "student", "pk": pk, "after": {}} for pk in created),
                    *(
                        {"op": "update", "kind": "student", "pk": pk, "before": {}, "after": {}}
                        for pk in updated
                    ),
                ],
            },
        )

    def undo_import(self, *, actor, district, result):
        self.calls.append(("undo", actor))
        records = result["applied"]["records"]
        created = [item["pk"] for item in records if item["op"] == "create"]
        if Student.objects.filter(pk__in=created, first_name__startswith="Changed").exists():
            raise ValidationError("Some of these students were changed since the import.")
        Student.objects.filter(pk__in=created).delete()
        return []

    def template_columns(self, kind):
        return COLUMNS

    def template_file(self, kind, optional_columns, fmt, *, user=None):
        header = [c["name"] for c in COLUMNS if c["required"]] + list(optional_columns)
        return f"{kind}-template.{fmt}", (",".join(header) + "\r\n").encode(), "text/csv"

    def error_file(self, *, file_name, content, errors):
        by_row = {e["row"]: e["message"] for e in errors}
        out = io.StringIO()
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        writer = csv.writer(out)
        for number, row in enumerate(reader, start=1):
            if number == 1:
                writer.writerow(row + ["Errors"])
            elif number in by_row:
                writer.writerow(row + [by_row[number]])
        return f"errors-{file_name}", out.getvalue().encode()


@pytest.fixture
def fake_engine(monkeypatch) -> FakeEngine:
    fake = FakeEngine()
    for name in (
        "check_file",
        "commit_file",
        "undo_import",
        "template_columns",
        "template_file",
        "error_file",
    ):
        monkeypatch.setattr(engine, name, getattr(fake, name))
    return fake


def students_csv(*rows: tuple[str, str, str, str]) -> bytes:
    """A students file: (first, last, username, school) per row."""
    lines = ["First Name,Last Name,Username,Organizations"]
    lines += [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode()
