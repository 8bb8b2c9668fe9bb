"""Classes/groups, their rosters and their product links."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import permissions
from accounts.roles import Role, scope_for
from rostering import link_history, memberships
from rostering.history import Channel, audit
from rostering.locks import lock_district, lock_for_write
from rostering.models import (
    ClassEducator,
    ClassGroup,
    ClassProduct,
    ClassStudent,
    Educator,
    Organization,
    Origin,
    Product,
    Student,
)
from rostering.text import clean_text
from rostering.validators import blank_to_none

from .common import (
    TRUSTED_CHANNELS,
    apply_changes,
    check_change_allowed,
    check_create_allowed,
    check_same_district,
    refuse_locked_changes,
    save_record,
)

EDITABLE_FIELDS = frozenset(
    {"name", "school", "external_id", "subject", "course_code", "grades", "is_active"}
)
SYNCED_ROSTER_MESSAGE = (
    "{name} is synced from your SIS: its members come from the SIS and cannot be changed here."
)


def _normalize(changes: dict) -> dict:
    clean = dict(changes)
    if "external_id" in clean:
        clean["external_id"] = blank_to_none(clean["external_id"])
    if "name" in clean:
        clean["name"] = clean_text(clean["name"])
        if not clean["name"]:
            raise ValidationError({"name": "A class/group needs a name."})
    return clean


@transaction.atomic
def class_group_create(
    *,
    actor,
    district: Organization,
    name: str,
    school: Organization,
    channel: str = Channel.FORM,
    external_id: str | None = None,
    subject: str = "",
    course_code: str = "",
    grades: str = "",
    origin: str = Origin.MANUAL,
    sis_sourced_id: str | None = None,
) -> ClassGroup:
    """Create a class/group in ``school`` (which must be in ``district`` and the actor's scope)."""
    lock_district(district)
    fields = _normalize({"name": name, "external_id": external_id})
    check_same_district(district.pk, [school], "schools", "school")
    check_create_allowed(actor, district_id=district.pk, school_ids=[school.pk], channel=channel)
    class_group = ClassGroup(
        district=district,
        school=school,
        subject=subject,
        course_code=course_code,
        grades=grades,
        origin=origin,
        sis_sourced_id=sis_sourced_id,
        **fields,
    )
    save_record(class_group, actor=actor, channel=channel)
    _creator_teaches_it(actor, class_group, channel)
    return class_group


def _creator_teaches_it(actor, class_group: ClassGroup, channel: str) -> None:
    """A teacher who creates a class/group in the portal becomes one of its educators (they
    made it to teach it; without this they could not find it under "my classes")."""
    if actor is None or channel != Channel.FORM:
        return
    scope = scope_for(actor)
    if scope.role is Role.TEACHER and scope.educator_id:
        link = ClassEducator.objects.create(
            class_group=class_group, educator_id=scope.educator_id, origin=Origin.MANUAL
        )
        with audit(actor=actor, channel=channel):
            link_history.record_links(ClassEducator, added=[link])


@transaction.atomic
def class_group_update(
    *, actor, class_group: ClassGroup, channel: str = Channel.FORM, **changes
) -> ClassGroup:
    """Change Details; every Details field of a synced class/group is locked."""
    lock_for_write(class_group)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not a class/group field: {', '.join(sorted(unknown))}.")
    check_change_allowed(actor, class_group, channel)
    changes = _normalize(changes)
    refuse_locked_changes(class_group, changes, channel)
    if "school" in changes:
        check_same_district(class_group.district_id, [changes["school"]], "schools", "school")
        if changes["school"].pk != class_group.school_id:
            check_create_allowed(
                actor,
                district_id=class_group.district_id,
                school_ids=[changes["school"].pk],
                channel=channel,
            )
    apply_changes(class_group, changes)
    save_record(class_group, actor=actor, channel=channel)
    return class_group


def _check_roster_change(actor, class_group: ClassGroup, channel: str, field: str) -> None:
    check_change_allowed(actor, class_group, channel)
    if class_group.is_synced and channel != Channel.SYNC:
        raise ValidationError({field: SYNCED_ROSTER_MESSAGE.format(name=class_group.name)})


def _check_at_school(class_group: ClassGroup, people: list, *, kind: str, field: str) -> None:
    """The membership rule (rostering.memberships): members belong to the class's school."""
    strangers = memberships.people_not_at(class_group, people, kind=kind)
    if strangers:
        school = class_group.school.name
        raise ValidationError(
            {
                field: [
                    memberships.not_at_school(p.full_name, school, class_group.name)
                    for p in strangers
                ]
            }
        )


def _check_educators_change(actor, channel: str) -> None:
    if channel in TRUSTED_CHANNELS and actor is None:
        return
    permissions.require_manage_class_educators(actor)


@transaction.atomic
def class_group_add_students(
    *, actor, class_group: ClassGroup, students: Iterable[Student], channel: str = Channel.FORM
) -> int:
    """Add students to a manual class/group (synced ones take members only from the SIS).

    Returns how many were added (students already in it are left as they are).
    """
    lock_for_write(class_group)
    students = list(students)
    _check_roster_change(actor, class_group, channel, "students")
    check_same_district(class_group.district_id, students, "students", "students")
    _check_at_school(class_group, students, kind="student", field="students")
    existing = set(
        ClassStudent.objects.filter(class_group=class_group).values_list("student_id", flat=True)
    )
    origin = Origin.SYNCED if channel == Channel.SYNC else Origin.MANUAL
    new = [
        ClassStudent(class_group=class_group, student=s, origin=origin)
        for s in students
        if s.pk not in existing
    ]
    with audit(actor=actor, channel=channel):
        ClassStudent.objects.bulk_create(new)
        link_history.record_links(ClassStudent, added=new)
    return len(new)


@transaction.atomic
def class_group_remove_students(
    *, actor, class_group: ClassGroup, students: Iterable[Student], channel: str = Channel.FORM
) -> int:
    lock_for_write(class_group)
    _check_roster_change(actor, class_group, channel, "students")
    doomed = ClassStudent.objects.filter(
        class_group=class_group, student__in=[s.pk for s in students]
    )
    gone = list(doomed.values("class_group_id", "student_id"))
    deleted, _ = doomed.delete()
    with audit(actor=actor, channel=channel):
        link_history.record_links(ClassStudent, removed=gone)
    return deleted


@transaction.atomic
def class_group_add_educators(
    *, actor, class_group: ClassGroup, educators: Iterable[Educator], channel: str = Channel.FORM
) -> int:
    lock_for_write(class_group)
    educators = list(educators)
    _check_roster_change(actor, class_group, channel, "educators")
    _check_educators_change(actor, channel)
    check_same_district(class_group.district_id, educators, "educators", "educators")
    _check_at_school(class_group, educators, kind="educator", field="educators")
    existing = set(
        ClassEducator.objects.filter(class_group=class_group).values_list("educator_id", flat=True)
    )
    origin = Origin.SYNCED if channel == Channel.SYNC else Origin.MANUAL
    new = [
        ClassEducator(class_group=class_group, educator=e, origin=origin)
        for e in educators
        if e.pk not in existing
    ]
    ClassEducator.objects.bulk_create(new)
    with audit(actor=actor, channel=channel):
        link_history.record_links(ClassEducator, added=new)
    return len(new)


@transaction.atomic
def class_group_remove_educators(
    *, actor, class_group: ClassGroup, educators: Iterable[Educator], channel: str = Channel.FORM
) -> int:
    lock_for_write(class_group)
    _check_roster_change(actor, class_group, channel, "educators")
    _check_educators_change(actor, channel)
    doomed = ClassEducator.objects.filter(
        class_group=class_group, educator__in=[e.pk for e in educators]
    )
    gone = list(doomed.values("class_group_id", "educator_id"))
    deleted, _ = doomed.delete()
    with audit(actor=actor, channel=channel):
        link_history.record_links(ClassEducator, removed=gone)
    return deleted


@transaction.atomic
def class_group_add_product(
    *, actor, class_group: ClassGroup, product: Product, channel: str = Channel.FORM
) -> ClassProduct:
    """Link a product. The Products tab is editable even on a synced class/group.

    A link the sync adds is marked synced; one added by hand is manual. The sync adopts an
    existing manual link that the SIS also sends.
    """
    lock_for_write(class_group)
    check_change_allowed(actor, class_group, channel)
    if not product.is_active:
        raise ValidationError({"product": f"{product} is no longer offered."})
    origin = Origin.SYNCED if channel == Channel.SYNC else Origin.MANUAL
    link, created = ClassProduct.objects.get_or_create(
        class_group=class_group, product=product, defaults={"origin": origin}
    )
    if created:
        with audit(actor=actor, channel=channel):
            link_history.record_links(ClassProduct, added=[link])
    if not created and origin == Origin.SYNCED and link.origin != Origin.SYNCED:
        link.origin = Origin.SYNCED
        link.save(update_fields=["origin"])
    return link


@transaction.atomic
def class_group_remove_product(
    *, actor, class_group: ClassGroup, product: Product, channel: str = Channel.FORM
) -> bool:
    """Remove a product link. A link the SIS sends comes back at the next sync."""
    lock_for_write(class_group)
    check_change_allowed(actor, class_group, channel)
    deleted, _ = ClassProduct.objects.filter(class_group=class_group, product=product).delete()
    if deleted:
        with audit(actor=actor, channel=channel):
            link_history.record_pairs(
                ClassProduct, "class_group_id", "product_id", removed=[(class_group.pk, product.pk)]
            )
    return bool(deleted)
