"""Educators' portal sign-ins, which the engine keeps in step with the educator records.

As the educator service does: a new educator's portal user has no usable password (they set
one through "forgot password"), and the user's name, username and email follow the
educator's. Set-based: a fixed number of queries for any number of educators."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password

from rostering.models import Educator

from .sql import CHUNK, delete_ids, update

USER_FIELDS = ("username", "first_name", "last_name", "email")
# What a sign-in follows of its educator: an inactive educator cannot sign in (as the educator
# service keeps it).
FOLLOWED = (*USER_FIELDS, "is_active")
BATCH = 2000


def _new_user(values):
    """A portal user for an educator (``values``: its attributes, by a ``get``)."""
    user = get_user_model()(is_active=values("is_active", True))
    for name in USER_FIELDS:
        setattr(user, name, values(name, "") or "")
    # What set_unusable_password() stores (the "!" prefix and random text), ten times faster.
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return user


def new_users(rows: list[dict]) -> list[int]:
    """A portal user for each educator about to be created (``rows``: its columns, which get
    its ``user_id``); the users' ids."""
    users = [_new_user(row.get) for row in rows]
    get_user_model().objects.bulk_create(users, batch_size=BATCH)
    for row, user in zip(rows, users, strict=True):
        row["user_id"] = user.pk
    return [user.pk for user in users]


def follow_educators(educator_ids: list[int]) -> list[int]:
    """The portal users of these (just updated) educators follow their names, username and
    email; an educator without one gets one. The ids of users created."""
    User = get_user_model()
    educators = []
    for start in range(0, len(educator_ids), CHUNK):
        educators += Educator.objects.filter(pk__in=educator_ids[start : start + CHUNK]).only(
            "pk", "user_id", *FOLLOWED
        )
    ids = [e.user_id for e in educators if e.user_id]
    users = {}
    for start in range(0, len(ids), CHUNK):
        users.update(User.objects.in_bulk(ids[start : start + CHUNK]))
    missing = [e for e in educators if e.user_id not in users]
    created = [_new_user(lambda name, default, e=e: getattr(e, name)) for e in missing]
    User.objects.bulk_create(created, batch_size=BATCH)
    update(Educator, ["user_id"], [(e.pk, u.pk) for e, u in zip(missing, created, strict=True)])
    rows = [
        (user.pk, *(getattr(e, name) or "" for name in USER_FIELDS), e.is_active)
        for e in educators
        if (user := users.get(e.user_id)) is not None
    ]
    update(User, FOLLOWED, rows)
    return [u.pk for u in created]


def set_passwords(pairs: list[tuple[int, str]]) -> None:
    """Set the portal password of each (educator id, raw password) of ``pairs``, hashed as
    ``User.set_password`` does; two queries whatever the number."""
    if not pairs:
        return
    users = dict(
        Educator.objects.filter(pk__in=[pk for pk, _raw in pairs]).values_list("pk", "user_id")
    )
    update(get_user_model(), ["password"], [(users[pk], make_password(raw)) for pk, raw in pairs])


def delete_users(user_ids: list[int]) -> None:
    delete_ids(get_user_model(), user_ids)
