"""Write checked students in bulk, with history rows (channel "import"), and remember what
was there before so that undo can put it back. Called inside the import's transaction."""

from __future__ import annotations

from django.utils import timezone

from rostering.models import ClassStudent, Origin, Student, StudentProduct
from rostering.models import StudentProductSetting as SettingValue

from .bulk import BATCH, CHUNK, Links, bulk_history, delete_ids
from .students import PLAIN_FIELDS, Current, Desired, Work, encrypt


def _history(records: list, *, update: bool, user) -> None:
    bulk_history(Student, records, update=update, user=user)


_delete = delete_ids
_Links = Links  # links of students: the owner column is "student_id"


def write_students(*, district, work: Work, user, progress) -> dict:
    """Apply ``work``; returns ``touched`` for undo (JSON)."""
    now = timezone.now()
    current = work.current
    schools = _Links(Student.schools.through, "organization_id")
    classes = _Links(ClassStudent, "class_group_id", {"origin": Origin.MANUAL})
    products = _Links(StudentProduct, "product_id", {"origin": Origin.MANUAL})
    settings_new: list[SettingValue] = []
    settings_set: list[tuple[int, int, str | None]] = []  # (student, setting, value or delete)

    progress(10, f"Writing {len(work.creates):,} new students")
    new_students = []
    for desired in work.creates:
        student = Student(district=district, origin=Origin.MANUAL, **desired.fields)
        student.password_encrypted = encrypt(desired) or ""
        student.created_at = student.updated_at = now
        new_students.append(student)
    for start in range(0, len(new_students), BATCH):
        Student.objects.bulk_create(new_students[start : start + BATCH], batch_size=BATCH)
    _history(new_students, update=False, user=user)
    progress(40, "Linking schools, classes/groups and products")
    empty = Current(records={})
    for student, desired in zip(new_students, work.creates, strict=True):
        _links(student.pk, empty, desired, schools, classes, products)
        for setting_id, value in (desired.settings or {}).items():
            settings_new.append(
                SettingValue(
                    student_id=student.pk, setting_id=setting_id, value=value, origin=Origin.MANUAL
                )
            )

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
        Student.objects.bulk_update(updated, sorted(changed_fields), batch_size=1000)
        _history(updated, update=True, user=user)

    progress(75, "Saving memberships and product access")
    schools.write()
    classes.write()
    products.write()
    SettingValue.objects.bulk_create(settings_new, batch_size=BATCH)
    apply_settings(settings_set)
    progress(95, "Finishing")
    return {
        "students": {
            "created": [s.pk for s in new_students],
            "updated": before,
            # After the writes: auto_now stamps created rows a moment after ``now``.
            "stamp": timezone.now().isoformat(),
        }
    }


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
        for pk, student_id, setting_id in SettingValue.objects.filter(
            student_id__in=students[start : start + CHUNK]
        ).values_list("pk", "student_id", "setting_id"):
            existing[(student_id, setting_id)] = pk
    now = timezone.now()
    creates, updates, deletes = [], [], []
    for student_id, setting_id, value in items:
        pk = existing.get((student_id, setting_id))
        if value is None:
            if pk:
                deletes.append(pk)
        elif pk:
            updates.append(SettingValue(pk=pk, value=value, updated_at=now))
        else:
            creates.append(
                SettingValue(
                    student_id=student_id, setting_id=setting_id, value=value, origin=Origin.MANUAL
                )
            )
    _delete(SettingValue, deletes)
    SettingValue.objects.bulk_update(updates, ["value", "updated_at"], batch_size=1000)
    SettingValue.objects.bulk_create(creates, batch_size=BATCH)


__all__ = ["PLAIN_FIELDS", "write_students", "apply_settings"]
