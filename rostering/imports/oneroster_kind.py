"""OneRoster 1.1 / 1.2 CSV (a zip, or one of its files) as an import format.

The set is read by the same reader as the SIS sync (``rostering.oneroster``); its
organizations, educators, classes and students then go through the template kinds' checkers
and the engine, in that order, so the import applies exactly their rules (scope, duplicates,
usernames taken elsewhere, locked fields of synced records). Records are made manual: this is
the self-managed and assisted path, not the sync.

Later steps refer to what earlier steps create (a student's school, a class's teachers), so
each step is written before the next is checked, all inside one transaction: ``check`` rolls it
back at the end, ``commit`` keeps it only when no step had an error.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from functools import partial

from django.db import transaction

from rostering.clever import read_clever
from rostering.engine import Applied
from rostering.history import Channel, audit
from rostering.locks import lock_district
from rostering.oneroster import TO_BE_DELETED, SnapshotError, load_files, read_snapshot
from rostering.outcome import FILES_OF, Tally, link_counts, tally
from rostering.sync.models import SyncSource

from .engine import MAX_RECORDS, ImportPlan, ImportRejected, ImportResult, RowError
from .engine_parts import kinds
from .engine_parts.cells import Row
from .engine_parts.columns import match_headers
from .engine_parts.context import Context
from .oneroster_rows import Step, Translator

KIND = "oneroster"
CLEVER = "clever"  # Clever's SFTP files, read into the same records (rostering.clever)


def reader_for(kind: str, district):
    """The reader of a set of ``kind``: "oneroster", or "clever" (Clever's SFTP files, with
    the Clever column the district's sync settings take as the External Assigned ID)."""
    if kind != CLEVER:
        return read_snapshot
    source = SyncSource.objects.filter(district=district).first()
    column = source.clever_id_column if source else SyncSource.CleverIdColumn.STUDENT_NUMBER
    return partial(read_clever, id_column=column)


def check(*, actor, district, file_name: str, content: bytes, kind: str = KIND) -> ImportPlan:
    """Read and check the whole set; write nothing. Warnings are the quirks read anyway."""
    plan, _applied = _run(
        actor=actor, district=district, file_name=file_name, content=content, kind=kind
    )
    return plan


def commit(
    *, actor, district, file_name: str, content: bytes, progress=None, kind: str = KIND
) -> ImportResult:
    """Check again and write everything in one transaction, or raise ImportRejected."""
    plan, applied = _run(
        actor=actor,
        district=district,
        file_name=file_name,
        content=content,
        progress=progress,
        keep=True,
        kind=kind,
    )
    return ImportResult(
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        applied=applied.as_json(),
    )


def read_files(file_name: str, content: bytes, kind: str = KIND) -> dict[str, bytes]:
    """{lower-case file name: bytes} from a zip, or from one CSV file of the set."""
    if content[:4] == b"PK\x03\x04" or file_name.lower().endswith(".zip"):
        return load_files(content)
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if not base.endswith(".csv"):
        raise SnapshotError(
            f"{file_name} is neither a zip nor a CSV file. Upload the "
            f"{'Clever' if kind == CLEVER else 'OneRoster'} CSV files zipped together."
        )
    return {base: content}


def _quiet(percent: int, message: str) -> None:
    return None


def _run(*, actor, district, file_name, content, progress=None, keep=False, kind=KIND):
    progress = progress or _quiet
    plan = ImportPlan(kind=kind)
    try:
        files = read_files(file_name, content, kind)
        snapshot = reader_for(kind, district)(files)
    except (SnapshotError, zipfile.BadZipFile) as exc:
        plan.errors.append(RowError(0, file_name, str(exc)))
        if keep:
            raise ImportRejected(plan) from None
        return plan, Applied()
    plan.warnings.extend(_from_reader(problem) for problem in snapshot.warnings)
    plan.errors.extend(_from_reader(problem) for problem in snapshot.errors)
    applied = Applied()
    progress(2, "Checking every record")
    with transaction.atomic(), audit(actor=actor, channel=Channel.IMPORT):
        # The check writes too (rolled back after), so it takes the district lock as the
        # commit does, before reading anything it checks against.
        lock_district(district)
        translator = Translator(
            district=district,
            snapshot=snapshot,
            file_names=set(files),
            warnings=plan.warnings,
            errors=plan.errors,
        )
        builders = [
            *(partial(translator.organizations, keys) for keys in translator.org_levels()),
            translator.educators,
            translator.classes,
            translator.students,
        ]
        for index, build in enumerate(builders):
            step = build()
            if not step.rows:
                continue
            progress(5 + 90 * index // len(builders), f"Importing {step.kind}")
            work = _check_step(actor, district, step, plan, translator)
            if work is None:
                continue
            # Every step is checked, however many went wrong before it (one pass of checks):
            # what a step accepted is written, for later steps to refer to, and rolled back
            # with the rest when any step had an error.
            applied.extend(
                kinds.write(step.kind, district=district, work=work, actor=actor, progress=_quiet)
            )
        plan.without_product = dict(translator.without_product)
        if not plan.without_product["classes"]:
            plan.without_product = {}
        plan.tallies = _tallies(snapshot, translator, plan)
        plan.applied = link_counts(applied.as_json())
        if not keep or plan.errors:
            transaction.set_rollback(True)
    if keep and plan.errors:
        raise ImportRejected(plan)
    progress(
        99, f"{plan.created:,} created, {plan.updated:,} updated, {plan.unchanged:,} unchanged"
    )
    return plan, applied


def _tallies(snapshot, translator, plan: ImportPlan) -> list[Tally]:
    """Users and classes sent (rosterable ones, and the unreadable ones), and those refused:
    with an error, or (classes) left out for want of a product."""
    errors = [e.as_problem("") for e in plan.errors]
    users_sent = translator.people_count() + len(snapshot.rejected.get("users", ()))
    classes = [c for c in snapshot.classes.values() if c.status != TO_BE_DELETED]
    classes_sent = len(classes) + len(snapshot.rejected.get("classes", ()))
    users = tally("users", users_sent, errors, file=FILES_OF["users"])
    refused = tally("classes", classes_sent, errors, file=FILES_OF["classes"])
    named = {p["record"] for p in refused.refused}
    for warning in translator.no_product:
        if warning.record not in named:
            refused.refused.append(warning.as_problem(""))
    return [users, refused]


def _from_reader(problem) -> RowError:
    return RowError(
        problem.row,
        problem.file,
        _text(problem),
        file=problem.file,
        record=problem.record,
        field=problem.field,
        detail=problem.message,
    )


def _check_step(actor, district, step: Step, plan: ImportPlan, translator):
    """Check one step's rows with its kind's checker; the work to write (the rows it
    accepted), or None when the step cannot be written at all. The records it refused join
    ``translator.refused[step.kind]``."""
    if len(step.rows) > MAX_RECORDS:
        plan.errors.append(
            RowError(
                0,
                step.rows[0].file,
                f"The set has {len(step.rows):,} {step.kind}; one import takes at most "
                f"{MAX_RECORDS:,} of each. Split the set and import it in parts.",
            )
        )
        return None
    step_plan = ImportPlan(kind=step.kind)
    match = match_headers(step.kind, step.headers)
    ctx = Context(actor=actor, district=district, sis=True)  # the SIS's usernames, as sent
    checker = kinds.checker_for(step.kind, ctx, match, step_plan)
    errors = step_plan.errors
    by_row = {}
    rows = []
    for source in step.rows:
        cells = [source.cells.get(name, "") for name in step.fields]
        rows.append(Row(source.row, cells, match, errors))
        by_row[source.row] = source
    work = checker.check_rows(rows)
    first_file = step.rows[0].file
    fields = dict(zip(step.headers, step.fields, strict=True))

    def located(error: RowError) -> RowError:
        source = by_row.get(error.row)
        column = translator.column_of(
            step.kind, fields.get(error.column, ""), source.file if source else first_file
        )
        return _located(error, by_row.get(error.row), first_file, column)

    for error in sorted(set(errors), key=lambda e: (e.row, e.column)):
        plan.errors.append(located(error))
        if error.row in by_row:
            translator.refused.setdefault(step.kind, set()).add(by_row[error.row].record)
    for warning in step_plan.warnings:
        plan.warnings.append(located(warning))
    plan.created += step_plan.created
    plan.updated += step_plan.updated
    plan.unchanged += step_plan.unchanged
    plan.passwords_set += step_plan.passwords_set
    plan.changes.extend(replace(change, kind=step.kind) for change in step_plan.changes)
    return work


def _located(error: RowError, source, file: str, column: str) -> RowError:
    """A checker's error on a template column, told as file, row, record and column of the
    set (``column``: the OneRoster column, or "" when the template's has none)."""
    if source is None:
        text = f"{error.column}: {error.message}" if error.column else error.message
        return RowError(error.row, file, text, file=file, field=column)
    return RowError(
        error.row,
        source.file,
        f"{source.record} ({error.column}): {error.message}",
        file=source.file,
        record=source.record,
        field=column or error.column,
        detail=error.message,
    )


def _text(problem) -> str:
    return f"{problem.record}: {problem.message}" if problem.record else problem.message


__all__ = ["check", "commit", "read_files"]
