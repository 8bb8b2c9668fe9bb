"""The planner's classes phase (mixed into rostering.sync.plan's planner): each SIS class
as a class/group record at its school, matched with the district's."""

from __future__ import annotations

from rostering import registry
from rostering.models import ClassGroup, Origin
from rostering.oneroster import reading
from rostering.oneroster.class_org_reading import class_readers
from rostering.oneroster.records import Class, list_attributes
from rostering.text import clean_text
from rostering.validators import blank_to_none

from .matching import Incoming, plan_records
from .plan_fields import ATTNAME, _refused


def class_finishers(courses) -> tuple[tuple[str, reading.Reader], ...]:
    """(field name, reader) of each class/group field a SIS class carries, as the registry
    says (rostering.oneroster.class_org_reading), finished as the sync stores it: free text
    clean (rostering.text, whatever source built the snapshot), an ID blank as NULL, a list
    (the grades) joined as one value, which the registry then checks as any other (the
    grades each in the vocabulary), a rule's value as it makes it. Not the references (the
    school): the phase resolves them. Built once per sync."""
    kind = registry.CLASS_GROUP
    pairs: list[tuple[str, reading.Reader]] = []
    for name, raw in class_readers(courses).items():
        spec = kind[name]
        if name in kind.references:
            continue
        if spec.record in list_attributes(Class):
            pairs.append((name, lambda cls, raw=raw: ",".join(map(clean_text, raw(cls)))))
        elif name in kind.district_ids:
            pairs.append((name, lambda cls, raw=raw: blank_to_none(raw(cls))))
        elif name in kind.text_fields and not spec.rule:
            pairs.append((name, lambda cls, raw=raw: clean_text(raw(cls))))
        else:
            pairs.append((name, raw))
    return tuple(pairs)


class ClassPhase:
    """The classes phase: ``classes`` plans the classes/groups."""

    def classes(self) -> None:
        snapshot, district = self.snapshot, self.district
        writes = self.writes["class_group"]
        keep = set(snapshot.rejected.get("classes", set()))
        finishers = class_finishers(snapshot.courses)
        items = []
        for cls in snapshot.classes.values():
            school = self.plan.org_keys.get(cls.school_sourced_id)
            if school is None or school == district.pk:
                keep.add(cls.sourced_id)
                self.error(
                    cls.file,
                    cls.row,
                    cls.sourced_id,
                    f"{cls.title}: its school {cls.school_sourced_id} is not a school of this "
                    "district; skipped.",
                )
                continue
            offered = {"school_id": school}
            for name, read in finishers:
                offered[name] = read(cls)
            problem, name = _refused(registry.CLASS_GROUP, offered)
            if problem:
                # The registry's verdict, as for people: the class is not written.
                keep.add(cls.sourced_id)
                self.error(
                    cls.file,
                    cls.row,
                    cls.sourced_id,
                    f"{cls.title}: {problem} Skipped.",
                    self.column(name, cls.file, "classes"),
                )
                continue
            values = {ATTNAME.get(n, n): offered[ATTNAME.get(n, n)] for n in writes}
            items.append(
                Incoming(
                    sourced_id=cls.sourced_id,
                    file=cls.file,
                    row=cls.row,
                    label=cls.title,
                    values=values,
                    sis_values={},
                    active=values["is_active"],
                    match_keys={"external_id": values.get("external_id")},
                )
            )
        existing = list(ClassGroup.objects.filter(district=district))

        def make(item: Incoming):
            school_id = item.values["school_id"]
            record = ClassGroup(
                district=district, origin=Origin.SYNCED, sis_sourced_id=item.sourced_id
            )
            for name, value in item.values.items():
                if name != "school_id":
                    setattr(record, name, value)
            record._school_key = school_id  # may be a new org's negative key
            return record

        kp = plan_records(
            kind="class_group",
            model=ClassGroup,
            incoming=items,
            existing=existing,
            related_of=None,
            absent_means_gone=snapshot.is_complete("classes"),
            keep_sourced_ids=keep,
            noun="classes/groups",
            make_record=make,
        )
        kp.synced_active = sum(1 for r in existing if r.origin == Origin.SYNCED and r.is_active)
        self.plan.kinds["class_group"] = kp
        self.plan.errors.extend(kp.errors)
