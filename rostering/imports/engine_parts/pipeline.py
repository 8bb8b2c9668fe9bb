"""Read, check and commit one tabular file: the steps every kind shares.

``check`` never writes. ``commit`` checks again inside one transaction and writes everything
or nothing (ImportRejected when the rows no longer pass, e.g. the district changed since the
preview)."""

from __future__ import annotations

from django.db import transaction

from rostering.engine.sql import paused_gc
from rostering.history import Channel, audit
from rostering.locks import lock_district

from ..engine import ImportPlan, ImportRejected, ImportResult, RowError
from . import kinds
from .cells import Row
from .columns import columns_of, match_headers
from .context import Context
from .reading import FileProblem, read_table


def _quiet(percent: int, message: str) -> None:
    return None


# The collector stays paused for the whole check: each of its steps pauses it too
# (rostering.engine.sql.paused_gc), and every resume collects once, walking every object still
# alive (the district's 10,000 students, the rows); one resume, at the end, walks them once.
@paused_gc()
def check(*, actor, district, kind: str, file_name: str, content: bytes, school=None):
    """(plan, work): the preview, and the writes the commit would do (None with errors)."""
    plan = ImportPlan(kind=kind)
    try:
        table = read_table(file_name, content)
    except FileProblem as problem:
        plan.errors.append(RowError(problem.row, problem.column, problem.message))
        return plan, None
    match = match_headers(kind, table.headers)
    if match.errors:
        plan.errors.extend(match.errors)
        if any(c.required and c.key not in match.positions for c in columns_of(kind)):
            return plan, None  # a required column is missing: every row would say so
    ctx = Context(actor=actor, district=district, school=school)
    checker = kinds.checker_for(kind, ctx, match, plan)
    if hasattr(checker, "check_table"):  # Students: the same rows again are found quickly
        work = checker.check_table(table)
    else:
        rows = []
        for index, cells in enumerate(table.rows):
            rows.append(Row(table.row_number(index), cells, match, plan.errors))
        work = checker.check_rows(rows)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    if plan.errors:
        return plan, None
    return plan, work


def commit(*, actor, district, kind, file_name, content, school=None, progress=None):
    progress = progress or _quiet
    progress(2, "Checking every row again")
    # paused_gc outermost: the collector's one walk at its end comes after the COMMIT.
    with paused_gc(), transaction.atomic(), audit(actor=actor, channel=Channel.IMPORT):
        # Checked again only once the district is locked: a sync that finished meanwhile
        # (fields it made locked, records it took over) is seen, never overwritten.
        lock_district(district)
        plan, work = check(
            actor=actor,
            district=district,
            kind=kind,
            file_name=file_name,
            content=content,
            school=school,
        )
        if not plan.ok:
            raise ImportRejected(plan)
        applied = kinds.write(kind, district=district, work=work, actor=actor, progress=progress)
    progress(
        99, f"{plan.created:,} created, {plan.updated:,} updated, {plan.unchanged:,} unchanged"
    )
    return ImportResult(
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        applied=applied.as_json(),
    )
