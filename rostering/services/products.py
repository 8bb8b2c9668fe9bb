"""A student's product access and product settings: checked here, written by the engine
(``writes``) with history naming the actor and channel."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from rostering.engine import Batch
from rostering.engine.changes import LinkChange, LinkOrigin, SettingChange
from rostering.history import Channel
from rostering.models import Origin, Product, ProductSetting, Student, StudentProduct
from rostering.models import StudentProductSetting as SettingValue

from .common import lock_changeable
from .writes import remove_link, write


def _origin(channel: str) -> str:
    return str(Origin.SYNCED if channel == Channel.SYNC else Origin.MANUAL)


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
    lock_changeable(actor, student, channel)
    if not product.is_active:
        raise ValidationError({"product": f"{product} is no longer offered."})
    found = StudentProduct.objects.filter(student=student, product=product)
    current = found.values_list("origin", flat=True).first()
    batch = Batch()
    if current is None:
        origin = str(origin or _origin(channel))
        batch.links.append(LinkChange("student_product", student.pk, product.pk, True, origin))
    elif channel == Channel.SYNC and current != Origin.SYNCED:
        batch.origins.append(
            LinkOrigin("student_product", student.pk, product.pk, str(Origin.SYNCED))
        )
    write(batch, district=student.district_id, actor=actor, channel=channel)
    return found.get()


@transaction.atomic
def student_remove_product(
    *, actor, student: Student, product: Product, channel: str = Channel.FORM
) -> bool:
    """Remove access; a link the SIS sends comes back at the next sync."""
    lock_changeable(actor, student, channel)
    found = StudentProduct.objects.filter(student=student, product=product)
    return remove_link("student_product", student, product.pk, found, actor=actor, channel=channel)


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
    lock_changeable(actor, student, channel)
    try:
        canonical = setting.validate_value(value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    found = SettingValue.objects.filter(student=student, setting=setting)
    before = found.values_list("value", flat=True).first()
    synced = channel == Channel.SYNC  # the SIS's value: the row says so and keeps it
    batch = Batch()
    if before != canonical or synced:
        batch.settings.append(
            SettingChange(student.pk, setting.pk, before, canonical, synced=synced)
        )
    write(batch, district=student.district_id, actor=actor, channel=channel)
    return found.get()
