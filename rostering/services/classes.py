"""Classes/groups, their rosters and their product links.

Every service here checks (permissions, scope, synced rosters, the membership rule, closed
schools) and then hands its change to the engine as a batch (``writes``), which
writes it with history naming the actor and channel."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import permissions
from accounts.roles import Role, scope_for
from rostering import memberships, registry
from rostering.engine import Batch
from rostering.engine.changes import LinkChange, LinkOrigin
from rostering.history import Channel
from rostering.locks import lock_district
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

from .common import (
    TRUSTED_CHANNELS,
    check_create_allowed,
    check_same_district,
    check_values,
    clean_fields,
    lock_changeable,
    refuse_locked_changes,
    refuse_unknown_fields,
)
from .writes import remove_link, save_record, write

EDITABLE_FIELDS = registry.CLASS_GROUP.record_fields  # what an update may set
SYNCED_ROSTER_MESSAGE = (
    "{name} is synced from your SIS: its members come from the SIS and cannot be changed here."
)


def _normalize(changes: dict) -> dict:
    """Blank IDs as NULL and free text cleaned, then the registry's verdict on each value
    (its grades in the vocabulary, lengths): the registry's fields of a class/group."""
    clean = clean_fields(registry.CLASS_GROUP, changes)
    if "name" in clean and not clean["name"]:
        raise ValidationError({"name": "A class/group needs a name."})
    return check_values(registry.CLASS_GROUP, clean)


@transaction.atomic
def class_group_create(
    *,
    actor,
    district: Organization,
    name: str,
    school: Organization,
    channel: str = Channel.FORM,
    origin: str = Origin.MANUAL,
    sis_sourced_id: str | None = None,
    **fields,
) -> ClassGroup:
    """Create a class/group in ``school`` (which must be in ``district`` and the actor's
    scope). ``fields``: any other of its own fields in the registry (``EDITABLE_FIELDS``:
    External Assigned ID, subject, course code, grades, active); one it does not name is
    refused."""
    refuse_unknown_fields(registry.CLASS_GROUP, fields, "a class/group")
    lock_district(district)
    fields = _normalize({**fields, "name": name})
    check_same_district(district.pk, [school], "schools", "school")
    check_create_allowed(actor, district_id=district.pk, school_ids=[school.pk], channel=channel)
    class_group = ClassGroup(
        district=district,
        school=school,
        origin=origin,
        sis_sourced_id=sis_sourced_id,
        **fields,
    )
    teacher = _creator_who_teaches(actor, channel)

    def teaches_it(batch: Batch, ref) -> None:
        if teacher:
            batch.links.append(LinkChange("class_educator", ref, teacher, True, _origin(channel)))

    return save_record(class_group, actor=actor, channel=channel, also=teaches_it)


def _creator_who_teaches(actor, channel: str) -> int | None:
    """The educator a teacher creating a class/group in the portal is: they become one of its
    educators (they made it to teach it; without this they could not find it under "my
    classes")."""
    if actor is None or channel != Channel.FORM:
        return None
    scope = scope_for(actor)
    if scope.role is Role.TEACHER and scope.educator_id:
        return scope.educator_id
    return None


@transaction.atomic
def class_group_update(
    *, actor, class_group: ClassGroup, channel: str = Channel.FORM, **changes
) -> ClassGroup:
    """Change Details; every Details field of a synced class/group is locked."""
    refuse_unknown_fields(registry.CLASS_GROUP, changes, "a class/group")
    lock_changeable(actor, class_group, channel)
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
    return save_record(class_group, actor=actor, channel=channel, changes=changes)


def lock_roster(actor, class_group: ClassGroup, channel: str, field: str) -> None:
    """Lock and re-read ``class_group`` (``lock_changeable``: refused when ``actor`` may not
    change it); a synced class/group's members are the SIS's."""
    lock_changeable(actor, class_group, channel)
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
    lock_roster(actor, class_group, channel, "students")
    students = list(students)
    check_same_district(class_group.district_id, students, "students", "students")
    _check_at_school(class_group, students, kind="student", field="students")
    return _add_members(actor, class_group, "class_student", students, channel)


