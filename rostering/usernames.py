"""The username rule, once: unique platform-wide, ignoring upper and lower case (DESIGN.md).

"Ana.Lopez" and "ana.lopez" are one username. Every channel asks this module and nothing else:

- ``key(username)`` is the form two usernames are compared in (matching an import row or a SIS
  record to an existing record, duplicates within a file or a snapshot);
- ``holders(queryset, usernames)`` says which of many usernames records of ``queryset`` already
  hold, ignoring case, in a fixed number of queries (one on PostgreSQL, one per CHUNK names on
  SQLite), each answered from the unique index on ``UsernameKey("username")``;
- ``refusal(wanted, held)`` is the one sentence every channel shows, in its own place (a form
  field, a row and column, a SIS record);
- ``username_constraint(prefix)`` is that index (Student and Educator), whose check in
  ``full_clean`` (services, forms, the admin) says the same sentence on the username field;
- ``validate_sis_username(value)`` is what a SIS may send (the sync, the OneRoster and Clever
  imports) and what a portal sign-in's username may be (accounts.User), so an educator the
  SIS calls "Mary Archer" signs in and can be saved in the admin.

Two usernames are one when Unicode's lower-case mapping makes them equal: ``str.lower`` in
Python, and ``UsernameKey`` in the database, the same mapping on both (PostgreSQL's ``LOWER``
under the ICU root collation, whatever the database's own locale; on SQLite a function of
Python's ``str.lower``, registered on each connection, where SQLite's own ``LOWER`` folds
ASCII only). So a SIS's "Ärzte" and "ärzte" are one username on every channel and database,
as "Ana.Lopez" and "ana.lopez" are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models

from rostering.text import clean_text

CHUNK = 5000
_KEY = "username_key"
SQLITE_LOWER = "homeroom_lower"


class UsernameKey(models.Func):
    """A username's key in SQL: what ``key`` is in Python. PostgreSQL lower-cases under the
    ICU root collation (Unicode's mapping, as ``str.lower``), not the database's locale, which
    may be "C" and fold ASCII only. SQLite calls ``str.lower`` itself (``register_sqlite``)."""

    function = "LOWER"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra):
        template = '%(function)s((%(expressions)s) COLLATE "und-x-icu")'
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function=SQLITE_LOWER, **extra)


def register_sqlite(sender, connection, **kwargs) -> None:
    """``connection_created``: give a SQLite connection ``UsernameKey``'s function. The unique
    indexes use it, so a connection without it cannot write a student or an educator (the
    sqlite3 shell refuses with "no such function" rather than miss a duplicate)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def key(username: str | None) -> str:
    """What two usernames are compared by: equal keys are the same username. A username
    that is its own key is returned as it is, not copied (a sync holds 200,000 of them)."""
    username = username or ""
    folded = username.lower()
    return username if folded == username else folded


def refusal(wanted: str, held: str) -> str:
    """The sentence for a ``wanted`` username that another record holds as ``held``."""
    by = "" if held == wanted else f' (by "{held}")'
    return (
        f'The username "{wanted}" is already taken{by}. Usernames are unique ignoring upper '
        "and lower case: choose another."
    )


def validate_sis_username(value: str) -> str:
    """A username as a SIS sends it: OneRoster lets it be any string and the SIS owns it, so
    "Mary Archer" is kept as sent. Trimmed and printable (no tabs, line breaks or control
    characters); its length is the registry's check (the model's max_length) and it is unique
    ignoring case (``holders``), as on every channel. Usernames typed in the portal's forms and
    templates keep ``validators.validate_username``'s stricter characters."""
    value = clean_text(value)
    if not value:
        raise ValidationError("A username is required.", code="required")
    if not value.isprintable():
        raise ValidationError(
            f"{value!r} cannot be a username: it holds a tab, line break or control character.",
            code="username",
        )
    return value


class Holder(NamedTuple):
    username: str  # as stored
    pk: int


def holders(queryset: models.QuerySet, usernames: Iterable[str]) -> dict[str, Holder]:
    """{key: holder} for each of ``usernames`` that a record of ``queryset`` holds, ignoring
    case. Exclude the records that may keep their own username from ``queryset`` (the record
    being edited, the district being imported). One query (SQLite: one per CHUNK names)."""
    wanted = sorted({key(u) for u in usernames if u})
    rows = (
        queryset.order_by()  # no sort: the answer is a dict
        .annotate(**{_KEY: UsernameKey("username")})
        .values_list(_KEY, "username", "pk")
    )
    connection = connections[queryset.db]
    if not wanted:
        return {}
    if connection.vendor == "postgresql":
        # One array parameter, however many names (ten times faster than IN with thousands of
        # parameters); the planner flattens the subquery, so the key = ANY(...) is still read
        # from the index.
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM ({sql}) AS q WHERE q.{_KEY} = ANY(%s)", [*params, wanted]
            )
            return {folded: Holder(username, pk) for folded, username, pk in cursor.fetchall()}
    found: dict[str, Holder] = {}
    for start in range(0, len(wanted), CHUNK):  # SQLite: a bounded number of parameters
        chunk = rows.filter(**{f"{_KEY}__in": wanted[start : start + CHUNK]})
        found.update((folded, Holder(username, pk)) for folded, username, pk in chunk)
    return found


def holder_of(queryset: models.QuerySet, username: str) -> Holder | None:
    """The record of ``queryset`` that holds ``username``, ignoring case, if any."""
    return holders(queryset, [username]).get(key(username))


class UsernameIgnoringCase(models.UniqueConstraint):
    """A unique index on ``UsernameKey("username")``. Checked by ``full_clean`` as Django
    checks any constraint, but refused with ``refusal`` on the username field rather than
    "Constraint … is violated", so the admin's own form and the services say what every
    channel says."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if exclude and "username" in exclude:
            return
        username = getattr(instance, "username", "")
        if not username:
            return
        others = model._default_manager.using(using)
        if not instance._state.adding and instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        held = holder_of(others, username)
        if held is not None:
            raise ValidationError(
                {"username": ValidationError(refusal(username, held.username), code="taken")}
            )


def username_constraint(prefix: str) -> UsernameIgnoringCase:
    return UsernameIgnoringCase(UsernameKey("username"), name=f"{prefix}_username_ignoring_case")
