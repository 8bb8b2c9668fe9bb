"""Creating and changing students."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from rostering import registry
from rostering.history import Channel
from rostering.locks import lock_district
from rostering.models import Organization, Origin, Student
from rostering.passwords import encrypt_password, generate_password, validate_student_password

from . import writes
from .common import (
    check_create_allowed,
    check_removals_allowed,
    check_same_district,
    check_values,
    lock_changeable,
    normalize_person,
    refuse_locked_changes,
    refuse_unknown_fields,
)

EDITABLE_FIELDS = registry.STUDENT.record_fields  # what an update may set


def _normalize(changes: dict) -> dict:
    clean = normalize_person(
        registry.STUDENT, changes, many_message="Choose at least one school."
    )
    return check_values(registry.STUDENT, clean)  # grade vocabulary, email, lengths


@transaction.atomic
def student_create(
    *,
    actor,
    district: Organization,
    channel: str = Channel.FORM,
    first_name: str,
    last_name: str,
    username: str,
    schools: Iterable[Organization],
    password: str | None = None,
    origin: str = Origin.MANUAL,
    sis_sourced_id: str | None = None,
    **fields,
) -> Student:
    """Create a student in ``district`` attached to ``schools`` (all in the district).

    ``fields``: any other of the student's own fields in the registry (``EDITABLE_FIELDS``:
    middle name, email, IDs, grade, active …); one it does not name is refused. Refuses
    schools outside the district or the actor's scope, duplicate usernames (platform-wide)
    and duplicate IDs (district-wide). A password is encrypted at rest. The engine writes it
    (a batch of one: the record, its schools, its history).
    """
    refuse_unknown_fields(registry.STUDENT, fields, "a student")
    lock_district(district)
    fields = _normalize(
        {
            **fields,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "schools": schools,
        }
    )
    schools = fields.pop("schools")
    check_same_district(district.pk, schools, "schools", "schools")
    check_create_allowed(
        actor, district_id=district.pk, school_ids=[s.pk for s in schools], channel=channel
    )
    student = Student(district=district, origin=origin, sis_sourced_id=sis_sourced_id, **fields)
    if password:
        problems = validate_student_password(password)
        if problems:
            raise ValidationError({"password": problems})
        student.password_encrypted = encrypt_password(password)
    writes.check_record(student)
    writes.create(
        "student",
        student,
        district=district,
        actor=actor,
        channel=channel,
        links={"student_school": [s.pk for s in schools]},
    )
    return student


@transaction.atomic
def student_update(*, actor, student: Student, channel: str = Channel.FORM, **changes) -> Student:
    """Apply ``changes`` to ``student``.

    Locked fields of a synced student are refused (ValidationError on that field) unless the
    change comes from the sync; shared and local fields are applied, by the engine.
    """
    refuse_unknown_fields(registry.STUDENT, changes, "a student")
    lock_changeable(actor, student, channel)
    changes = _normalize(changes)
    refuse_locked_changes(student, changes, channel)
    links = {}
    if "schools" in changes:
        schools = changes.pop("schools")
        check_same_district(student.district_id, schools, "schools", "schools")
        current = set(student.schools.values_list("pk", flat=True))
        wanted = {s.pk for s in schools}
        links["student_school"] = (current, wanted)
        added = [s.pk for s in schools if s.pk not in current]
        removed = current - wanted
        check_removals_allowed(
            actor,
            district_id=student.district_id,
            school_ids=removed,
            channel=channel,
            field="schools",
            what=student.full_name,
        )
        if added:  # a teacher may only add schools they belong to
            check_create_allowed(
                actor, district_id=student.district_id, school_ids=added, channel=channel
            )
    before = {name: getattr(student, name) for name in changes}
    for name, value in changes.items():
        setattr(student, name, value)
    writes.check_record(student)
    writes.update("student", student, before, actor=actor, channel=channel, links=links)
    return student


@transaction.atomic
def student_set_password(
    *, actor, student: Student, password: str | None = None, channel: str = Channel.FORM
) -> str:
    """Set (or, with no ``password``, generate) the student's password; returns it."""
    lock_changeable(actor, student, channel)
    password = password or generate_password()
    problems = validate_student_password(password)
    if problems:
        raise ValidationError({"password": problems})
    before = {"password_encrypted": student.password_encrypted}
    student.password_encrypted = encrypt_password(password)
    writes.check_record(student)
    writes.update("student", student, before, actor=actor, channel=channel)
    return password


@transaction.atomic
def student_set_active(
    *, actor, student: Student, active: bool, channel: str = Channel.FORM
) -> Student:
    """Deactivate or reactivate. A synced student's status belongs to the SIS."""
    return student_update(actor=actor, student=student, channel=channel, is_active=active)
