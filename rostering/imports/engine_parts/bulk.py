"""Bulk writing shared by every kind: history rows in batches, deletes in chunks, and the
adds and removals of one kind of link (a many-to-many table) for many records at once."""

from __future__ import annotations

import sqlite3

from django.db import connections, router

from rostering import link_history
from rostering.history import Channel

BATCH = 2000
CHUNK = 5000


def bulk_history(model, records: list, *, update: bool, user) -> None:
    """One historical row per record (channel "import"), written in batches."""
    for start in range(0, len(records), BATCH):
        model.history.bulk_history_create(
            records[start : start + BATCH],
            update=update,
            batch_size=BATCH,
            default_user=user,
            custom_historical_attrs={"history_channel": str(Channel.IMPORT)},
        )


def bulk_set(model, records: list, fields) -> None:
    """Save ``fields`` of many existing records: one ``UPDATE ... FROM (VALUES ...)`` per
    batch on PostgreSQL and SQLite. Django's ``bulk_update`` builds a CASE per field and row,
    which takes tens of seconds for 10,000 changed rows."""
    if not records:
        return
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor not in ("postgresql", "sqlite") or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)
    ):
        model.objects.using(db).bulk_update(records, list(fields), batch_size=1000)
        return
    meta = model._meta
    columns = [meta.pk] + [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        cell = ["%s::" + column.cast_db_type(connection) for column in columns]
        alias = "v(" + ", ".join(qn(f"c{i}") for i in range(len(columns))) + ")"
        names = [qn(f"c{i}") for i in range(len(columns))]
        size = 1000
    else:  # SQLite names the columns of a VALUES list column1, column2, ...
        cell = ["%s"] * len(columns)
        alias = "v"
        names = [f"column{i + 1}" for i in range(len(columns))]
        size = max(1, connection.features.max_query_params // len(columns))
    table = qn(meta.db_table)
    assignments = ", ".join(
        f"{qn(column.column)} = v.{name}"
        for column, name in zip(columns[1:], names[1:], strict=True)
    )
    row_sql = "(" + ", ".join(cell) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(records), size):
            chunk = records[start : start + size]
            params = []
            for record in chunk:
                for column in columns:
                    value = getattr(record, column.attname)
                    params.append(column.get_db_prep_save(value, connection))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES "
                + ", ".join([row_sql] * len(chunk))
                + f") AS {alias} WHERE {table}.{qn(meta.pk.column)} = v.{names[0]}",
                params,
            )


def delete_ids(model, pks: list[int]) -> None:
    for start in range(0, len(pks), CHUNK):
        model.objects.filter(pk__in=pks[start : start + CHUNK]).delete()


class Links:
    """Adds and removals of one kind of link (schools, classes, products, ...) for many
    records: ``owner`` is the link's column naming the record (e.g. "student_id"), ``other``
    the column naming what it links to."""

    def __init__(self, model, other: str, extra: dict | None = None, *, owner="student_id"):
        self.model, self.other, self.extra, self.owner = model, other, extra or {}, owner
        self.adds: list = []
        self.removes: list[tuple[int, int]] = []

    def change(self, owner_id: int, old: set[int], new: set[int]) -> None:
        for pk in new - old:
            self.adds.append(self.model(**{self.owner: owner_id, self.other: pk}, **self.extra))
        self.removes.extend((owner_id, pk) for pk in old - new)

    def write(self) -> None:
        if self.removes:
            by_owner: dict[int, set[int]] = {}
            for owner_id, pk in self.removes:
                by_owner.setdefault(owner_id, set()).add(pk)
            owners = list(by_owner)
            doomed, gone = [], []
            for start in range(0, len(owners), CHUNK):
                rows = self.model.objects.filter(
                    **{f"{self.owner}__in": owners[start : start + CHUNK]}
                )
                for pk, owner_id, other in rows.values_list("pk", self.owner, self.other):
                    if other in by_owner[owner_id]:
                        doomed.append(pk)
                        gone.append((owner_id, other))
            delete_ids(self.model, doomed)
            link_history.record_pairs(self.model, self.owner, self.other, removed=gone)
        self.model.objects.bulk_create(self.adds, batch_size=BATCH)
        link_history.record_links(self.model, added=self.adds)


def load_links(model, owner: str, other: str, **filters) -> dict[int, set[int]]:
    """{owner id: {linked ids}} of the link table ``model`` rows matching ``filters``."""
    found: dict[int, set[int]] = {}
    for owner_id, pk in model.objects.filter(**filters).values_list(owner, other):
        found.setdefault(owner_id, set()).add(pk)
    return found


def load_links_of(model, owner: str, other: str, ids: list[int]) -> dict[int, set[int]]:
    """Like ``load_links`` for the records ``ids`` (chunked for long lists)."""
    found: dict[int, set[int]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = load_links(model, owner, other, **{f"{owner}__in": ids[start : start + CHUNK]})
        found.update(chunk)
    return found
