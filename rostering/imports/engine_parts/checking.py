"""Checks every kind's checker shares: the importer's role, locked fields of synced records,
duplicates within the file, and how a record is named in the preview."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.permissions import Feature, has_feature
from rostering import usernames
from rostering.ownership import LOCKED_MESSAGE, FieldState, state_of
from rostering.services.common import normalize_person

from ..engine import ImportPlan, RecordChange, RowError
from .cells import Row
from .context import Context


def allowed_to_import(ctx: Context, plan: ImportPlan, feature: Feature, what: str) -> bool:
    """False (after one whole-file error) when the importer's role may not import ``what``.

    The pages and jobs check the same feature first; this keeps the engine safe on its own.
    A trusted caller (the command line, ``actor`` None) may import everything.
    """
    if ctx.actor is None or has_feature(ctx.actor, feature):
        return True
    plan.errors.append(
        RowError(
            1,
            "",
            f"Your role does not allow importing {what}. Ask a district administrator to "
            "import this file.",
        )
    )
    return False


def refuse_locked(
    row: Row,
    *,
    kind: str,
    origin: str,
    shared: frozenset[str],
    column_of: dict[str, str],
    changes: dict[str, tuple[str, str]],
) -> None:
    """An error for each change (keyed by column name) to a locked field of a synced record.

    ``column_of`` maps the record's field names (as ownership.py knows them) to columns.
    """
    for name, column_name in column_of.items():
        if column_name not in changes:
            continue
        if state_of(kind=kind, origin=origin, field=name, shared=shared) is FieldState.LOCKED:
            old = changes[column_name][0]
            row.error(
                column_name, f"{LOCKED_MESSAGE} Put back “{old}” in this row, or remove the row."
            )


def seen_before(seen: dict, key, row: Row) -> int | None:
    """The earlier row number with the same ``key``, remembering this row when it is the first."""
    first = seen.setdefault(key, row.number)
    return first if first != row.number else None


def person_label(fields: dict) -> str:
    name = f"{fields.get('first_name', '')} {fields.get('last_name', '')}".strip()
    return f"{name} ({fields.get('username', '')})"


def diff_fields(record, fields: dict, column_of: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Column -> (old, new) for each plain field whose value would change ("" equals None)."""
    changes = {}
    for name, new in fields.items():
        old = getattr(record, name)
        if (old or None) != (new or None):
            changes[column_of[name]] = (str(old or ""), str(new or ""))
    return changes


def person_fields(
    row: Row, cols: dict[str, str], plain_fields, *, kind, sis=False, known=None
) -> dict:
    """The row's plain person fields, normalized; each invalid one an error on its column
    and left out. ``sis``: the rows come from a SIS's files (Context.sis), whose usernames
    are taken as the sync takes them. ``known`` ({usernames.key: record}): a username that is
    already a record's own, spelled as it is ("Mary Archer", which its SIS sent), is taken
    as the SIS's too, so an exported file imports back unchanged."""
    raw = {name: row.get(name) for name in plain_fields if row.has(name)}
    if not sis and known and raw.get("username"):
        own = known.get(usernames.key(raw["username"]))
        sis = own is not None and own.username == raw["username"]
    try:
        return normalize_person(kind, raw, many_message="", sis=sis)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            # bad_columns holds column names: a cell already refused (too long, empty) is
            # told once, not again as "required".
            if name in cols and cols[name].name not in row.bad_columns:
                row.error(cols[name], " ".join(messages))
        return {k: v for k, v in raw.items() if k not in exc.message_dict}


def plan_existing(plan: ImportPlan, updates: list, row: Row, existing, desired, label, changes):
    """Count a row that matched ``existing``: an update to make, or unchanged."""
    if changes:
        plan.updated += 1
        updates.append((existing, desired))
        plan.changes.append(
            RecordChange(row.number, "update", label, changes, record_id=existing.pk)
        )
    else:
        plan.unchanged += 1
        plan.changes.append(RecordChange(row.number, "unchanged", label, record_id=existing.pk))
