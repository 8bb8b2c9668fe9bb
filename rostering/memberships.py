"""The membership rule: a class/group's students and educators belong to its school.

Every channel — the portal forms and the admin (through the services), the template and
OneRoster imports, and the sync — refuses to put a person in a class/group of a school they
are not attached to, with the same sentence; the sync reports it as a problem of the SIS
enrollment and leaves that enrollment out (the SIS must list the school for them). A teacher
enrolled that way would never see the class/group, so nothing is enrolled silently.
"""

from __future__ import annotations

from collections.abc import Iterable


def not_at_school(person: str, school: str, class_group: str) -> str:
    """The one sentence for a person enrolled in a class/group of another school."""
    return (
        f"{person} is not at {school}, where “{class_group}” is: a class/group's students and "
        f"educators belong to its school. Add {school} to their schools first."
    )


def people_not_at(class_group, people: Iterable, *, kind: str) -> list:
    """Those of ``people`` (students or educators) not attached to ``class_group``'s school,
    in one query."""
    from rostering.models import Educator, Student

    people = list(people)
    if not people:
        return []
    model, related = (Student, "schools") if kind == "student" else (Educator, "organizations")
    through = getattr(model, related).through
    at_school = set(
        through.objects.filter(
            **{f"{kind}_id__in": [p.pk for p in people]},
            organization_id=class_group.school_id,
        ).values_list(f"{kind}_id", flat=True)
    )
    return [p for p in people if p.pk not in at_school]
