"""Write checked classes/groups in bulk, with history rows (channel "import"), their product
links and rosters, and remember what was there before so that undo can put it back.
Called inside the import's transaction."""

from __future__ import annotations

from django.utils import timezone

from rostering.models import ClassEducator, ClassGroup, ClassProduct, ClassStudent, Origin

from .bulk import BATCH, Links, bulk_history, bulk_set
from .classes import Work

LINK_TABLES = {
    "products": (ClassProduct, "product_id"),
    "educators": (ClassEducator, "educator_id"),
    "students": (ClassStudent, "student_id"),
}


def write(*, district, work: Work, user, progress) -> dict:
    now = timezone.now()
    links = {
        name: Links(model, other, {"origin": Origin.MANUAL}, owner="class_group_id")
        for name, (model, other) in LINK_TABLES.items()
    }

    progress(10, f"Writing {len(work.creates):,} new classes/groups")
    new_groups = []
    for desired in work.creates:
        group = ClassGroup(district=district, origin=Origin.MANUAL, **desired.fields)
        group.created_at = group.updated_at = now
        new_groups.append(group)
    ClassGroup.objects.bulk_create(new_groups, batch_size=BATCH)
    bulk_history(ClassGroup, new_groups, update=False, user=user)
    for group, desired in zip(new_groups, work.creates, strict=True):
        for name, link in links.items():
            new = getattr(desired, name)
            if new:
                link.change(group.pk, set(), new)

    progress(50, f"Updating {len(work.updates):,} classes/groups")
    before, updated, changed = [], [], {"updated_at"}
    for group, desired in work.updates:
        snapshot: dict = {"id": group.pk, "fields": {}, "links": {}}
        for name, new in desired.fields.items():
            if (getattr(group, name) or None) != (new or None):
                snapshot["fields"][name] = getattr(group, name)
                setattr(group, name, new)
                changed.add(name)
        for name, link in links.items():
            new = getattr(desired, name)
            old = work.current.get(name, {}).get(group.pk, set())
            if new is not None and new != old:
                link.change(group.pk, old, new)
                snapshot["links"][name] = sorted(old)
        group.updated_at = now
        updated.append(group)
        before.append(snapshot)
    if updated:
        bulk_set(ClassGroup, updated, sorted(changed))
        bulk_history(ClassGroup, updated, update=True, user=user)

    progress(80, "Saving products, educators and students")
    for link in links.values():
        link.write()
    progress(95, "Finishing")
    return {
        "classes": {
            "created": [g.pk for g in new_groups],
            "updated": before,
            "stamp": timezone.now().isoformat(),
        }
    }
