"""Bulk actions on chosen students: each student goes through the same service as a single
change (its permission, lock and district rules included), so a bulk action is exactly N
single actions. What was done and what was refused (with the service's reason) come back for
the page to report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError

from rostering import services
from rostering.models import ClassGroup, Origin, Product, Student, StudentProduct


@dataclass
class Outcome:
    done: list[Student] = field(default_factory=list)
    unchanged: list[Student] = field(default_factory=list)
    refused: list[tuple[Student, str]] = field(default_factory=list)
    # Of the done students, those whose removed link the SIS had sent (its undo puts it
    # back as synced).
    synced: list[int] = field(default_factory=list)


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return "you may not change this student"
    messages = getattr(exc, "messages", None) or [str(exc)]
    return " ".join(messages)


def _each(students: Iterable[Student], act: Callable[[Student], bool]) -> Outcome:
    outcome = Outcome()
    for student in students:
        try:
            changed = act(student)
        except (ValidationError, PermissionDenied) as exc:
            outcome.refused.append((student, _reason(exc)))
        else:
            (outcome.done if changed else outcome.unchanged).append(student)
    return outcome


def add_to_class(*, actor, students: Iterable[Student], class_group: ClassGroup) -> Outcome:
    return _each(
        students,
        lambda s: (
            services.class_group_add_students(actor=actor, class_group=class_group, students=[s])
            > 0
        ),
    )


def remove_from_class(*, actor, students: Iterable[Student], class_group: ClassGroup) -> Outcome:
    return _each(
        students,
        lambda s: (
            services.class_group_remove_students(actor=actor, class_group=class_group, students=[s])
            > 0
        ),
    )


def add_product(*, actor, students: Iterable[Student], product: Product) -> Outcome:
    def act(student: Student) -> bool:
        had = student.product_links.filter(product=product).exists()
        services.student_add_product(actor=actor, student=student, product=product)
        return not had

    return _each(students, act)


def remove_product(*, actor, students: Iterable[Student], product: Product) -> Outcome:
    students = list(students)
    synced = set(
        StudentProduct.objects.filter(
            student__in=students, product=product, origin=Origin.SYNCED
        ).values_list("student_id", flat=True)
    )
    outcome = _each(
        students,
        lambda s: services.student_remove_product(actor=actor, student=s, product=product),
    )
    outcome.synced = [s.pk for s in outcome.done if s.pk in synced]
    return outcome


def set_active(*, actor, students: Iterable[Student], active: bool) -> Outcome:
    def act(student: Student) -> bool:
        if student.is_active == active:
            return False
        services.student_set_active(actor=actor, student=student, active=active)
        return True

    return _each(students, act)
