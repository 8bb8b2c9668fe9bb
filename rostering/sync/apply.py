"""Write a plan to the database in bulk. Called inside the run's transaction.

The sync owns the locked fields of synced records, so it writes rows directly (bulk_create /
bulk_update in batches) instead of one service call per record; which fields it writes was
decided by ``rostering.ownership`` when the plan was made. Every created or changed roster record
gets a history row with channel "sync", written in bulk too.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from rostering import link_history
from rostering.history import Channel, audit
from rostering.locks import lock_district
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Origin,
    Student,
    StudentProductSetting,
)

from .plan import Plan

BATCH = 2000
DELETE_CHUNK = 5000


def apply_plan(plan: Plan, *, actor=None) -> None:
    lock_district(plan.district)  # held already by the run (rostering.sync.engine._lock)
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    with audit(actor=actor, channel=Channel.SYNC):
        keys = _apply_orgs(plan)
        to_link = _apply_educator_users(plan)
        _apply_kind(plan, "student", Student, "schools", keys, now, user)
        _apply_kind(plan, "educator", Educator, "organizations", keys, now, user)
        Educator.objects.bulk_update(to_link, ["user"], batch_size=500)
        _apply_kind(plan, "class_group", ClassGroup, None, keys, now, user)
        _apply_memberships(plan)
        _apply_products(plan)
        _apply_settings(plan, now)


def _apply_orgs(plan: Plan) -> dict[int, int]:
    """Create and update organizations (few: one save each, with history); returns the map
    from a new organization's planning key to its pk."""
    district = plan.district
    keys: dict[int, int] = {}
    for change in plan.orgs:
        if change.action == "create":
            change.record.save()
            keys[change.record._sync_key] = change.record.pk
    for change in plan.orgs:
        if change.action == "unchanged":
            continue
        record = change.record
        parent_id = keys.get(change.parent_key, change.parent_key) or district.pk
        for name, (_old, new) in change.changes.items():
            if name != "parent":
                setattr(record, name, new)
        if record.parent_id != parent_id or change.action == "update":
            record.parent_id = parent_id
            record.save()
    return keys


_QUIET = ("create", "unchanged")


