"""How a class/group's and an organization's registry fields are read from a source's plain
records (rostering.oneroster.records' Class and Org), whatever the source, as
rostering.oneroster.reading reads a person's: the attribute the registry names
(``Field.record``: Class.title), or the rule it names (``Field.rule``) when the value is made
rather than read (a class's subject from its subjects, its course code from its course).

The sync's plan (rostering.sync.plan_classes, plan_orgs) and the OneRoster and Clever
imports (rostering.imports.oneroster_classes, oneroster_rows) read classes and organizations
through ``class_readers`` and ``org_readers``, so a field the SIS sends is one registry entry,
read the same way on both channels. Each channel gives the value its own finish: the sync
stores text clean and a blank ID as NULL and resolves a reference (a class's school, an
organization's parent: ``Kind.references``) to its record; the import hands the template's
cells the SIS's text, and a reference as a row names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter

from rostering import registry
from rostering.models import Organization

from .reading import Reader, field_readers
from .records import TO_BE_DELETED, Course

_ORG_TYPES = {t.value: t for t in Organization.OrgType if t is not Organization.OrgType.DISTRICT}


def _active(record) -> bool:
    """Active unless the SIS marks the record tobedeleted."""
    return record.status != TO_BE_DELETED


def _joined_subjects(cls) -> str:
    """A class has one subject: the SIS's subjects, joined (the sync stored them so)."""
    return ", ".join(cls.subjects)


def _course_code_of(courses: Mapping[str, Course]) -> Reader:
    def course_code(cls) -> str:
        """The code of the class's course (courses.csv's courseCode), "" without one."""
        course = courses.get(cls.course_sourced_id)
        return course.course_code if course else ""

    return course_code


def _org_type(org) -> Organization.OrgType:
    """The organization's type as Homeroom keeps it (a school when the SIS's is not one
    Homeroom has below a district)."""
    return _ORG_TYPES.get(org.type, Organization.OrgType.SCHOOL)


def _class_rules(courses: Mapping[str, Course]) -> dict[str, Reader]:
    return {
        "active": _active,
        "joined_subjects": _joined_subjects,
        "course_code": _course_code_of(courses),
    }


def _org_rules(use_identifier: bool) -> dict[str, Reader]:
    # Which of identifier and sourcedId is the External Assigned ID is the district's choice
    # (SyncSource.external_id_field), as for people.
    return {
        "external_id": attrgetter("identifier" if use_identifier else "sourced_id"),
        "org_type": _org_type,
    }


CLASS_RULES = frozenset(_class_rules({}))
ORG_RULES = frozenset(_org_rules(True))


def class_readers(courses: Mapping[str, Course]) -> dict[str, Reader]:
    """{field name: reader of the source's value} for each class/group field a plain Class
    carries (``Field.record`` or ``Field.rule``), in the registry's order; ``courses`` are
    the snapshot's (a class's course code is its course's). Made once per sync or import."""
    return field_readers(registry.CLASS_GROUP, _class_rules(courses))


def org_readers(*, use_identifier: bool) -> dict[str, Reader]:
    """{field name: reader} for each organization field a plain Org carries, in the
    registry's order; ``use_identifier``: the External Assigned ID is the identifier (else
    the sourcedId)."""
    return field_readers(registry.ORGANIZATION, _org_rules(use_identifier))
