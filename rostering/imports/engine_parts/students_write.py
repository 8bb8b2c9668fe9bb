"""Write checked students in bulk, with history rows (channel "import"), and remember what
was there before so that undo can put it back. Called inside the import's transaction."""

from __future__ import annotations

from django.utils import timezone

from rostering import link_history
from rostering.models import ClassStudent, Origin, Student, StudentProduct
from rostering.models import StudentProductSetting as SettingValue

from .bulk import CHUNK, delete_ids
from .fast_sql import (
    FastLinks,
    allocate_ids,
    fetch,
    history_of_rows,
    insert,
    insert_history,
    paused_gc,
)
from .fast_sql import update as update_rows
from .students import PLAIN_FIELDS, Current, Desired, Work, encrypt


def _history(records: list, *, update: bool, user) -> None:
    insert_history(Student, records, update=update, user=user)


_delete = delete_ids
_Links = FastLinks  # links of students: the owner column is "student_id"


def write_students(*, district, work: Work, user, progress) -> dict:
    """Apply ``work``; returns ``touched`` for undo (JSON)."""
    with paused_gc():
        return _write(district=district, work=work, user=user, progress=progress)


def _write(*, district, work: Work, user, progress) -> dict:
    now = timezone.now()
    current = work.current
    schools = _Links(Student.schools.through, "organization_id")
    classes = _Links(ClassStudent, "class_group_id", {"origin": Origin.MANUAL})
    products = _Links(StudentProduct, "product_id", {"origin": Origin.MANUAL})
    settings_new: list[tuple[int, int, str]] = []  # (student, setting, value)
    settings_set: list[tuple[int, int, str | None]] = []  # (student, setting, value or delete)

    progress(10, f"Writing {len(work.creates):,} new students")
    new_ids = _create(district, work.creates, now)
    history_of_rows(Student, new_ids, update=False, user=user)
    progress(40, "Linking schools, classes/groups and products")
    empty = Current(records={})
    for pk, desired in zip(new_ids, work.creates, strict=True):
        _links(pk, empty, desired, schools, classes, products)
        for setting_id, value in (desired.settings or {}).items():
            settings_new.append((pk, setting_id, value))

    progress(55, f"Updating {len(work.updates):,} students")
    before = []
    changed_fields: set[str] = {"updated_at"}
    updated = []
    for student, desired in work.updates:
        snapshot: dict = {"id": student.pk, "fields": {}}
        for name, new in desired.fields.items():
            if (getattr(student, name) or None) != (new or None):
                snapshot["fields"][name] = getattr(student, name)
                setattr(student, name, new)
                changed_fields.add(name)
        token = encrypt(desired) if desired.password is not None else None
        if token is not None:
            snapshot["fields"]["password_encrypted"] = student.password_encrypted
            student.password_encrypted = token
            changed_fields.add("password_encrypted")
        snapshot.update(_links(student.pk, current, desired, schools, classes, products))
        if desired.settings:
            old = current.settings.get(student.pk, {})
            moved = {k: v for k, v in desired.settings.items() if old.get(k) != v}
            if moved:
                snapshot["settings"] = {str(k): old.get(k) for k in moved}
                settings_set.extend((student.pk, k, v) for k, v in moved.items())
        student.updated_at = now
        updated.append(student)
        before.append(snapshot)
    if updated:
        names = sorted(changed_fields)
        update_rows(Student, names, [(s.pk, *(getattr(s, n) for n in names)) for s in updated])
        history_of_rows(Student, [s.pk for s in updated], update=True, user=user)

    progress(75, "Saving memberships and product access")
    schools.write()
    classes.write()
    products.write()
    insert(SettingValue, ["student_id", "setting_id", "value"], settings_new)
    link_history.record_settings((s, k, None, v) for s, k, v in settings_new)
    apply_settings(settings_set)
    progress(95, "Finishing")
    return {
        "students": {
            "created": new_ids,
            "updated": before,
            # After the writes: auto_now stamps created rows a moment after ``now``.
            "stamp": timezone.now().isoformat(),
        }
    }


def _create(district, creates: list[Desired], now) -> list[int]:
    """Insert the new students (without model instances); their ids, in order."""
    names = ["district_id", "origin", "password_encrypted", "created_at", "updated_at"]
    names += PLAIN_FIELDS
    blank = {name: Student._meta.get_field(name).get_default() for name in PLAIN_FIELDS}
    rows = [
        (district.pk, str(Origin.MANUAL), encrypt(desired) or "", now, now)
        + tuple(desired.fields.get(name, blank[name]) for name in PLAIN_FIELDS)
        for desired in creates
    ]
    ids = allocate_ids(Student, len(rows))
    if ids is not None:
        insert(Student, ["id", *names], [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
        return ids
    insert(Student, names, rows)  # the database numbers them: find them by username
    usernames = [desired.fields["username"] for desired in creates]
    found = {}
    for start in range(0, len(usernames), CHUNK):
        chunk = Student.objects.filter(username__in=usernames[start : start + CHUNK])
        found.update(fetch(chunk.values_list("username", "id")))
    return [found[username] for username in usernames]


def _links(pk, current: Current, desired: Desired, schools, classes, products) -> dict:
    """Queue link changes; returns the former links that changed (for undo)."""
    old_links = {}
    for name, links, new in (
        ("schools", schools, desired.schools),
        ("classes", classes, desired.classes),
        ("products", products, desired.products),
    ):
        if new is None:
            continue
        old = getattr(current, name).get(pk, set())
        if old != new:
            links.change(pk, old, new)
            old_links[name] = sorted(old)
    return old_links


def apply_settings(items: list[tuple[int, int, str | None]]) -> None:
    """Set (or, with None, remove) product setting values of existing students."""
    if not items:
        return
    students = sorted({student_id for student_id, _s, _v in items})
    existing = {}
    for start in range(0, len(students), CHUNK):
        for pk, student_id, setting_id, value in fetch(
            SettingValue.objects.filter(student_id__in=students[start : start + CHUNK]).values_list(
                "pk", "student_id", "setting_id", "value"
            )
        ):
            existing[(student_id, setting_id)] = (pk, value)
    now = timezone.now()
    creates, updates, deletes = [], [], []
    for student_id, setting_id, value in items:
        pk = existing.get((student_id, setting_id), (None, None))[0]
        if value is None:
            if pk:
                deletes.append(pk)
        elif pk:
            updates.append((pk, value, now))
        else:
            creates.append((student_id, setting_id, value))
    _delete(SettingValue, deletes)
    update_rows(SettingValue, ["value", "updated_at"], updates)
    insert(SettingValue, ["student_id", "setting_id", "value"], creates)
    link_history.record_settings(
        (s, k, existing.get((s, k), (None, None))[1], v) for s, k, v in items
    )


__all__ = ["PLAIN_FIELDS", "write_students", "apply_settings"]