@transaction.atomic
def class_group_remove_students(
    *, actor, class_group: ClassGroup, students: Iterable[Student], channel: str = Channel.FORM
) -> int:
    """Remove students from a manual class/group; returns how many were in it."""
    lock_roster(actor, class_group, channel, "students")
    return _remove_members(actor, class_group, "class_student", students, channel)


@transaction.atomic
def class_group_add_educators(
    *, actor, class_group: ClassGroup, educators: Iterable[Educator], channel: str = Channel.FORM
) -> int:
    lock_roster(actor, class_group, channel, "educators")
    educators = list(educators)
    _check_educators_change(actor, channel)
    check_same_district(class_group.district_id, educators, "educators", "educators")
    _check_at_school(class_group, educators, kind="educator", field="educators")
    return _add_members(actor, class_group, "class_educator", educators, channel)


@transaction.atomic
def class_group_remove_educators(
    *, actor, class_group: ClassGroup, educators: Iterable[Educator], channel: str = Channel.FORM
) -> int:
    lock_roster(actor, class_group, channel, "educators")
    _check_educators_change(actor, channel)
    return _remove_members(actor, class_group, "class_educator", educators, channel)


# link name -> (link table, the member's column in it)
MEMBER_LINKS = {
    "class_student": (ClassStudent, "student_id"),
    "class_educator": (ClassEducator, "educator_id"),
}


def _origin(channel: str) -> str:
    return str(Origin.SYNCED if channel == Channel.SYNC else Origin.MANUAL)


def members_among(class_group: ClassGroup, link: str, pks: list[int]) -> dict[int, str]:
    """{member pk: link origin} of those of ``pks`` in ``class_group`` (one query)."""
    model, column = MEMBER_LINKS[link]
    rows = model.objects.filter(class_group=class_group, **{f"{column}__in": pks})
    return dict(rows.values_list(column, "origin"))


def _add_members(actor, class_group: ClassGroup, link: str, people: list, channel: str) -> int:
    """The (checked) adds of ``people`` not in ``class_group`` yet, as one batch: a fixed
    number of queries however many."""
    pks = list(dict.fromkeys(p.pk for p in people))
    existing = members_among(class_group, link, pks)
    origin = _origin(channel)
    batch = Batch()
    for pk in pks:
        if pk not in existing:
            batch.links.append(LinkChange(link, class_group.pk, pk, True, origin))
    write(batch, district=class_group.district_id, actor=actor, channel=channel)
    return len(batch.links)


def _remove_members(actor, class_group: ClassGroup, link: str, people, channel: str) -> int:
    pks = list(dict.fromkeys(p.pk for p in people))
    batch = Batch()
    for pk, origin in members_among(class_group, link, pks).items():
        batch.links.append(LinkChange(link, class_group.pk, pk, False, origin))
    write(batch, district=class_group.district_id, actor=actor, channel=channel)
    return len(batch.links)


@transaction.atomic
def class_group_add_product(
    *, actor, class_group: ClassGroup, product: Product, channel: str = Channel.FORM
) -> ClassProduct:
    """Link a product. The Products tab is editable even on a synced class/group.

    A link the sync adds is marked synced; one added by hand is manual. The sync adopts an
    existing manual link that the SIS also sends.
    """
    lock_changeable(actor, class_group, channel)
    if not product.is_active:
        raise ValidationError({"product": f"{product} is no longer offered."})
    origin = _origin(channel)
    found = ClassProduct.objects.filter(class_group=class_group, product=product)
    current = found.values_list("origin", flat=True).first()
    batch = Batch()
    if current is None:
        batch.links.append(LinkChange("class_product", class_group.pk, product.pk, True, origin))
    elif origin == Origin.SYNCED and current != Origin.SYNCED:
        batch.origins.append(LinkOrigin("class_product", class_group.pk, product.pk, origin))
    write(batch, district=class_group.district_id, actor=actor, channel=channel)
    return found.get()


@transaction.atomic
def class_group_remove_product(
    *, actor, class_group: ClassGroup, product: Product, channel: str = Channel.FORM
) -> bool:
    """Remove a product link. A link the SIS sends comes back at the next sync."""
    lock_changeable(actor, class_group, channel)
    found = ClassProduct.objects.filter(class_group=class_group, product=product)
    return remove_link("class_product", class_group, product.pk, found, actor=actor, channel=channel)
