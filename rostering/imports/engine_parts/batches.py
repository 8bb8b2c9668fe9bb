"""The hand-over from each kind's checked ``Work`` to the engine: a batch of changes
(rostering.engine.changes), which ``rostering.engine.apply`` writes. Nothing here writes."""

from __future__ import annotations

from rostering.engine import Batch, New, Source
from rostering.engine.changes import LinkChange
from rostering.models import Origin
from rostering.passwords import encrypt_password

MANUAL = str(Origin.MANUAL)
_NONE: dict = {}


def students(work) -> Batch:
    batch = Batch()
    current = work.current
    for desired in work.creates:
        source = Source(row=desired.row)
        token = encrypt_password(desired.password) if desired.password else ""
        fields = {**desired.fields, "origin": MANUAL, "password_encrypted": token}
        ref = batch.create("student", fields, source)
        _student_links(batch, ref, desired, source, current=None)
    for known, desired in work.updates:
        source = Source(row=desired.row)
        fields = dict(desired.fields)
        if desired.password is not None:
            fields["password_encrypted"] = encrypt_password(desired.password)
        batch.update_record("student", known, fields, source)
        _student_links(batch, known.pk, desired, source, current=current)
    return batch


def _student_links(batch: Batch, pk, desired, source: Source, *, current) -> None:
    empty: set = set()
    if desired.schools is not None:
        old = current.schools.get(pk, empty) if current is not None else empty
        batch.relink("student_school", pk, old, desired.schools, source=source)
    if desired.products is not None:
        old = current.products.get(pk, empty) if current is not None else empty
        batch.relink("student_product", pk, old, desired.products, origin=MANUAL, source=source)
    if desired.classes is not None:  # a class/group's list of students holds the link
        old = current.classes.get(pk, empty) if current is not None else empty
        if old != desired.classes:
            links = batch.links
            for group in old - desired.classes:
                links.append(LinkChange("class_student", group, pk, False, MANUAL, source))
            for group in desired.classes - old:
                links.append(LinkChange("class_student", group, pk, True, MANUAL, source))
    if desired.settings:
        settings = current.settings.get(pk, _NONE) if current is not None else _NONE
        for setting, value in desired.settings.items():
            batch.setting(pk, setting, settings.get(setting), value, source)


def educators(work) -> Batch:
    batch = Batch()
    for desired in work.creates:
        source = Source(row=desired.row)
        ref = batch.create("educator", {**desired.fields, "origin": MANUAL}, source)
        batch.relink("educator_school", ref, set(), desired.organizations, source=source)
    for educator, desired in work.updates:
        source = Source(row=desired.row)
        batch.update_record("educator", educator, desired.fields, source)
        old = work.organizations.get(educator.pk, set())
        batch.relink("educator_school", educator.pk, old, desired.organizations, source=source)
    return batch


CLASS_LINKS = {
    "products": "class_product",
    "educators": "class_educator",
    "students": "class_student",
}


def classes(work) -> Batch:
    batch = Batch()
    for desired in work.creates:
        source = Source(row=desired.row)
        ref = batch.create("class_group", {**desired.fields, "origin": MANUAL}, source)
        for name, link in CLASS_LINKS.items():
            new = getattr(desired, name)
            if new:
                batch.relink(link, ref, set(), new, origin=MANUAL, source=source)
    for group, desired in work.updates:
        source = Source(row=desired.row)
        batch.update_record("class_group", group, desired.fields, source)
        for name, link in CLASS_LINKS.items():
            new = getattr(desired, name)
            if new is not None:
                old = work.current.get(name, {}).get(group.pk, set())
                batch.relink(link, group.pk, old, new, origin=MANUAL, source=source)
    return batch


def organizations(work, district) -> Batch:
    """New organizations, each below the district or below the organization its Parent names
    (one of the file's new rows, which the engine creates first)."""
    batch = Batch()
    new_of_row = {desired.index: New("organization", i) for i, desired in enumerate(work.creates)}

    def parent(desired):
        kind, key = desired.parent or ("org", district.pk)
        return key if kind == "org" else new_of_row[key]

    for desired in work.creates:
        fields = {**desired.fields, "origin": MANUAL, "parent_id": parent(desired)}
        batch.create("organization", fields, Source(row=desired.row))
    for org, desired in work.updates:
        fields = dict(desired.fields)
        if desired.parent is not None:
            fields["parent_id"] = parent(desired)
        batch.update_record("organization", org, fields, Source(row=desired.row))
    return batch
