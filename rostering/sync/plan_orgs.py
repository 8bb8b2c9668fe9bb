"""The planner's organizations phase (mixed into rostering.sync.plan's planner): the
district's schools, departments and local organizations as the snapshot wants them."""

from __future__ import annotations

from dataclasses import dataclass, field

from rostering import registry
from rostering.models import Organization, Origin
from rostering.oneroster import reading
from rostering.oneroster.class_org_reading import org_readers
from rostering.text import clean_text
from rostering.validators import blank_to_none

from .plan_fields import _refused

ORG_TYPES = {"school", "department", "local"}
DISTRICT_LEVEL = {"district", "state", "national"}


@dataclass
class OrgChange:
    action: str  # create | update | unchanged
    sourced_id: str
    record: Organization
    parent_key: int | None  # pk, or a negative key of a new org, or None for the district
    changes: dict = field(default_factory=dict)


def org_finishers(*, use_identifier: bool) -> tuple[tuple[str, reading.Reader], ...]:
    """(field name, reader) of each organization field a SIS org carries, as the registry
    says (rostering.oneroster.class_org_reading), finished as the sync stores it: free text
    clean, an ID blank as NULL, a rule's value as it makes it. Not the references (the
    parent): the phase places each organization once all are read. Built once per sync."""
    kind = registry.ORGANIZATION
    pairs: list[tuple[str, reading.Reader]] = []
    for name, raw in org_readers(use_identifier=use_identifier).items():
        if name in kind.references:
            continue
        if name in kind.district_ids:
            pairs.append((name, lambda org, raw=raw: blank_to_none(raw(org))))
        elif name in kind.text_fields and not kind[name].rule:
            pairs.append((name, lambda org, raw=raw: clean_text(raw(org))))
        else:
            pairs.append((name, raw))
    return tuple(pairs)


class OrgPhase:
    """The organizations phase: ``orgs`` plans the district's organizations."""

    def orgs(self) -> None:
        district, plan = self.district, self.plan
        existing = list(Organization.objects.filter(district=district))
        by_sourced = {o.sis_sourced_id: o for o in existing if o.sis_sourced_id}
        by_external = {o.external_id: o for o in existing if o.external_id}
        new_key = 0
        pending: list[tuple[OrgChange, str]] = []
        finishers = org_finishers(use_identifier=self.use_identifier)
        for org in self.snapshot.orgs.values():
            if org.type in DISTRICT_LEVEL:
                plan.org_keys[org.sourced_id] = district.pk
                continue
            if org.type not in ORG_TYPES:
                continue
            values = {name: read(org) for name, read in finishers}
            problem, field_name = _refused(registry.ORGANIZATION, values)
            if problem:
                # The registry's verdict: the organization is not written (nor its people).
                self.error(
                    org.file,
                    org.row,
                    org.sourced_id,
                    f"{problem} Skipped.",
                    self.column(field_name, org.file),
                )
                continue
            external = values["external_id"]
            record = by_sourced.get(org.sourced_id) or (
                by_external.get(external) if external else None
            )
            if record is None:
                new_key -= 1
                record = Organization(
                    district=district,
                    parent=district,
                    sis_sourced_id=org.sourced_id,
                    origin=Origin.SYNCED,
                    **values,
                )
                change = OrgChange("create", org.sourced_id, record, None)
                plan.org_keys[org.sourced_id] = new_key
                record._sync_key = new_key  # resolved to a pk when applied
            else:
                wanted = {**values, "sis_sourced_id": org.sourced_id, "origin": Origin.SYNCED}
                if not external:
                    del wanted["external_id"]  # a blank one keeps the stored ID
                changes = {
                    k: (getattr(record, k), v) for k, v in wanted.items() if getattr(record, k) != v
                }
                change = OrgChange(
                    "update" if changes else "unchanged", org.sourced_id, record, None
                )
                change.changes = changes
                plan.org_keys[org.sourced_id] = record.pk
            plan.orgs.append(change)
            pending.append((change, org.parent_sourced_id))
        for change, parent in pending:
            parent_key = plan.org_keys.get(parent) if parent else None
            if parent_key == district.pk:
                parent_key = None
            change.parent_key = parent_key
            current = change.record.parent_id
            wanted_parent = parent_key if parent_key is not None else district.pk
            if change.action != "create" and current != wanted_parent:
                change.changes["parent"] = (current, wanted_parent)
                change.action = "update"

    def _orgs_of(self, user) -> set[int]:
        keys = self.plan.org_keys
        return {keys[o] for o in user.org_sourced_ids if o in keys}