def _create_in_batches(model, rows) -> None:
    """bulk_create from an iterable, one batch in memory at a time (200,000 memberships would
    otherwise be 200,000 model instances at once)."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch, batch_size=BATCH)
            link_history.record_links(model, added=batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch, batch_size=BATCH)
        link_history.record_links(model, added=batch)


def _whole_rows(model, pks: list[int]) -> dict[int, object]:
    """Full rows of the records to update: the plan loaded only the fields it compares."""
    rows: dict[int, object] = {}
    for start in range(0, len(pks), DELETE_CHUNK):
        rows.update(model.objects.in_bulk(pks[start : start + DELETE_CHUNK]))
    return rows


def _resolve(keys: dict[int, int], value: int) -> int:
    return keys.get(value, value) if value is not None and value < 0 else value


def _history(model, records: list, *, update: bool, user) -> None:
    if records:
        model.history.bulk_history_create(
            records,
            update=update,
            batch_size=BATCH,
            default_user=user,
            custom_historical_attrs={"history_channel": str(Channel.SYNC)},
        )


def _apply_kind(plan: Plan, kind: str, model, related: str | None, keys, now, user) -> None:
    kp = plan.kinds[kind]
    creates, updates, fields = [], [], {"origin", "last_synced_at", "updated_at"}
    whole = _whole_rows(model, [c.record.pk for c in kp.changes if c.action not in _QUIET])
    for change in kp.changes:
        record = change.record
        if change.action not in _QUIET:
            record = whole.get(record.pk, record)
        if change.action == "create":
            if kind == "class_group":
                record.school_id = _resolve(keys, record._school_key)
            record.last_synced_at = now
            creates.append(record)
        elif change.action != "unchanged":
            for name, (_old, new) in change.changes.items():
                setattr(record, name, _resolve(keys, new) if name == "school_id" else new)
                fields.add(name)
            record.origin = Origin.SYNCED
            record.last_synced_at = now
            record.updated_at = now
            updates.append(record)
    for start in range(0, len(creates), BATCH):
        chunk = creates[start : start + BATCH]
        model.objects.bulk_create(chunk, batch_size=BATCH)
        _history(model, chunk, update=False, user=user)
    if updates:
        model.objects.bulk_update(updates, sorted(fields), batch_size=500)
        for start in range(0, len(updates), BATCH):
            _history(model, updates[start : start + BATCH], update=True, user=user)
    if related is None:
        return
    through = getattr(model, related).through
    owner = f"{kind}_id"
    removals = {c.record.pk: c.related_remove for c in kp.changes if c.related_remove}
    adds = (
        through(**{owner: change.record.pk, "organization_id": _resolve(keys, org_key)})
        for change in kp.changes
        for org_key in change.related_add
    )
    if removals:
        owners = list(removals)
        doomed = []
        for start in range(0, len(owners), DELETE_CHUNK):
            rows = through.objects.filter(**{f"{owner}__in": owners[start : start + DELETE_CHUNK]})
            for pk, owner_id, org_id in rows.values_list("pk", owner, "organization_id"):
                if org_id in removals[owner_id]:
                    doomed.append(pk)
        _delete(through, doomed)
    _create_in_batches(through, adds)


SIGN_IN_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


def _final(change, name: str):
    if name in change.changes:
        return change.changes[name][1]
    return getattr(change.record, name)


def _apply_educator_users(plan: Plan) -> list:
    """Educators sign in to the portal: make a sign-in for those without one, keep the others'
    names, username, email and active flag in step. Returns existing educators to link."""
    User = get_user_model()
    new_users, changed = [], []
    for change in plan.kinds["educator"].changes:
        if change.record.user_id is None:
            if _final(change, "is_active"):
                user = User(password=make_password(None))  # unusable until reset or SSO
                for name in SIGN_IN_FIELDS:
                    setattr(user, name, _final(change, name))
                new_users.append((change, user))
        elif set(SIGN_IN_FIELDS) & set(change.changes):
            changed.append(change)
    User.objects.bulk_create([user for _change, user in new_users], batch_size=BATCH)
    to_link = []
    for change, user in new_users:
        change.record.user_id = user.pk
        if change.action != "create":
            to_link.append(change.record)
    if changed:
        users = User.objects.in_bulk([c.record.user_id for c in changed])
        for change in changed:
            user = users.get(change.record.user_id)
            for name in SIGN_IN_FIELDS:
                if user is not None and name in change.changes:
                    setattr(user, name, change.changes[name][1])
        User.objects.bulk_update(list(users.values()), list(SIGN_IN_FIELDS), batch_size=500)
    return to_link


def _delete(model, pks: list[int]) -> None:
    for start in range(0, len(pks), DELETE_CHUNK):
        model.objects.filter(pk__in=pks[start : start + DELETE_CHUNK]).delete()


def _delete_links(model, pks: list[int]) -> None:
    """Delete link rows by pk, with their history (one read of the pairs per chunk)."""
    _kind, columns = link_history.TRACKED[model]
    names = list(columns)
    for start in range(0, len(pks), DELETE_CHUNK):
        rows = model.objects.filter(pk__in=pks[start : start + DELETE_CHUNK])
        gone = list(rows.values_list(*names))
        rows.delete()
        link_history.record_pairs(model, *names, removed=gone)


def _apply_memberships(plan: Plan) -> None:
    _delete_links(ClassStudent, plan.student_removes)
    _delete_links(ClassEducator, plan.educator_removes)
    _create_in_batches(
        ClassStudent,
        (
            ClassStudent(class_group_id=cls.pk, student_id=person.pk, origin=Origin.SYNCED)
            for cls, person in plan.student_adds
        ),
    )
    _create_in_batches(
        ClassEducator,
        (
            ClassEducator(class_group_id=cls.pk, educator_id=person.pk, origin=Origin.SYNCED)
            for cls, person in plan.educator_adds
        ),
    )


def _apply_products(plan: Plan) -> None:
    _delete_links(ClassProduct, plan.product_removes)
    for start in range(0, len(plan.product_claims), DELETE_CHUNK):
        ClassProduct.objects.filter(
            pk__in=plan.product_claims[start : start + DELETE_CHUNK]
        ).update(origin=Origin.SYNCED)
    added = ClassProduct.objects.bulk_create(
        [
            ClassProduct(class_group_id=cls.pk, product_id=product_id, origin=Origin.SYNCED)
            for cls, product_id in plan.product_adds
        ],
        batch_size=BATCH,
    )
    link_history.record_links(ClassProduct, added=added)


def _apply_settings(plan: Plan, now) -> None:
    link_history.record_settings(
        (student.pk, setting_id, None, value) for student, setting_id, value in plan.setting_creates
    )
    before = {}
    pks = [pk for pk, _value in plan.setting_updates]
    for start in range(0, len(pks), DELETE_CHUNK):
        rows = StudentProductSetting.objects.filter(pk__in=pks[start : start + DELETE_CHUNK])
        for pk, student_id, setting_id, value in rows.values_list(
            "pk", "student_id", "setting_id", "value"
        ):
            before[pk] = (student_id, setting_id, value)
    link_history.record_settings(
        (*before[pk][:2], before[pk][2], value) for pk, value in plan.setting_updates if pk in before
    )
    StudentProductSetting.objects.bulk_create(
        [
            StudentProductSetting(
                student_id=student.pk,
                setting_id=setting_id,
                value=value,
                sis_value=value,
                origin=Origin.SYNCED,
            )
            for student, setting_id, value in plan.setting_creates
        ],
        batch_size=BATCH,
    )
    if plan.setting_updates:
        StudentProductSetting.objects.bulk_update(
            [
                StudentProductSetting(
                    pk=pk, value=value, sis_value=value, origin=Origin.SYNCED, updated_at=now
                )
                for pk, value in plan.setting_updates
            ],
            ["value", "sis_value", "origin", "updated_at"],
            batch_size=500,
        )
