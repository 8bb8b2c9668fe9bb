"""The planner's classes phase (mixed into rostering.sync.plan's planner): each SIS class
as a class/group record at its school, matched with the district's."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from rostering import registry
from rostering.models import ClassGroup, Origin
from rostering.oneroster.records import TO_BE_DELETED
from rostering.text import clean_text
from rostering.validators import blank_to_none, normalize_grade

from .matching import Incoming, plan_records
from .plan_fields import ATTNAME, _refused


class ClassPhase:
    """The classes phase: ``classes`` plans the classes/groups."""

    def classes(self) -> None:
        snapshot, district = self.snapshot, self.district
        writes = self.writes["class_group"]
        keep = set(snapshot.rejected.get("classes", set()))
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
            course = snapshot.courses.get(cls.course_sourced_id)
            offered = {
                "name": clean_text(cls.title),
                "school_id": school,
                "external_id": blank_to_none(cls.sourced_id),
                "subject": ", ".join(cls.subjects),
                "course_code": course.course_code if course else "",
                "is_active": cls.status != TO_BE_DELETED,
            }
            try:
                offered["grades"] = ",".join(normalize_grade(raw) for raw in cls.grades)
                problem, name = _refused(registry.CLASS_GROUP, offered)
            except ValidationError as exc:
                problem, name = exc.messages[0], "grades"
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
