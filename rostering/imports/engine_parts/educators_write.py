"""Write checked educators in bulk, with their portal sign-ins and history rows (channel
"import"), and remember what was there before so that undo can put it back.

Like the educator service, a new educator's portal user has no usable password (they set one
through "forgot password"), and the user's name, username and email follow the educator's.
Called inside the import's transaction."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from rostering.models import Educator, Origin

from .bulk import BATCH, CHUNK, Links, bulk_history, bulk_set
from .educators import Work

USER_FIELDS = ("username", "first_name", "last_name", "email")


def _new_user(educator: Educator):
    user = get_user_model()(is_active=educator.is_active)
    for name in USER_FIELDS:
        setattr(user, name, getattr(educator, name) or "")
    # What set_unusable_password() stores (the "!" prefix and random text), ten times faster.
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return user


def write(*, district, work: Work, user, progress) -> dict:
    now = timezone.now()
    User = get_user_model()
    organizations = Links(Educator.organizations.through, "organization_id", owner="educator_id")

    progress(10, f"Writing {len(work.creates):,} new educators")
    new_educators = []
    for desired in work.creates:
        educator = Educator(district=district, origin=Origin.MANUAL, **desired.fields)
        educator.created_at = educator.updated_at = now
        new_educators.append(educator)
    new_users = [_new_user(educator) for educator in new_educators]
    User.objects.bulk_create(new_users, batch_size=BATCH)
    for educator, new_user in zip(new_educators, new_users, strict=True):
        educator.user_id = new_user.pk
    Educator.objects.bulk_create(new_educators, batch_size=BATCH)
    bulk_history(Educator, new_educators, update=False, user=user)
    for educator, desired in zip(new_educators, work.creates, strict=True):
        organizations.change(educator.pk, set(), desired.organizations)

    progress(50, f"Updating {len(work.updates):,} educators")
    before, updated, changed = [], [], {"updated_at"}
    for educator, desired in work.updates:
        snapshot: dict = {"id": educator.pk, "fields": {}}
        for name, new in desired.fields.items():
            if (getattr(educator, name) or None) != (new or None):
                snapshot["fields"][name] = getattr(educator, name)
                setattr(educator, name, new)
                changed.add(name)
        old = work.organizations.get(educator.pk, set())
        if old != desired.organizations:
            organizations.change(educator.pk, old, desired.organizations)
            snapshot["links"] = {"organizations": sorted(old)}
        educator.updated_at = now
        updated.append(educator)
        before.append(snapshot)
    users_created = _users_of(updated, changed)
    if updated:
        bulk_set(Educator, updated, sorted(changed))
        bulk_history(Educator, updated, update=True, user=user)

    progress(80, "Saving organizations")
    organizations.write()
    progress(95, "Finishing")
    return {
        "educators": {
            "created": [e.pk for e in new_educators],
            "updated": before,
            "users": [u.pk for u in new_users] + users_created,
            "stamp": timezone.now().isoformat(),
        }
    }


def _users_of(educators: list[Educator], changed: set[str]) -> list[int]:
    """Keep the portal users of updated educators in step (as the educator service does);
    an educator without one gets one. Returns the ids of users created."""
    User = get_user_model()
    ids = [e.user_id for e in educators if e.user_id]
    users = {}
    for start in range(0, len(ids), CHUNK):
        users.update(User.objects.in_bulk(ids[start : start + CHUNK]))
    missing = [e for e in educators if e.user_id not in users]
    created = [_new_user(e) for e in missing]
    User.objects.bulk_create(created, batch_size=BATCH)
    for educator, new_user in zip(missing, created, strict=True):
        educator.user_id = new_user.pk
    if missing:
        changed.add("user")
    for educator in educators:
        user = users.get(educator.user_id)
        if user is not None:
            for name in USER_FIELDS:
                setattr(user, name, getattr(educator, name) or "")
    bulk_set(User, list(users.values()), USER_FIELDS)
    return [u.pk for u in created]


def sync_users(educator_ids: list[int]) -> None:
    """After undo put educators back: their users follow again."""
    educators = []
    for start in range(0, len(educator_ids), CHUNK):
        educators.extend(
            Educator.objects.filter(pk__in=educator_ids[start : start + CHUNK], user__isnull=False)
        )
    _users_of(educators, set())
