"""The planner's organizations phase (mixed into rostering.sync.plan's planner): the
district's schools, departments and local organizations as the snapshot wants them."""

from __future__ import annotations

from dataclasses import dataclass, field

from rostering import registry
from rostering.models import Organization, Origin
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


class OrgPhase:
    """The organizations phase: ``orgs`` plans the district's organizations."""

    def orgs(self) -> None:
        district, plan = self.district, self.plan
        existing = list(Organization.objects.filter(district=district))
        by_sourced = {o.sis_sourced_id: o for o in existing if o.sis_sourced_id}
        by_external = {o.external_id: o for o in existing if o.external_id}
        new_key = 0
        pending: list[tuple[OrgChange, str]] = []
        for org in self.snapshot.orgs.values():
            if org.type in DISTRICT_LEVEL:
                plan.org_keys[org.sourced_id] = district.pk
                continue
            if org.type not in ORG_TYPES:
                continue
            external = blank_to_none(org.sourced_id if not self.use_identifier else org.identifier)
            name = clean_text(org.name)
            values = {"name": name, "external_id": external}
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
            record = by_sourced.get(org.sourced_id) or (
                by_external.get(external) if external else None
            )
            if record is None:
                new_key -= 1
                record = Organization(
                    name=name,
                    org_type=org.type,
                    district=district,
                    parent=district,
                    external_id=external,
                    sis_sourced_id=org.sourced_id,
                    origin=Origin.SYNCED,
                )
                change = OrgChange("create", org.sourced_id, record, None)
                plan.org_keys[org.sourced_id] = new_key
                record._sync_key = new_key  # resolved to a pk when applied
            else:
                wanted = {
                    "name": name,
                    "org_type": org.type,
                    "sis_sourced_id": org.sourced_id,
                    "origin": Origin.SYNCED,
                }
                if external:
                    wanted["external_id"] = external
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
