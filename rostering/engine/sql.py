"""The engine's set-based writes: thousands of rows without one model instance per row.

On PostgreSQL rows go in with COPY, updates through a COPY-filled staging table and one
``UPDATE ... FROM``, link rows (two ids and an origin) and their history from arrays in one
``INSERT ... SELECT ... unnest`` (``insert_pairs``), and deletes of (owner, other) pairs in
one ``DELETE ... unnest``. Elsewhere
(SQLite) the same functions use ``executemany`` of one prepared statement, which that database
runs quickly. Django's ``bulk_create``/``bulk_update`` spend most of their time building and
compiling SQL per object (``bulk_update`` grows a CASE per row), which the 10,000-student
benchmark (bench/bench_import.py) showed to be seconds. Called by ``engine.apply`` inside its
transaction (and by link_history for its rows).

Values are given as model attributes hold them; ``insert`` fills the columns not given from
the field's default, ``auto_now``/``auto_now_add`` from the same "now" for every row.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

from rostering.history import Channel

CHUNK = 5000


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def array(ids: Iterable[int]) -> str:
    """Integer ids as one PostgreSQL array literal, for a ``%s::bigint[]`` parameter. Built
    by a join: Django's client-side cursor otherwise quotes a Python list value by value
    (a fifth of a second per 5,000 ids)."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def _field(model, attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(f"{model.__name__} has no column {attname}")


def _converter(field: models.Field) -> Callable | None:
    """How a Python value becomes what the driver takes for this column (None: as it is)."""
    if isinstance(field, models.JSONField):

        def dumps(value):
            if value is None:
                return None
            if not value and type(value) in (dict, list):  # most rows' (a manual record's
                return "{}" if type(value) is dict else "[]"  # sis_values): no encoder run
            return json.dumps(value, cls=field.encoder)

        return dumps
    if isinstance(field, models.DateTimeField) and not _postgres():
        return connection.ops.adapt_datetimefield_value
    return None


def _prepared(model, names: Sequence[str], rows: Iterable[Sequence]) -> Iterable[tuple]:
    converters = [(i, c) for i, n in enumerate(names) if (c := _converter(_field(model, n)))]
    if not converters:
        return (tuple(row) for row in rows)

    def convert(row):
        row = list(row)
        for index, convert_one in converters:
            row[index] = convert_one(row[index])
        return tuple(row)

    return (convert(row) for row in rows)


def _filled(model, names: list[str]) -> tuple[list[str], tuple]:
    """The columns ``names`` leaves out that need a value, and that value."""
    now = timezone.now()
    extra, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in names or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            continue
        else:
            raise ValueError(f"{model.__name__}.{field.attname} needs a value")
        extra.append(field.attname)
        values.append(value)
    return extra, tuple(values)


