"""Write checked organizations in bulk, with history rows (channel "import"), and remember
what was there before so that undo can put it back. Called inside the import's transaction.

New organizations are created first (below the district), then every parent that names a
new row of the file is set, so a file may list a school before its parent."""

from __future__ import annotations

from django.utils import timezone

from rostering.models import Organization, Origin

from .bulk import BATCH, bulk_history, bulk_set
from .organizations import Work


def write(*, district, work: Work, user, progress) -> dict:
    now = timezone.now()
    progress(10, f"Writing {len(work.creates):,} new organizations")
    new_orgs = []
    for desired in work.creates:
        org = Organization(district=district, origin=Origin.MANUAL, **desired.fields)
        kind, key = desired.parent or ("org", district.pk)
        org.parent_id = key if kind == "org" else district.pk
        org.created_at = org.updated_at = now
        new_orgs.append(org)
    Organization.objects.bulk_create(new_orgs, batch_size=BATCH)
    # Parents named by a new row of the file: ("row", index) -> the organization just made.
    by_index = {desired.index: org for org, desired in zip(new_orgs, work.creates, strict=True)}

    progress(50, f"Updating {len(work.updates):,} organizations")
    reparented = []
    for org, desired in zip(new_orgs, work.creates, strict=True):
        if desired.parent and desired.parent[0] == "row":
            org.parent_id = by_index[desired.parent[1]].pk
            reparented.append(org)
    bulk_set(Organization, reparented, ["parent"])
    bulk_history(Organization, new_orgs, update=False, user=user)

    before, updated, changed = [], [], {"updated_at"}
    for org, desired in work.updates:
        snapshot: dict = {"id": org.pk, "fields": {}}
        new_values = dict(desired.fields)
        if desired.parent is not None:
            kind, key = desired.parent
            new_values["parent_id"] = key if kind == "org" else by_index[key].pk
        for name, new in new_values.items():
            if (getattr(org, name) or None) != (new or None):
                snapshot["fields"][name] = getattr(org, name)
                setattr(org, name, new)
                changed.add(name)
        org.updated_at = now
        updated.append(org)
        before.append(snapshot)
    if updated:
        bulk_set(Organization, updated, sorted(changed))
        bulk_history(Organization, updated, update=True, user=user)
    progress(95, "Finishing")
    return {
        "organizations": {
            "created": [o.pk for o in new_orgs],
            "updated": before,
            "stamp": timezone.now().isoformat(),
        }
    }
