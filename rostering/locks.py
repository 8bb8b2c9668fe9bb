"""The district lock: every write to a district's roster takes it, so writers never interleave.

The sync, an import commit (template or OneRoster), an undo, and every roster service (a
form's or the admin's single-record save, a bulk action's records) call ``lock_district``
first thing inside their transaction, and check what they are about to write only after it:
a commit that waited for a sync re-checks against what the sync left (fields it made locked,
records it took over), instead of overwriting them.

- **PostgreSQL**: one ``UPDATE`` of the district's Organization row (its roster_version, the
  counter cached results are keyed by), whose ``FOR NO KEY UPDATE`` row lock is held until the
  transaction ends. A second writer of the same district waits at this line;
  writers of other districts do not wait. ``NO KEY`` so that inserting rows that merely refer
  to the district (an import job, a history row, a new student) is not blocked by it; only
  other lock takers and updates of the district row itself wait. Statements after the lock see
  what the previous writer committed (READ COMMITTED: each statement takes a fresh snapshot).
- **SQLite**: row locks do not exist and the query takes none; every transaction begins
  IMMEDIATE (portal/settings/base.py), which takes the whole database's write lock at BEGIN,
  so writers are serialised before this line is reached.

Taken once per write: a service takes the lock before its checks, and the engine's ``apply``
that writes its batch inside the service's atomic block (where every writer takes it) then
finds it held and issues no second query. "Held" is remembered by a do-nothing ``on_commit``
hook, trusted only while the atomic block that took the lock is open: Django drops the hook
when the transaction ends or when a savepoint it was taken in rolls back (PostgreSQL releases
a row lock taken in a rolled-back savepoint too); after the block, a writer of the same
transaction takes it again (one more query, never a missed lock).

Deadlocks are avoided by order: the district row is locked before any other row (callers take
it before they write or lock anything else), and a school always resolves to its district, so
two writers of one district always queue on the same row.
"""

from __future__ import annotations

from django.db import connection, transaction

from .models import Organization

NOT_IN_TRANSACTION = (
    "The district lock is held until the transaction ends: call lock_district inside "
    "transaction.atomic()."
)


class LockHeld:
    """The on_commit hook that says this transaction holds ``district_id``'s lock (it does
    nothing when called)."""

    __slots__ = ("district_id",)

    def __init__(self, district_id: int):
        self.district_id = district_id

    def __call__(self) -> None:
        pass


def held_districts() -> set[int]:
    """The districts whose lock was taken in an atomic block still open (no query)."""
    open_blocks = set(connection.savepoint_ids)
    return {
        hook.district_id
        for blocks, hook, *_ in connection.run_on_commit
        if type(hook) is LockHeld and blocks <= open_blocks
    }


def lock_district(district: Organization | int) -> int | None:
    """Take the write lock of ``district`` (an Organization, district or school, or its pk) and
    bump its roster_version; returns the district's pk (None when no such organization exists).
    One query, or none when this transaction holds the lock already."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(NOT_IN_TRANSACTION)
    known = (
        (district.district_id or district.pk) if isinstance(district, Organization) else district
    )
    if known in held_districts():
        return known
    district_id = _take(district)
    if district_id is not None:
        transaction.on_commit(LockHeld(district_id))
    return district_id


def _take(district: Organization | int) -> int | None:
    """The lock's one query: an UPDATE of non-key columns (the roster_version bump), which on
    PostgreSQL takes the row's ``FOR NO KEY UPDATE`` lock until the transaction ends."""
    table = connection.ops.quote_name(Organization._meta.db_table)
    if isinstance(district, Organization):
        where, params = "id = %s", [district.district_id or district.pk]
    else:  # a bare pk may be a school's: resolve it in the same query
        where = f"id = (SELECT COALESCE(district_id, id) FROM {table} WHERE id = %s)"
        params = [district]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET roster_version = roster_version + 1 WHERE {where} RETURNING id",
            params,
        )
        row = cursor.fetchone()
    return row[0] if row else None


def lock_for_write(record):
    """Lock the district of ``record`` (a student, educator, class/group or organization) and
    reload the record, so the checks that follow see what a writer that held the lock before
    (a sync, an import) left, and its save does not write back stale values. Returns it."""
    lock_district(record if isinstance(record, Organization) else record.district_id)
    if record.pk is not None:
        record.refresh_from_db()
    return record
