"""What an applied sync run changed, record by record: written with the run's outcome (one
transaction), read by the run page and its CSV download, in words an administrator reads.

The memberships and product links (and product settings) a run changed are not copied here:
the link history (rostering.link_history) keeps each, naming the run ("sync run 12"), and
``links_of_run`` reads them back for the run page."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet

from rostering.engine import sql
from rostering.history import Channel
from rostering.models import LinkChange, Organization
from rostering.registry.normalisers import grade_label

from .models import SyncRun, SyncRunChange

BATCH = 5000  # rows per read of the CSV
KIND_LABELS = {
    "student": "Student",
    "educator": "Educator",
    "class_group": "Class/group",
    "organization": "School/organization",
}
ACTION_LABELS = {
    "create": "Created",
    "update": "Changed",
    "claim": "Taken over",
    "deactivate": "Deactivated",
}
FIELD_LABELS = {
    "external_id": "External Assigned ID",
    "alt_external_id": "Alt External Assigned ID",
    "school_id": "School",
    "parent": "Part of",
    "is_active": "Active",
    "password_encrypted": "Password",  # shown "(set)": never its value
}


def counted_any(counts: dict | None) -> bool:
    """Whether a run's counts say it created, updated, took over or deactivated a record."""
    counts = counts or {}
    organizations = counts.get("organizations") or {}
    return any(
        counts.get(name) for name in ("created", "updated", "claimed", "deactivated")
    ) or any(organizations.get(name) for name in ("created", "updated"))


def record(run: SyncRun, plan) -> int:
    """Keep every change of ``plan`` (a rostering.sync.plan.Plan just applied) on ``run``, in
    batches; records left unchanged are not kept. Returns how many were kept."""
    rows = []
    for org in plan.orgs:
        if org.action in ACTION_LABELS:
            rows.append(("organization", org.action, org.sourced_id, org.record.name, org.changes))
    for change in plan.changes():
        if change.action in ACTION_LABELS:
            fields = dict(change.as_dict().get("changes") or {})
            if change.related_add or change.related_remove:  # the schools a person is at
                fields["schools"] = [sorted(change.related_remove), sorted(change.related_add)]
            rows.append((change.kind, change.action, change.sourced_id, change.label, fields))
    names = _org_names(plan, rows)
    kept = (
        (
            run.pk,
            position,
            kind,
            action,
            (sourced_id or "")[:255],
            (label or "")[:500],
            _jsonable(fields, names),
        )
        for position, (kind, action, sourced_id, label, fields) in enumerate(rows)
    )
    # One COPY on PostgreSQL, streamed (bulk_create of 50,000 model instances took seconds).
    if rows:
        sql.insert(SyncRunChange, COLUMNS, kept)
    return len(rows)


COLUMNS = ("run_id", "position", "kind", "action", "sourced_id", "label", "fields")


# What the sync last sent, kept to tell SIS edits from portal edits: not a change people read.
BOOKKEEPING = {"sis_values"}
ORG_FIELDS = ("school_id", "parent", "schools")  # organization keys: kept as names


def _org_names(plan, rows) -> dict:
    """Organization key (pk, or a new org's negative plan key) -> name, for the keys the
    changes hold: the plan's organizations, then one query for the rest."""
    names = {}
    for org in plan.orgs:
        names[plan.org_keys.get(org.sourced_id)] = org.record.name
        names[org.record.pk] = org.record.name
    wanted = {
        value
        for *_, fields in rows
        for name, pair in (fields or {}).items()
        if name in ORG_FIELDS
        for value in _keys(pair)
        if value not in names
    }
    if wanted:
        names.update(Organization.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return names


def _keys(pair) -> list[int]:
    flat = [v for value in pair for v in (value if isinstance(value, list) else [value])]
    return [v for v in flat if isinstance(v, int) and not isinstance(v, bool)]


def _jsonable(fields, names: dict) -> dict:
    def shown(name, value):
        if value is None:
            return ""
        if name in ORG_FIELDS and isinstance(value, list):
            return ", ".join(str(names.get(key, key)) for key in value)
        if name in ORG_FIELDS and isinstance(value, int):
            return names.get(value, str(value))
        return value if isinstance(value, (str, int, bool)) else str(value)

    return {name: [shown(name, v) for v in pair] for name, pair in (fields or {}).items()}


def of_run(run: SyncRun, search: str = "") -> QuerySet[SyncRunChange]:
    """The run's kept changes in plan order, those whose name or SIS ID holds ``search``."""
    changes = SyncRunChange.objects.filter(run=run)
    search = search.strip()
    if search:
        changes = changes.filter(Q(label__icontains=search) | Q(sourced_id__icontains=search))
    return changes.order_by("position")


def field_list(fields: dict | None) -> list[dict]:
    """{attname: [before, after]} as [{field, old, new}] in the page's words (grade labels);
    the plan of a preview reads the same way."""
    return [
        {
            "field": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            "old": grade_label(old) if name == "grade" else old,
            "new": grade_label(new) if name == "grade" else new,
        }
        for name, (old, new) in (fields or {}).items()
        if name not in BOOKKEEPING
    ]


def shown(change: SyncRunChange) -> dict:
    return {
        "label": change.label,
        "sourced_id": change.sourced_id,
        "kind_label": KIND_LABELS.get(change.kind, change.kind),
        "action_label": ACTION_LABELS.get(change.action, change.action),
        "change_list": field_list(change.fields),
    }


def links_of_run(run: SyncRun) -> QuerySet[LinkChange]:
    """The schools, memberships, product links and settings ``run`` added, removed or changed, in the
    order written (the link history rows naming the run, all written through the sync's
    channel; indexed by that reference among the sync's rows)."""
    return (
        LinkChange.objects.filter(channel=Channel.SYNC, channel_ref=f"sync run {run.pk}")
        .select_related("student", "educator", "class_group", "product", "setting", "organization")
        .order_by("pk")
    )


def shown_link(change: LinkChange) -> dict:
    """One link change as the run page reads it: whose link (a student, an educator, or a
    class/group's own product link), to what, and how; a setting's value before and after."""
    kinds = LinkChange.Kind
    if change.kind in (kinds.CLASS_STUDENT, kinds.CLASS_EDUCATOR):
        owner, target = change.student or change.educator, change.class_group
    elif change.kind == kinds.CLASS_PRODUCT:
        owner, target = change.class_group, change.product
    elif change.kind == kinds.STUDENT_SETTING:
        owner, target = change.student, change.setting.label if change.setting else ""
    elif change.kind in (kinds.STUDENT_SCHOOL, kinds.EDUCATOR_SCHOOL):
        owner, target = change.student or change.educator, change.organization
    else:
        owner, target = change.student, change.product
    return {
        "kind_label": change.get_kind_display(),
        "action_label": change.get_action_display(),
        "owner": str(owner) if owner else "",
        "owner_id": getattr(owner, "sis_sourced_id", "") or "",
        "target": str(target) if target else "",
        "before": change.value_before,
        "after": change.value_after,
    }


CSV_HEADER = ["Action", "Type", "Record", "SIS ID", "Changes"]


def csv_rows(run: SyncRun, search: str = "") -> Iterator[list]:
    for change in of_run(run, search).iterator(chunk_size=BATCH):
        item = shown(change)
        yield [
            item["action_label"],
            item["kind_label"],
            item["label"],
            item["sourced_id"],
            "; ".join(
                f"{c['field']}: {c['old'] or '(blank)'} -> {c['new'] or '(blank)'}"
                for c in item["change_list"]
            ),
        ]
