"""A student's product access and product settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from rostering import link_history
from rostering.history import Channel, audit
from rostering.locks import lock_for_write
from rostering.models import Origin, Product, ProductSetting, Student, StudentProduct
from rostering.models import StudentProductSetting as SettingValue

from .common import check_change_allowed


def _origin(channel: str) -> str:
    return Origin.SYNCED if channel == Channel.SYNC else Origin.MANUAL


@transaction.atomic
def student_add_product(
    *,
    actor,
    student: Student,
    product: Product,
    channel: str = Channel.FORM,
    origin: str | None = None,
) -> StudentProduct:
    """Give access. The link is synced when the sync adds it, manual otherwise; ``origin``
    puts back the one a removed link had (an undo restores a link the SIS had sent as
    synced, so the sync still owns it)."""
    lock_for_write(student)
    check_change_allowed(actor, student, channel)
    if not product.is_active:
        raise ValidationError({"product": f"{product} is no longer offered."})
    link, created = StudentProduct.objects.get_or_create(
        student=student, product=product, defaults={"origin": origin or _origin(channel)}
    )
    if created:
        with audit(actor=actor, channel=channel):
            link_history.record_links(StudentProduct, added=[link])
    if not created and channel == Channel.SYNC and link.origin != Origin.SYNCED:
        link.origin = Origin.SYNCED
        link.save(update_fields=["origin"])
    return link


@transaction.atomic
def student_remove_product(
    *, actor, student: Student, product: Product, channel: str = Channel.FORM
) -> bool:
    """Remove access; a link the SIS sends comes back at the next sync."""
    lock_for_write(student)
    check_change_allowed(actor, student, channel)
    deleted, _ = StudentProduct.objects.filter(student=student, product=product).delete()
    if deleted:
        with audit(actor=actor, channel=channel):
            link_history.record_pairs(
                StudentProduct, "student_id", "product_id", removed=[(student.pk, product.pk)]
            )
    return bool(deleted)


@transaction.atomic
def student_set_product_setting(
    *,
    actor,
    student: Student,
    setting: ProductSetting,
    value: str,
    channel: str = Channel.FORM,
) -> SettingValue:
    """Set one product setting. Editable on synced students too; one the SIS sends reverts
    at the next sync (its origin says so)."""
    lock_for_write(student)
    check_change_allowed(actor, student, channel)
    try:
        canonical = setting.validate_value(value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    row, created = SettingValue.objects.get_or_create(
        student=student,
        setting=setting,
        defaults={
            "value": canonical,
            "origin": _origin(channel),
            "sis_value": canonical if channel == Channel.SYNC else None,
        },
    )
    before = None if created else row.value
    if not created and (row.value != canonical or channel == Channel.SYNC):
        row.value = canonical
        if channel == Channel.SYNC:
            row.origin = Origin.SYNCED
            row.sis_value = canonical
        row.save(update_fields=["value", "origin", "sis_value", "updated_at"])
    with audit(actor=actor, channel=channel):
        link_history.record_settings([(student.pk, setting.pk, before, canonical)])
    return row
