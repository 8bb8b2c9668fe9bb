"""The import engine's public API (contract shared by the pages, the CLI, the admin).

Everything that reads, checks and writes import files is behind these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rostering.outcome import problem

MAX_RECORDS = 10_000


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number as the user sees it (header is row 1)
    column: str  # the header as in the file or template ("" for a whole-file problem)
    message: str  # words a school secretary understands, saying the fix
    # A OneRoster set's problems also say where in the set: the file (``column`` above holds
    # it too, as the pages show it), the record's sourcedId, the file's column, and the
    # message without the record in front (``message`` names it, as the pages show it).
    file: str = ""
    record: str = ""
    field: str = ""
    detail: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def as_problem(self, file_name: str) -> dict:
        """{file, row, record, field, message}, as the commands print every problem."""
        if self.file:
            text = self.detail or self.message
            return problem(self.file, self.row, self.record, self.field, text)
        return problem(file_name, self.row, "", self.column, self.message)


@dataclass
class RecordChange:
    row: int
    action: str  # "create" | "update" | "unchanged"
    label: str  # e.g. "Ana Lopez (ana.lopez)"
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (old, new)
    record_id: int | None = None  # the existing record a row matched (updates, unchanged)
    kind: str = ""  # the record's kind, when a plan spans kinds (a OneRoster set)


@dataclass
class ImportPlan:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    passwords_set: int = 0  # student passwords the file sets (new, or changed)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    changes: list[RecordChange] = field(default_factory=list)
    # A OneRoster set's classes no product rule matched (left out, with their enrollments):
    # {"classes": n, "enrollments": m}; the preview and --json say so, and the fix.
    without_product: dict = field(default_factory=dict)
    # What each file sent and which records were refused (rostering.outcome.Tally), and
    # what the check wrote before rolling back (rostering.outcome.link_counts).
    tallies: list = field(default_factory=list)
    applied: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict:
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }
        if self.passwords_set:
            counts["passwords_set"] = self.passwords_set
        if self.without_product:
            counts["classes_without_product"] = self.without_product["classes"]
            counts["enrollments_without_product"] = self.without_product["enrollments"]
        return counts


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    applied: dict = field(default_factory=dict)  # what the engine changed (Applied.as_json)


class ImportRejected(Exception):
    """The file has errors; nothing was written. ``plan.errors`` says what to fix."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} error(s); nothing was written")
        self.plan = plan


ProgressCallback = Callable[[int, str], None]  # (percent 0-100, message)


def check_file(
    *, actor, district, kind: str, file_name: str, content: bytes, school=None
) -> ImportPlan:
    """Parse and check every row; write nothing. ``actor`` None means a trusted caller (CLI)."""
    if kind in ("oneroster", "clever"):
        from rostering.imports import oneroster_kind

        return oneroster_kind.check(
            actor=actor, district=district, file_name=file_name, content=content, kind=kind
        )
    from .engine_parts import pipeline

    plan, _work = pipeline.check(
        actor=actor,
        district=district,
        kind=kind,
        file_name=file_name,
        content=content,
        school=school,
    )
    return plan


def commit_file(
    *,
    actor,
    district,
    kind: str,
    file_name: str,
    content: bytes,
    school=None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Check again and apply the whole file in one transaction, or raise ImportRejected."""
    if kind in ("oneroster", "clever"):
        from rostering.imports import oneroster_kind

        return oneroster_kind.commit(
            actor=actor,
            district=district,
            file_name=file_name,
            content=content,
            progress=progress,
            kind=kind,
        )
    from .engine_parts import pipeline

    return pipeline.commit(
        actor=actor,
        district=district,
        kind=kind,
        file_name=file_name,
        content=content,
        school=school,
        progress=progress,
    )


def undo_import(*, actor, district, result: dict) -> list[str]:
    """Undo a committed import (``result``: its job's result) as far as what it changed is
    unchanged since; the sentences saying what was kept and why. Raises ValidationError
    when nothing can be undone (an import committed before undo knew each change)."""
    from rostering.engine.undo import undo_result

    return undo_result(actor=actor, district=district, result=result)


def template_file(
    kind: str, optional_columns: list[str], fmt: str, *, user=None
) -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of a template with two sample rows; fmt "csv"|"xlsx".
    With ``user``, the samples name the user's own schools, classes/groups and products."""
    from .engine_parts.templates import district_samples
    from .engine_parts.templates import template_file as make

    samples = district_samples(user, kind) if user is not None else None
    return make(kind, optional_columns, fmt, samples=samples)


def template_columns(kind: str) -> list[dict]:
    """[{"name", "required", "help"}] for the template picker."""
    from .engine_parts.templates import template_columns as columns

    return columns(kind)


def error_file(*, file_name: str, content: bytes, errors: list[dict]) -> tuple[str, bytes]:
    """The uploaded rows again with an "Errors" column, as CSV, for fix-and-re-upload."""
    from .engine_parts.errors_file import error_file as make

    return make(file_name=file_name, content=content, errors=errors)