def _copy(table: str, names: Sequence[str], rows: Iterable[tuple]) -> None:
    columns = ", ".join(_q(n) for n in names)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {_q(table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def insert(model, names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert ``rows`` (values of the columns ``names``, attnames) into ``model``'s table."""
    if not rows:
        return
    extra, values = _filled(model, list(names))
    names = [*names, *extra]
    full = (tuple(row) + values for row in rows) if extra else rows
    prepared = _prepared(model, names, full)
    if _postgres():
        _copy(model._meta.db_table, names, prepared)
        return
    columns = ", ".join(_q(n) for n in names)
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {_q(model._meta.db_table)} ({columns}) VALUES ({marks})"
    prepared = list(prepared)
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), CHUNK):
            cursor.executemany(sql, prepared[start : start + CHUNK])


def postgres() -> bool:
    """Whether the set-based statements below that exist only on PostgreSQL can run."""
    return _postgres()


def _words(values: Iterable[str]) -> str:
    """Short words (an origin: "manual", "synced") as one PostgreSQL text array literal,
    joined as ``array`` joins ids; anything else is refused rather than quoted."""
    values = list(values)
    if not all(value.isidentifier() for value in values):
        raise ValueError("only plain words can go in a text array here")
    return "{" + ",".join(values) + "}"


def insert_pairs(model, names: Sequence[str], rows: Sequence[Sequence], *, then=None) -> None:
    """PostgreSQL: insert ``rows`` into the link table ``model``: two id columns (``names``'
    first two) and, when ``names`` has a third, an origin word; the columns ``insert``
    fills are filled as it fills them. One statement from one array per column, no row
    through the driver: and ``then`` (SQL and params reading the rows as ``pairs(a, b)``,
    e.g. their history, ``link_history.pairs_log``) runs in the same statement on the same
    rows."""
    if not rows:
        return
    names = list(names)
    extra, values = _filled(model, names)
    arrays = [array(row[0] for row in rows), array(row[1] for row in rows)]
    types = ["bigint[]", "bigint[]"]
    if len(names) == 3:
        arrays.append(_words(row[2] for row in rows))
        types.append("text[]")
    alias = ", ".join(["a", "b", "c"][: len(names)])
    unnest = ", ".join(f"%s::{t}" for t in types)
    columns = ", ".join(_q(n) for n in [*names, *extra])
    select = ", ".join([*alias.split(", "), *(["%s"] * len(extra))])
    fixed = list(next(iter(_prepared(model, extra, [values]))))
    insert = f"INSERT INTO {_q(model._meta.db_table)} ({columns}) SELECT {select} FROM pairs"
    head = f"WITH pairs({alias}) AS (SELECT * FROM unnest({unnest})) "
    with connection.cursor() as cursor:
        if then is None:
            cursor.execute(head + insert, [*arrays, *fixed])
        else:
            then_sql, then_params = then
            cursor.execute(
                f"{head}, added AS ({insert}) {then_sql}", [*arrays, *fixed, *then_params]
            )


def with_pairs(pairs: Sequence[Sequence], then) -> None:
    """PostgreSQL: run ``then`` (SQL and params, as ``insert_pairs`` takes it) on the id
    pairs ``pairs`` (their first two values) as ``pairs(a, b)``: one statement."""
    if not pairs:
        return
    sql, params = then
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH pairs(a, b) AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[])) " + sql,
            [array(pair[0] for pair in pairs), array(pair[1] for pair in pairs), *params],
        )


