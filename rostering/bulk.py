"""Bulk actions on chosen students (and the admin's status changes of students, educators,
classes/groups and schools, and its password resets): one batch, one engine apply, one
transaction under the district's lock, and a fixed number of queries however many records
are chosen.

Each student gets the verdict the single-record service would give (rostering.services: the
same checks, asked of all the students at once, refused with the same words), and the engine
writes the same history rows N single actions wrote. What was done, what was already so and
what was refused (with why) come back for the page to report."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from accounts.permissions import Feature
from rostering import memberships
from rostering.engine import Batch
from rostering.engine.changes import LinkChange
from rostering.history import Channel
from rostering.locks import lock_district
from rostering.models import (
    ClassGroup,
    Educator,
    Organization,
    Origin,
    Product,
    Student,
    StudentProduct,
)
from rostering.ownership import LOCKED_MESSAGE, FieldState, state_of
from rostering.passwords import encrypt_password, generate_password, validate_student_password
from rostering.services.classes import lock_roster, members_among
from rostering.services.common import check_same_district
from rostering.services.orgs import DISTRICT_STAYS_ACTIVE, synced_status_refusal
from rostering.services.writes import KIND_OF, stored_record_errors, write

CHANNEL = Channel.FORM
MANUAL = str(Origin.MANUAL)


class Refusal(Enum):
    """Why a student was refused, beside the words shown: what a caller decides on."""

    NOT_YOURS = "not_yours"  # the actor may not change the student (PermissionDenied)
    RULE = "rule"  # a rule refuses the change (ValidationError: locked, synced, another school)


class Refused(NamedTuple):
    """One refused student (or, in the admin, educator, class/group or school): the words
    shown, and the kind a caller decides on."""

    student: Student | Educator | ClassGroup | Organization
    reason: str
    kind: Refusal = Refusal.RULE


@dataclass
class Outcome:
    done: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    # A password reset's new passwords, by record pk (shown once, never stored in clear).
    passwords: dict[int, str] = field(default_factory=dict)
    # Of the done students, those whose removed link the SIS had sent (its undo puts it
    # back as synced).
    synced: list[int] = field(default_factory=list)


def _reason(exc: Exception, kind: str = "student") -> str:
    if isinstance(exc, PermissionDenied):
        return f"you may not change this {kind}"
    messages = getattr(exc, "messages", None) or [str(exc)]
    return " ".join(messages)


def _kind(exc: Exception) -> Refusal:
    return Refusal.NOT_YOURS if isinstance(exc, PermissionDenied) else Refusal.RULE


class _Verdicts:
    """The students (or educators, classes/groups, schools: ``model``) of one action, re-read
    under their districts' locks (taken in order, so two writers never deadlock), with a
    verdict each; the writes go in one batch per district (a bulk action from the Students
    list has one)."""

    def __init__(self, students: Iterable[Student], model: type = Student):
        self.model = model
        pks = list(dict.fromkeys(s.pk for s in students))
        # The lock before the read: the checks see what a writer before this one left.
        for district_id in sorted({s.district_id for s in students}):
            lock_district(district_id)
        fresh = model.objects.in_bulk(pks)
        self.students = [fresh[pk] for pk in pks if pk in fresh]
        self.refused: dict[int, Refused] = {}
        self.done: set[int] = set()
        self.unchanged: set[int] = set()
        self.batches: dict[int, Batch] = {}

    def open(self) -> list[Student]:
        """The students with no verdict yet."""
        settled = self.refused.keys() | self.done | self.unchanged
        return [s for s in self.students if s.pk not in settled]

    def leave(self, student: Student) -> None:
        """Already as the action would make it: reported, not written."""
        self.unchanged.add(student.pk)

    def refuse(self, student: Student, reason: str, kind: Refusal = Refusal.RULE) -> None:
        self.refused[student.pk] = Refused(student, reason, kind)

    def refuse_all(self, exc: Exception) -> None:
        for student in self.open():
            self.refuse(student, _reason(exc, KIND_OF[self.model]), _kind(exc))

    def refuse_unchangeable(self, actor) -> None:
        """The students ``actor`` may not change, refused as the service refuses them."""
        students = self.open()
        allowed = permissions.changeable_ids(actor, self.model, [s.pk for s in students])
        not_yours = _reason(PermissionDenied(), KIND_OF[self.model])
        for student in students:
            if student.pk not in allowed:
                self.refuse(student, not_yours, Refusal.NOT_YOURS)

    def batch(self, student: Student) -> Batch:
        self.done.add(student.pk)
        return self.batches.setdefault(student.district_id, Batch())

    def apply(self, actor, channel: str = CHANNEL) -> Outcome:
        for district_id, batch in self.batches.items():
            write(batch, district=district_id, actor=actor, channel=channel)
        outcome = Outcome()
        for student in self.students:
            if student.pk in self.refused:
                outcome.refused.append(self.refused[student.pk])
            elif student.pk in self.done:
                outcome.done.append(student)
            else:
                outcome.unchanged.append(student)
        return outcome


def _roster_verdicts(actor, students: Iterable[Student], class_group: ClassGroup) -> _Verdicts:
    """The verdicts of a change to ``class_group``'s students, under its district's lock: all
    refused when the actor may not change its roster (a synced class, another school's)."""
    try:
        lock_roster(actor, class_group, CHANNEL, "students")
        refusal = None
    except (ValidationError, PermissionDenied) as exc:
        refusal = exc  # the lock is taken before the refusal
    verdicts = _Verdicts(list(students))
    if refusal is not None:
        verdicts.refuse_all(refusal)
    return verdicts


@transaction.atomic
def add_to_class(*, actor, students: Iterable[Student], class_group: ClassGroup) -> Outcome:
    """services.class_group_add_students, student by student, in one batch."""
    verdicts = _roster_verdicts(actor, students, class_group)
    for student in verdicts.open():
        try:
            check_same_district(class_group.district_id, [student], "students", "students")
        except ValidationError as exc:
            verdicts.refuse(student, _reason(exc), _kind(exc))
    school = class_group.school.name if verdicts.open() else ""
    for student in memberships.people_not_at(class_group, verdicts.open(), kind="student"):
        verdicts.refuse(
            student, memberships.not_at_school(student.full_name, school, class_group.name)
        )
    candidates = verdicts.open()
    already = members_among(class_group, "class_student", [s.pk for s in candidates])
    for student in candidates:
        if student.pk not in already:
            verdicts.batch(student).links.append(
                LinkChange("class_student", class_group.pk, student.pk, True, MANUAL)
            )
    return verdicts.apply(actor)


def _inactive(product: Product) -> ValidationError:
    return ValidationError({"product": f"{product} is no longer offered."})


def _product_links(students: list[Student], product: Product) -> dict[int, str]:
    """{student pk: origin of the link} of those of ``students`` linked to ``product``."""
    rows = StudentProduct.objects.filter(student__in=[s.pk for s in students], product=product)
    return dict(rows.values_list("student_id", "origin"))


@transaction.atomic
def add_product(
    *, actor, students: Iterable[Student], product: Product, synced: Collection[int] = ()
) -> Outcome:
    """services.student_add_product, student by student, in one batch; the students of
    ``synced`` get the link back as the SIS's (an undo of a removal of one it had sent)."""
    verdicts = _Verdicts(list(students))
    verdicts.refuse_unchangeable(actor)
    if not product.is_active:
        verdicts.refuse_all(_inactive(product))
    candidates = verdicts.open()
    had = _product_links(candidates, product)
    for student in candidates:
        if student.pk not in had:
            origin = str(Origin.SYNCED) if student.pk in synced else MANUAL
            verdicts.batch(student).links.append(
                LinkChange("student_product", student.pk, product.pk, True, origin)
            )
    return verdicts.apply(actor)


@transaction.atomic
def remove_product(*, actor, students: Iterable[Student], product: Product) -> Outcome:
    """services.student_remove_product, student by student, in one batch."""
    verdicts = _Verdicts(list(students))
    verdicts.refuse_unchangeable(actor)
    candidates = verdicts.open()
    links = _product_links(candidates, product)
    for student in candidates:
        if student.pk in links:
            verdicts.batch(student).links.append(
                LinkChange("student_product", student.pk, product.pk, False, links[student.pk])
            )
    outcome = verdicts.apply(actor)
    outcome.synced = [s.pk for s in outcome.done if links[s.pk] == Origin.SYNCED]
    return outcome


@transaction.atomic
def set_active(
    *,
    actor,
    students: Iterable[Student | Educator],
    active: bool,
    channel: str = CHANNEL,
    model: type = Student,
) -> Outcome:
    """services.student_set_active (educator_set_active, or class_group_update of is_active:
    ``model`` Educator or ClassGroup), record by record, in one batch: a record already so is
    left as is; a synced record's status is the SIS's (a locked field); a stored record the
    current rules refuse (an email they no longer take) is refused as its single save is, in
    the same words. An educator's portal sign-in follows (the engine keeps it in step)."""
    kind = KIND_OF[model]
    verdicts = _Verdicts(list(students), model)
    for student in verdicts.students:
        if student.is_active == active:
            verdicts.leave(student)
    verdicts.refuse_unchangeable(actor)
    for student in verdicts.open():
        if state_of(kind=kind, origin=student.origin, field="is_active") is FieldState.LOCKED:
            verdicts.refuse(student, LOCKED_MESSAGE)
            continue
        errors = stored_record_errors(student)  # what the single save's check_record says
        if errors:
            verdicts.refuse(student, _reason(ValidationError(errors)))
            continue
        verdicts.batch(student).update(
            kind, student.pk, {"is_active": student.is_active}, {"is_active": active}
        )
    return verdicts.apply(actor, channel)


@transaction.atomic
def reset_passwords(*, actor, students: Iterable[Student], channel: str = CHANNEL) -> Outcome:
    """services.student_set_password with a generated password, student by student, in one
    batch; the new passwords come back in ``Outcome.passwords`` (stored encrypted only)."""
    verdicts = _Verdicts(list(students))
    verdicts.refuse_unchangeable(actor)
    passwords = {}
    for student in verdicts.open():
        password = generate_password()
        problems = validate_student_password(password)
        errors = {"password": problems} if problems else stored_record_errors(student)
        if errors:
            verdicts.refuse(student, _reason(ValidationError(errors)))
            continue
        passwords[student.pk] = password
        verdicts.batch(student).update(
            "student",
            student.pk,
            {"password_encrypted": student.password_encrypted},
            {"password_encrypted": encrypt_password(password)},
        )
    outcome = verdicts.apply(actor, channel)
    outcome.passwords = passwords
    return outcome


@transaction.atomic
def set_organizations_active(
    *, actor, organizations: Iterable[Organization], active: bool, channel: str = CHANNEL
) -> Outcome:
    """services.organization_set_active, school by school, in one batch: a district is never
    deactivated; the actor must manage organizations and may change the school; a synced
    school's status is the SIS's; a school already so is left as is."""
    chosen = list(organizations)
    districts = [o for o in chosen if o.is_district]
    verdicts = _Verdicts([o for o in chosen if not o.is_district], Organization)
    verdicts.refuse_unchangeable(actor)
    try:
        permissions.require_feature(actor, Feature.MANAGE_ORGANIZATION)
    except PermissionDenied as exc:
        verdicts.refuse_all(exc)
    for school in verdicts.open():
        if school.origin == Origin.SYNCED:
            verdicts.refuse(school, synced_status_refusal(school))
        elif school.is_active == active:
            verdicts.leave(school)
        elif errors := stored_record_errors(school):
            verdicts.refuse(school, _reason(ValidationError(errors)))
        else:
            verdicts.batch(school).update(
                "organization", school.pk, {"is_active": school.is_active}, {"is_active": active}
            )
    outcome = verdicts.apply(actor, channel)
    outcome.refused[:0] = [Refused(d, DISTRICT_STAYS_ACTIVE) for d in districts]
    return outcome
