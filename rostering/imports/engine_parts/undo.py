"""Undo a committed import while the records it touched are unchanged since.

``touched`` (stored on the job, JSON) says per record type what the import created (ids, which
undo deletes) and what it updated (each record's former values, which undo puts back), and
the time stamp the import wrote on them: a record changed after it cannot be undone.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rostering.history import Channel, audit
from rostering.locks import lock_district
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Organization,
    Student,
    StudentProduct,
)

from .bulk import Links, bulk_history, bulk_set, load_links_of
from .educators_write import sync_users
from .students import Current
from .students_write import CHUNK, _history, _Links, apply_settings

MODELS = {
    "students": Student,
    "educators": Educator,
    "classes": ClassGroup,
    "organizations": Organization,
}
# The link tables (model, owner column, other column) each kind's "links" snapshots name.
LINKS = {
    "educators": {
        "organizations": (Educator.organizations.through, "educator_id", "organization_id")
    },
    "classes": {
        "products": (ClassProduct, "class_group_id", "product_id"),
        "educators": (ClassEducator, "class_group_id", "educator_id"),
        "students": (ClassStudent, "class_group_id", "student_id"),
    },
    "organizations": {},
}
NOUNS = {
    "students": "student",
    "educators": "educator",
    "classes": "class/group",
    "organizations": "organization",
}


def undo(*, actor, district, touched: dict) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic(), audit(actor=actor, channel=Channel.IMPORT):
        lock_district(district)  # before checking what changed since the import
        for kind, part in touched.items():
            if kind in MODELS:
                _refuse_if_changed(district, kind, part)
        # Undo in reverse order of dependency: people and classes before organizations.
        for kind in ("students", "educators", "classes", "organizations"):
            part = touched.get(kind)
            if not part:
                continue
            if kind == "students":
                _restore_students(part, user)
            else:
                _restore_records(MODELS[kind], part, user, LINKS[kind])
            if kind == "educators":
                sync_users([item["id"] for item in part.get("updated", [])])
            if kind == "organizations":
                _refuse_if_used(part.get("created", []))
                # Created organizations may sit below one another: lift them first.
                Organization.objects.filter(pk__in=part.get("created", [])).update(
                    parent=district
                )
            _delete_created(MODELS[kind], district, part.get("created", []))
            if kind == "educators":
                get_user_model().objects.filter(pk__in=part.get("users", [])).delete()


def _ids(part: dict) -> list[int]:
    return list(part.get("created", [])) + [item["id"] for item in part.get("updated", [])]


def _refuse_if_changed(district, kind: str, part: dict) -> None:
    model = MODELS[kind]
    ids = _ids(part)
    stamp = datetime.fromisoformat(part["stamp"]) if part.get("stamp") else None
    if stamp is not None and timezone.is_naive(stamp):
        stamp = timezone.make_aware(stamp)
    owner = {"district": district} if model is not Organization else {"district": district}
    found, changed = 0, 0
    for start in range(0, len(ids), CHUNK):
        qs = model.objects.filter(pk__in=ids[start : start + CHUNK], **owner)
        found += qs.count()
        if stamp is not None:
            changed += qs.filter(updated_at__gt=stamp).count()
    if found < len(ids):
        raise ValidationError(
            f"{len(ids) - found} {NOUNS[kind]} record(s) of this import no longer exist."
        )
    if changed:
        raise ValidationError(
            f"{changed} {NOUNS[kind]} record(s) of this import were changed since; "
            "undoing would lose those changes. Change them back by hand instead."
        )


def _delete_created(model, district, ids: list[int]) -> None:
    for start in range(0, len(ids), CHUNK):
        model.objects.filter(pk__in=ids[start : start + CHUNK], district=district).delete()


def _restore_students(part: dict, user) -> None:
    snapshots = part.get("updated", [])
    if not snapshots:
        return
    ids = [item["id"] for item in snapshots]
    records = {}
    for start in range(0, len(ids), CHUNK):
        records.update(Student.objects.in_bulk(ids[start : start + CHUNK]))
    current = Current(records=records)
    for name, model, other in (
        ("schools", Student.schools.through, "organization_id"),
        ("classes", ClassStudent, "class_group_id"),
        ("products", StudentProduct, "product_id"),
    ):
        mapping = getattr(current, name)
        for start in range(0, len(ids), CHUNK):
            for student_id, pk in model.objects.filter(
                student_id__in=ids[start : start + CHUNK]
            ).values_list("student_id", other):
                mapping.setdefault(student_id, set()).add(pk)
    links = {
        "schools": _Links(Student.schools.through, "organization_id"),
        "classes": _Links(ClassStudent, "class_group_id"),
        "products": _Links(StudentProduct, "product_id"),
    }
    fields: set[str] = {"updated_at"}
    settings = []
    now = timezone.now()
    for item in snapshots:
        student = records[item["id"]]
        for name, value in item.get("fields", {}).items():
            setattr(student, name, value)
            fields.add(name)
        for name, link in links.items():
            if name in item:
                link.change(
                    student.pk, getattr(current, name).get(student.pk, set()), set(item[name])
                )
        for setting_id, value in (item.get("settings") or {}).items():
            settings.append((student.pk, int(setting_id), value))
        student.updated_at = now
    students = list(records.values())
    Student.objects.bulk_update(students, sorted(fields), batch_size=1000)
    _history(students, update=True, user=user)
    for link in links.values():
        link.write()
    apply_settings(settings)


def _restore_records(model, part: dict, user, link_specs: dict) -> None:
    """Educators, classes/groups, organizations: put back each record's former plain values
    (``fields``, by attribute name) and links (``links``), in bulk."""
    snapshots = part.get("updated", [])
    if not snapshots:
        return
    ids = [item["id"] for item in snapshots]
    records = {}
    for start in range(0, len(ids), CHUNK):
        records.update(model.objects.in_bulk(ids[start : start + CHUNK]))
    current = {
        name: load_links_of(link_model, owner, other, ids)
        for name, (link_model, owner, other) in link_specs.items()
    }
    links = {
        name: Links(link_model, other, owner=owner)
        for name, (link_model, owner, other) in link_specs.items()
    }
    fields: set[str] = {"updated_at"}
    now = timezone.now()
    for item in snapshots:
        record = records[item["id"]]
        for name, value in item.get("fields", {}).items():
            setattr(record, name, value)
            fields.add(name)
        for name, old in (item.get("links") or {}).items():
            links[name].change(record.pk, current[name].get(record.pk, set()), set(old))
        record.updated_at = now
    restored = list(records.values())
    bulk_set(model, restored, sorted(fields))
    bulk_history(model, restored, update=True, user=user)
    for link in links.values():
        link.write()


def _refuse_if_used(org_ids: list[int]) -> None:
    """Organizations the import created that now have classes/groups, people or
    organizations of their own cannot simply disappear."""
    if not org_ids:
        return
    used = (
        ClassGroup.objects.filter(school_id__in=org_ids).exists()
        or Student.schools.through.objects.filter(organization_id__in=org_ids).exists()
        or Educator.organizations.through.objects.filter(organization_id__in=org_ids).exists()
        or Organization.objects.filter(parent_id__in=org_ids).exclude(pk__in=org_ids).exists()
    )
    if used:
        raise ValidationError(
            "Organizations this import created now have classes/groups, students, educators "
            "or organizations of their own. Move or remove those first, then undo."
        )
