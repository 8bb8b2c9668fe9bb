"""The sync's class rosters as set work: which memberships a snapshot adds and removes.

The plan (rostering.sync.plan) hands over the (class pk, person pk) pairs the snapshot wants
between records that exist already, as one flat ``array("q")`` (16 bytes a pair, not a tuple
of two ints in a dict); pairs with a record the run creates are new by definition and never
come here. ``diff`` answers the pairs missing from the district's roster table and the rows
to delete:

- a person or a class leaving the district's active records loses every membership;
- a synced (managed) class's roster is the SIS's: a pair it no longer sends goes, unless the
  person is in a conflict (protected), whom the sync leaves alone.

On PostgreSQL the pairs are COPYed into a temporary table and both answers are two joins (the
200,000 memberships of a large district never come into Python); elsewhere (SQLite) the same
in Python over compact integer keys.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from django.db import connection

from rostering.engine.sql import array as id_array

STAGING = "sync_wanted_pairs"
COPY_BLOCK = 10_000  # pairs per write to COPY


def pairs() -> array:
    """An empty flat pair list: class pk, person pk, class pk, person pk, ..."""
    return array("q")


def diff(
    model,
    person: str,
    district_id: int,
    wanted: array,
    *,
    gone_people: Iterable[int],
    gone_classes: Iterable[int],
    managed_classes: Iterable[int],
    protected: Iterable[int],
) -> tuple[list[tuple[int, int]], list[int]]:
    """(pairs of ``wanted`` not in ``model``'s table, pks of its rows to delete), both sorted.
    ``model`` is ClassStudent or ClassEducator, ``person`` its person column."""
    rules = (set(gone_people), set(gone_classes), set(managed_classes), set(protected))
    if connection.vendor == "postgresql":
        return _diff_sql(model, person, district_id, wanted, *rules)
    return _diff_python(model, person, district_id, wanted, *rules)


def _diff_python(model, person, district_id, wanted, gone_people, gone_classes, managed, protected):
    shift = 64  # a pair as one int: class pk above, person pk below (pks are bigint)
    want = {(wanted[i] << shift) | wanted[i + 1] for i in range(0, len(wanted), 2)}
    removes, present = [], set()
    rows = model.objects.filter(class_group__district_id=district_id)
    for pk, class_id, person_id in rows.values_list("pk", "class_group_id", person).iterator(
        chunk_size=5000
    ):
        key = (class_id << shift) | person_id
        if key in want:
            present.add(key)
        if person_id in gone_people or class_id in gone_classes:
            removes.append(pk)  # leaving: memberships end (rule 7)
        elif class_id in managed and key not in want and person_id not in protected:
            removes.append(pk)  # a synced class's roster is the SIS's
    mask = (1 << shift) - 1
    adds = sorted((key >> shift, key & mask) for key in want - present)
    return adds, sorted(removes)


def _diff_sql(model, person, district_id, wanted, gone_people, gone_classes, managed, protected):
    table = connection.ops.quote_name(model._meta.db_table)
    classes = connection.ops.quote_name(
        model._meta.get_field("class_group").related_model._meta.db_table
    )
    member = connection.ops.quote_name(person)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGING} (class_id bigint, person_id bigint) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY {STAGING} (class_id, person_id) FROM STDIN") as copy:
            # COPY's text lines a block at a time: cheaper in Python than a write_row each.
            for start in range(0, len(wanted), 2 * COPY_BLOCK):
                block = wanted[start : start + 2 * COPY_BLOCK]
                copy.write(
                    "".join(f"{block[i]}\t{block[i + 1]}\n" for i in range(0, len(block), 2))
                )
        cursor.execute(f"ANALYZE {STAGING}")
        # One full join of the staging table with the district's roster (sorted or hashed
        # once each, no DISTINCT, no subplan per row): its unmatched rows on either side are
        # the adds and a synced class's removes. A repeated pair is one add (the set below).
        cursor.execute(
            f"SELECT w.class_id, w.person_id, m.id FROM {STAGING} w FULL JOIN ("
            f"SELECT m.id, m.class_group_id, m.{member} AS person_id FROM {table} m "
            f"JOIN {classes} c ON c.id = m.class_group_id WHERE c.district_id = %s) m "
            "ON m.class_group_id = w.class_id AND m.person_id = w.person_id "
            "WHERE m.id IS NULL OR (w.class_id IS NULL "
            "AND m.class_group_id = ANY(%s::bigint[]) AND NOT m.person_id = ANY(%s::bigint[]))",
            [district_id, id_array(managed), id_array(protected)],
        )
        adds, removes = set(), set()
        for class_id, person_id, pk in cursor.fetchall():
            if pk is None:
                adds.add((class_id, person_id))
            else:
                removes.add(pk)
        if gone_people or gone_classes:  # leaving: memberships end, wanted or not (rule 7)
            cursor.execute(
                f"SELECT m.id FROM {table} m JOIN {classes} c ON c.id = m.class_group_id "
                f"WHERE c.district_id = %s AND (m.{member} = ANY(%s::bigint[]) "
                "OR m.class_group_id = ANY(%s::bigint[]))",
                [district_id, id_array(gone_people), id_array(gone_classes)],
            )
            removes.update(pk for (pk,) in cursor.fetchall())
        cursor.execute(f"DROP TABLE {STAGING}")
    return sorted(adds), sorted(removes)