def allocate_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``'s table: from its sequence on PostgreSQL; on
    SQLite after the highest one ever given (AUTOINCREMENT's ``sqlite_sequence``), which is
    safe because its writers are serialised (every transaction begins IMMEDIATE)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [_q(table), model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({_q(model._meta.pk.column)}) FROM {_q(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def update(model, names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set the columns ``names`` of existing rows; each row is (pk, *values)."""
    if not rows:
        return
    table = _q(model._meta.db_table)
    pk = model._meta.pk
    prepared = list(_prepared(model, [pk.attname, *names], rows))
    if _postgres():
        stage = _q("import_stage")
        types = [pk.db_type(connection)] + [_field(model, n).db_type(connection) for n in names]
        columns = [pk.column, *names]
        spec = ", ".join(f"{_q(c)} {t}" for c, t in zip(columns, types, strict=True))
        sets = ", ".join(f"{_q(n)} = s.{_q(n)}" for n in names)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({spec}) ON COMMIT DROP")
            _copy("import_stage", columns, prepared)
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM {stage} s WHERE {table}.{_q(pk.column)} = "
                f"s.{_q(pk.column)}"
            )
            cursor.execute(f"DROP TABLE {stage}")
        return
    sets = ", ".join(f"{_q(n)} = %s" for n in names)
    sql = f"UPDATE {table} SET {sets} WHERE {_q(pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row[1:], row[0]) for row in prepared])


def update_each(model, changes: Sequence[tuple[int, dict]], **every) -> None:
    """Set, for each (pk, {column: value}) of ``changes``, its own columns (rows need not
    change the same ones), and the columns ``every`` (e.g. ``updated_at=now``) of all. On
    PostgreSQL one ``UPDATE ... FROM`` a staging table whatever the mix (a flag per column
    says whether the row sets it); elsewhere one ``update`` per set of columns."""
    if not changes:
        return
    if not _postgres():
        groups: dict[tuple, list] = {}
        for pk, values in changes:
            groups.setdefault(tuple(sorted(values)), []).append((pk, values))
        for names, rows in groups.items():
            update(
                model,
                [*names, *every],
                [(pk, *(v[n] for n in names), *every.values()) for pk, v in rows],
            )
        return
    names = sorted({name for _pk, values in changes for name in values})
    pk = model._meta.pk
    values = _prepared(
        model, [pk.attname, *names], [(p, *(v.get(n) for n in names)) for p, v in changes]
    )
    rows = [
        (row[0], *row[1:], *(n in given for n in names))
        for row, (_pk, given) in zip(values, changes, strict=True)
    ]
    flags = [f"set_{i}" for i in range(len(names))]
    types = [pk.db_type(connection)] + [_field(model, n).db_type(connection) for n in names]
    columns = [pk.column, *names, *flags]
    spec = ", ".join(
        f"{_q(c)} {t}" for c, t in zip(columns, [*types, *["boolean"] * len(flags)], strict=True)
    )
    table, stage = _q(model._meta.db_table), _q("import_stage")
    sets = [
        f"{_q(n)} = CASE WHEN s.{_q(flag)} THEN s.{_q(n)} ELSE {table}.{_q(n)} END"
        for n, flag in zip(names, flags, strict=True)
    ]
    params = []
    for name, value in every.items():
        sets.append(f"{_q(name)} = %s")
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({spec}) ON COMMIT DROP")
        _copy("import_stage", columns, rows)
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} FROM {stage} s "
            f"WHERE {table}.{_q(pk.column)} = s.{_q(pk.column)}",
            params,
        )
        cursor.execute(f"DROP TABLE {stage}")


def delete_pairs(model, first: str, second: str, pairs: Sequence[tuple]) -> None:
    """Delete the rows whose (``first``, ``second``) columns are one of ``pairs`` (the first
    two values of each; any after them are ignored)."""
    if not pairs:
        return
    table = _q(model._meta.db_table)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"DELETE FROM {table} WHERE ({_q(first)}, {_q(second)}) IN "
                "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                [array(pair[0] for pair in pairs), array(pair[1] for pair in pairs)],
            )
        else:
            cursor.executemany(
                f"DELETE FROM {table} WHERE {_q(first)} = %s AND {_q(second)} = %s",
                [pair[:2] for pair in pairs],
            )


def _history_fixed(*, kind: str, user, channel: str) -> dict:
    return {
        "history_channel": str(channel),
        "history_date": timezone.now(),
        "history_change_reason": None,
        "history_type": kind,
        "history_user_id": getattr(user, "pk", None),
    }


def history_of_rows(
    model,
    ids: Sequence[int],
    *,
    update: bool = False,
    user,
    channel: str = Channel.IMPORT,
    deleted: bool = False,
) -> None:
    """One historical row per record (django-simple-history's table, as
    ``bulk_history_create`` would write it) for the rows ``ids`` as the table now holds them,
    copied by the database itself (``INSERT ... SELECT``): nothing travels through Python.
    ``update`` writes "changed" rows ("~"), ``deleted`` "deleted" ones ("-", written just
    before the delete, as simple-history's own signal does), neither "created" ones ("+")."""
    history = model.history.model
    kind = "-" if deleted else "~" if update else "+"
    fixed = _history_fixed(kind=kind, user=user, channel=channel)
    names = [f.attname for f in history._meta.concrete_fields if not f.primary_key]
    select, params = [], []
    for name in names:
        if name in fixed:
            convert = _converter(_field(history, name))
            select.append("%s")
            params.append(convert(fixed[name]) if convert else fixed[name])
        else:
            select.append(_q(_field(model, name).column))
    table, pk = _q(model._meta.db_table), _q(model._meta.pk.column)
    head = (
        f"INSERT INTO {_q(history._meta.db_table)} ({', '.join(_q(n) for n in names)}) "
        f"SELECT {', '.join(select)} FROM {table} WHERE {pk}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            if _postgres():
                cursor.execute(f"{head} = ANY(%s::bigint[])", [*params, array(chunk)])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{head} IN ({marks})", [*params, *chunk])


def delete_ids(model, pks: Sequence[int]) -> None:
    """Delete the rows ``pks`` of ``model`` (and what cascades from them), in chunks, through
    Django (one query per object for a model with history): for small tables only; roster
    records go through ``delete_records``."""
    for start in range(0, len(pks), CHUNK):
        model.objects.filter(pk__in=pks[start : start + CHUNK]).delete()


def delete_records(model, pks: Sequence[int], *, user, channel: str) -> None:
    """Delete the rows ``pks`` of ``model`` set-based, as Django's delete would but without
    its per-object path (which, for a model with history, sends signals and writes one
    historical row per object: 9.6 s for 10,000 students): per chunk of ids, one "deleted"
    historical row per record in one ``INSERT ... SELECT``, then what points at the rows
    (memberships, links, settings: ``on_delete`` CASCADE, in turn set-based; SET_NULL as one
    UPDATE; PROTECT refused as Django would), then the rows, each one statement. A fixed
    number of queries per chunk. No delete signals are sent (nothing in Homeroom listens to
    them but simple-history, whose row this writes); link history is the caller's
    (``link_history.record_deleted``)."""
    pks = list(pks)
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        if hasattr(model, "history"):
            history_of_rows(model, chunk, user=user, channel=channel, deleted=True)
        _delete_with_dependents(model, chunk, user=user, channel=channel)


def _delete_with_dependents(model, pks: list[int], *, user, channel: str) -> None:
    from django.db.models.deletion import (
        CASCADE,
        DO_NOTHING,
        PROTECT,
        RESTRICT,
        SET_NULL,
        ProtectedError,
        get_candidate_relations_to_delete,
    )

    for relation in get_candidate_relations_to_delete(model._meta):
        on_delete = relation.on_delete
        if on_delete is DO_NOTHING:
            continue
        related = relation.related_model
        pointing = among(related._base_manager, relation.field.attname, pks)
        if on_delete is CASCADE:
            if hasattr(related, "history") or _has_dependents(related):
                found = [pk for (pk,) in fetch(pointing.values_list("pk"))]
                delete_records(related, found, user=user, channel=channel)
            else:
                pointing._raw_delete(pointing.db)
        elif on_delete is SET_NULL:
            pointing.update(**{relation.field.name: None})
        elif on_delete in (PROTECT, RESTRICT):
            blocking = list(pointing[:1])
            if blocking:
                raise ProtectedError(
                    f"Cannot delete {model._meta.verbose_name_plural}: "
                    f"{related._meta.verbose_name_plural} still refer to them.",
                    set(blocking),
                )
        else:  # SET_DEFAULT, SET(...): rare; Django's own path
            among(model._base_manager, model._meta.pk.attname, pks).delete()
            return
    gone = among(model._base_manager, model._meta.pk.attname, pks)
    gone._raw_delete(gone.db)


def _has_dependents(model) -> bool:
    from django.db.models.deletion import DO_NOTHING, get_candidate_relations_to_delete

    return any(
        relation.on_delete is not DO_NOTHING
        for relation in get_candidate_relations_to_delete(model._meta)
    )


def among(queryset, column: str, ids: Iterable[int]):
    """``queryset`` (or a manager) narrowed to the rows whose ``column`` (an attname of its
    model) is one of ``ids``. On PostgreSQL one array parameter (``= ANY``): a
    5,000-value ``__in`` costs Django a prepared lookup per value and the driver a scan of
    a 5,000-placeholder statement, which the undo of 10,000 students showed to be a second."""
    queryset, ids = queryset.all(), list(ids)
    if not _postgres():
        return queryset.filter(**{f"{column}__in": ids})
    model = queryset.model
    column = f"{_q(model._meta.db_table)}.{_q(_field(model, column).column)}"
    where = RawSQL(f"{column} = ANY(%s::bigint[])", (array(ids),), models.BooleanField())
    return queryset.filter(where)


def drained(items: list):
    """The items of ``items``, in order, each chunk taken out of the list as it is read: a
    large first sync's planned memberships or link changes are never held beside what they
    become."""
    while items:
        chunk = items[:CHUNK]
        del items[:CHUNK]
        yield from chunk


def fetch(queryset) -> list[tuple]:
    """The rows of a ``values_list`` queryset as the driver returns them, without Django's
    per-row iteration (several times faster for tens of thousands of id pairs)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector around allocation-heavy bulk work.

    Checking 10,000 rows allocates hundreds of thousands of small objects; each allocation
    burst triggers a collection that walks every live object, which cost a third of the
    check's time in bench/bench_import.py. Reference counting still frees memory meanwhile;
    the collector resumes (if it was on) afterwards. Also a decorator (``@paused_gc()``) for
    a function that pauses it for the whole of its work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
