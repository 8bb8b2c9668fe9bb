"""Write the history of memberships, school links (a student's schools, an educator's
organizations), product links and product settings (``rostering.models.LinkChange``): every
writer (services, imports, undo, the sync, the admin through the services) calls these with
the pairs it added or removed, and they are stamped with the actor, channel and job of the
surrounding ``audit``/``reference``. Rows go in with one set-based insert per batch (COPY on
PostgreSQL), never one query per row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from rostering.history import Channel, current_audit, current_reference
from rostering.models import (
    ClassEducator,
    ClassProduct,
    ClassStudent,
    Educator,
    LinkChange,
    Student,
    StudentProduct,
)

Kind, Action = LinkChange.Kind, LinkChange.Action
StudentSchool, EducatorSchool = Student.schools.through, Educator.organizations.through

# link table -> (kind, {link column: history column})
TRACKED = {
    ClassStudent: (
        Kind.CLASS_STUDENT,
        {"class_group_id": "class_group_id", "student_id": "student_id"},
    ),
    ClassEducator: (
        Kind.CLASS_EDUCATOR,
        {"class_group_id": "class_group_id", "educator_id": "educator_id"},
    ),
    ClassProduct: (
        Kind.CLASS_PRODUCT,
        {"class_group_id": "class_group_id", "product_id": "product_id"},
    ),
    StudentProduct: (
        Kind.STUDENT_PRODUCT,
        {"student_id": "student_id", "product_id": "product_id"},
    ),
    StudentSchool: (
        Kind.STUDENT_SCHOOL,
        {"student_id": "student_id", "organization_id": "organization_id"},
    ),
    EducatorSchool: (
        Kind.EDUCATOR_SCHOOL,
        {"educator_id": "educator_id", "organization_id": "organization_id"},
    ),
}

_COLUMNS = [
    "kind",
    "action",
    "student_id",
    "educator_id",
    "class_group_id",
    "organization_id",
    "product_id",
    "setting_id",
    "value_before",
    "value_after",
    "changed_at",
    "actor_id",
    "channel",
    "channel_ref",
]
_IDS = _COLUMNS[2:8]  # the record columns; a row fills the one or two it is about


def now_stamp() -> tuple:
    """(changed_at, actor_id, channel, channel_ref) for rows written now (``pairs_log``'s
    ``stamp``)."""
    actor, channel = current_audit() or (None, str(Channel.SYSTEM))
    override, ref = current_reference()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    return timezone.now(), actor_id, (override or channel)[:10], ref[:60]


def _write(rows: list[tuple]) -> None:
    if rows:
        from rostering.engine.sql import insert

        insert(LinkChange, _COLUMNS, rows)


def record_pairs(
    model,
    owner: str,
    other: str,
    *,
    added: Iterable[tuple] = (),
    removed: Iterable[tuple] = (),
) -> None:
    """History for link rows of ``model`` added or removed, each given as (``owner`` id,
    ``other`` id) (extra values after the two are ignored). Untracked tables are left
    alone."""
    if model not in TRACKED:
        return
    kind, columns = TRACKED[model]
    first, second = columns[owner], columns[other]
    stamp = now_stamp()
    # Built as plain tuples (tens of thousands per import): the two ids in their columns.
    i, j = _IDS.index(first), _IDS.index(second)
    rows = []
    for action, pairs in ((str(Action.ADDED), added), (str(Action.REMOVED), removed)):
        head = (str(kind), action)
        for pair in pairs:
            middle = [None] * len(_IDS)
            middle[i], middle[j] = pair[0], pair[1]
            rows.append((*head, *middle, "", "", *stamp))
    _write(rows)


def pairs_log(model, owner: str, other: str, *, added: bool, stamp: tuple) -> tuple[str, list]:
    """History for link rows of ``model`` added (or removed) as SQL that reads them from
    ``pairs(a, b)`` (``a`` the ``owner`` id, ``b`` the ``other``): the rows
    ``record_pairs`` would write, built by the database from the ids it was sent once
    (``rostering.engine.sql.insert_pairs`` and ``with_pairs``, on PostgreSQL)."""
    kind, columns = TRACKED[model]
    action = Action.ADDED if added else Action.REMOVED
    reads = {columns[owner]: "pairs.a", columns[other]: "pairs.b"}
    return _insert_select(reads, _fixed(kind, action, stamp))


def _fixed(kind, action, stamp: tuple) -> dict:
    changed_at, actor_id, channel, ref = stamp
    return {
        "kind": str(kind),
        "action": str(action),
        "value_before": "",
        "value_after": "",
        "changed_at": connection.ops.adapt_datetimefield_value(changed_at),
        "actor_id": actor_id,
        "channel": channel,
        "channel_ref": ref,
    }


def _insert_select(reads: dict[str, str], fixed: dict) -> tuple[str, list]:
    """``INSERT INTO`` the history ``SELECT`` one row per row of ``pairs``: the columns
    ``reads`` names from its columns, the rest ``fixed`` (a record column neither names is
    NULL)."""
    select, params = [], []
    for name in _COLUMNS:
        if name in reads:
            select.append(reads[name])
        elif name in fixed:
            select.append("%s")
            params.append(fixed[name])
        else:
            select.append("NULL")
    quote = connection.ops.quote_name
    table = quote(LinkChange._meta.db_table)
    names = ", ".join(quote(name) for name in _COLUMNS)
    return f"INSERT INTO {table} ({names}) SELECT {', '.join(select)} FROM pairs", params


def _copy_from(rows, names: str, log: tuple[str, list]) -> None:
    """Run ``log`` on the rows of the queryset ``rows`` as ``pairs(<names>)``: the history
    of rows about to go, written by the database from the rows themselves."""
    select, params = rows.query.sql_with_params()
    sql, log_params = log
    with connection.cursor() as cursor:
        cursor.execute(f"WITH pairs({names}) AS ({select}) {sql}", [*params, *log_params])


def record_links(model, *, added: Iterable = (), removed: Iterable = ()) -> None:
    """Like ``record_pairs`` for model instances (or dicts of their columns)."""
    if model not in TRACKED:
        return
    _kind, columns = TRACKED[model]
    owner, other = list(columns)

    def pair(link):
        if isinstance(link, dict):
            return link[owner], link[other]
        return getattr(link, owner), getattr(link, other)

    record_pairs(
        model,
        owner,
        other,
        added=[pair(link) for link in added],
        removed=[pair(link) for link in removed],
    )


def record_settings(changes: Iterable[tuple[int, int, str | None, str | None]]) -> None:
    """History for product settings: (student id, setting id, before, after); None is
    "not set"; an unchanged value writes nothing."""
    stamp = now_stamp()
    kind = str(Kind.STUDENT_SETTING)
    added, removed, changed = str(Action.ADDED), str(Action.REMOVED), str(Action.CHANGED)
    i, j = _IDS.index("student_id"), _IDS.index("setting_id")
    rows = []
    for student_id, setting_id, before, after in changes:  # plain tuples: one per student
        if before == after:
            continue
        action = added if before is None else removed if after is None else changed
        ids = [None] * len(_IDS)
        ids[i], ids[j] = student_id, setting_id
        rows.append((kind, action, *ids, before or "", after or "", *stamp))
    _write(rows)


# A record's links that go with it when it is deleted (the database cascades them):
# record model -> [(link table, the record's column in it)].
_GO_WITH = {
    "Student": [
        (ClassStudent, "student_id"),
        (StudentProduct, "student_id"),
        (StudentSchool, "student_id"),
    ],
    "Educator": [(ClassEducator, "educator_id"), (EducatorSchool, "educator_id")],
    "Organization": [(StudentSchool, "organization_id"), (EducatorSchool, "organization_id")],
    "ClassGroup": [
        (ClassStudent, "class_group_id"),
        (ClassEducator, "class_group_id"),
        (ClassProduct, "class_group_id"),
    ],
    "Product": [(ClassProduct, "product_id"), (StudentProduct, "product_id")],
}
_SETTINGS_OF = {"Student": "student_id__in", "Product": "setting__product_id__in"}
CHUNK = 5_000


def record_deleted(model, ids: Iterable[int]) -> None:
    """Call just before deleting ``model`` rows ``ids`` (students, educators, organizations,
    classes/groups or products): their memberships, school links, product links and settings,
    which the delete takes with it, are recorded as removed, with the surrounding actor and
    channel. One ``INSERT ... SELECT`` per link table per 5,000 records (the database copies
    the rows into the history), never one query per row."""
    from rostering.engine.sql import among
    from rostering.models import StudentProductSetting

    ids = list(ids)
    name = model.__name__
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for link, column in _GO_WITH.get(name, []):
            _kind, columns = TRACKED[link]
            owner, other = list(columns)
            gone = among(link.objects, column, chunk).values_list(owner, other).order_by()
            _copy_from(gone, "a, b", pairs_log(link, owner, other, added=False, stamp=now_stamp()))
        if name in _SETTINGS_OF:
            settings = StudentProductSetting.objects
            values = (
                among(settings, "student_id", chunk)
                if name == "Student"
                else settings.filter(**{_SETTINGS_OF[name]: chunk})
            )
            reads = {"student_id": "pairs.a", "setting_id": "pairs.b", "value_before": "pairs.c"}
            log = _insert_select(reads, _fixed(Kind.STUDENT_SETTING, Action.REMOVED, now_stamp()))
            rows = values.values_list("student_id", "setting_id", "value").order_by()
            _copy_from(rows, "a, b, c", log)
