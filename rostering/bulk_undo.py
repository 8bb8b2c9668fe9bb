"""Undo of a bulk action on students, or of a removal from a class/group's tab.

The success message carries a signed note of exactly what the action changed (which students
or educators, which class/group or product, when; which removed product links the SIS had
sent, so they come back synced). Undo puts back that, and only that, through the same
services and bulk actions (their permission and lock rules again; one batch), in one transaction under the district
lock; and only while none of those records or links changed since: otherwise nothing is put
back and the message says who changed. An undo is offered for an hour."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.roles import scope_for
from rostering import bulk, services
from rostering.locks import lock_district
from rostering.models import ClassGroup, Educator, LinkChange, Product, Student

SALT = "rostering.bulk_undo"
MAX_AGE = 60 * 60
Kind = LinkChange.Kind

# What was done -> (what it touched, the LinkChange kind that tells a later change, or None
# for the student record itself).
ACTIONS = {
    "add_class": (ClassGroup, Kind.CLASS_STUDENT),
    "remove_class": (ClassGroup, Kind.CLASS_STUDENT),
    "remove_class_educator": (ClassGroup, Kind.CLASS_EDUCATOR),
    "add_product": (Product, Kind.STUDENT_PRODUCT),
    "remove_product": (Product, Kind.STUDENT_PRODUCT),
    "deactivate": (None, None),
    "reactivate": (None, None),
}


def undo_token(action: str, ids, target=None, *, synced=()) -> str:
    """The signed note of one action that changed ``ids`` (students; educators for
    remove_class_educator), made right after it, so any change after it is a later one.
    ``synced``: of ``ids``, those whose removed product link the SIS had sent."""
    if action not in ACTIONS:
        raise ValueError(action)
    return signing.dumps(
        {
            "a": action,
            "ids": sorted(int(i) for i in ids),
            "t": getattr(target, "pk", None),
            "s": sorted(int(i) for i in synced),
            "at": timezone.now().isoformat(),
        },
        salt=SALT,
        compress=True,
    )


def _read(token: str) -> dict:
    try:
        note = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("This undo has expired (undo is offered for an hour).") from None
    except signing.BadSignature:
        raise ValidationError("This undo is not valid: nothing was changed.") from None
    if note.get("a") not in ACTIONS:
        raise ValidationError("This undo is not valid: nothing was changed.")
    return note


def _names(records, limit: int = 5) -> str:
    names = [str(r) for r in records[:limit]]
    more = len(records) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _changed_since(action: str, ids: list[int], target_id, since: datetime) -> set[int]:
    _model, kind = ACTIONS[action]
    if kind is None:
        return set(
            Student.history.filter(id__in=ids, history_date__gt=since).values_list("id", flat=True)
        )
    column = "educator_id" if kind == Kind.CLASS_EDUCATOR else "student_id"
    target = "product_id" if kind == Kind.STUDENT_PRODUCT else "class_group_id"
    return set(
        LinkChange.objects.filter(
            kind=kind, changed_at__gt=since, **{f"{column}__in": ids, target: target_id}
        ).values_list(column, flat=True)
    )


@transaction.atomic
def undo(*, actor, token: str) -> str:
    """Put back what the noted action changed; returns what was done, in a sentence.
    ValidationError (nothing put back) when the note is expired or forged, when a record is
    no longer the actor's, or when any of them changed since; the services' own refusals
    (PermissionDenied, ValidationError) roll the whole undo back too."""
    note = _read(token)
    action, ids, target_id = note["a"], note["ids"], note["t"]
    since = datetime.fromisoformat(note["at"])
    district_id = scope_for(actor).district_id
    if district_id is None:
        raise PermissionDenied("Undo is for the district's own staff.")
    lock_district(district_id)
    people_model = Educator if action == "remove_class_educator" else Student
    people = list(
        permissions.visible_queryset(actor, people_model)
        .filter(pk__in=ids)
        .order_by("last_name", "first_name")
    )
    if len(people) != len(ids):
        raise ValidationError("Not undone: some of these records are no longer in your schools.")
    target_model, _kind = ACTIONS[action]
    target = None
    if target_model is ClassGroup:
        target = permissions.get_visible_or_404(actor, ClassGroup, pk=target_id)
    elif target_model is Product:
        target = Product.objects.get(pk=target_id)
    changed = _changed_since(action, ids, target_id, since)
    if changed:
        who = [p for p in people if p.pk in changed]
        raise ValidationError(
            f"Not undone: {_names(who)} {'was' if len(who) == 1 else 'were'} changed since, "
            "so putting back the earlier state could undo someone else's work. Nothing was "
            "changed; make the change by hand if it is still wanted."
        )
    return _put_back(actor, action, people, target, synced=set(note.get("s", ())))


def _put_back(actor, action: str, people: list, target, *, synced: set[int]) -> str:
    names = _names(people)
    if action == "add_class":
        services.class_group_remove_students(actor=actor, class_group=target, students=people)
        return f"Undone: {names} taken out of {target.name} again."
    if action == "remove_class":
        services.class_group_add_students(actor=actor, class_group=target, students=people)
        return f"Undone: {names} back in {target.name}."
    if action == "remove_class_educator":
        services.class_group_add_educators(actor=actor, class_group=target, educators=people)
        return f"Undone: {names} back in {target.name}."
    if action == "add_product":
        _whole(bulk.remove_product(actor=actor, students=people, product=target))
        return f"Undone: {target.name} removed again from {names}."
    if action == "remove_product":
        _whole(bulk.add_product(actor=actor, students=people, product=target, synced=synced))
        return f"Undone: {names} have {target.name} again."
    active = action == "deactivate"
    _whole(bulk.set_active(actor=actor, students=people, active=active))
    return f"Undone: {names} {'reactivated' if active else 'deactivated again'}."


def _whole(outcome: bulk.Outcome) -> None:
    """An undo puts back all or nothing: a student the bulk action refuses rolls it back,
    with the refusal the single service gives."""
    if outcome.refused:
        first = outcome.refused[0]
        if first.kind is bulk.Refusal.NOT_YOURS:
            raise PermissionDenied(first.reason)
        raise ValidationError(first.reason)
