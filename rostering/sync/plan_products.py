"""The planner's products and product settings phases (mixed into rostering.sync.plan's
planner): the district's product rules and setting rules applied to the classes and students
the sync owns."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from rostering.models import ClassProduct, Origin, StudentProductSetting

from .models import ProductRule, SettingRule


class ProductPhase:
    """The products and settings phases: ``products``, ``settings``."""

    def products(self) -> None:
        plan = self.plan
        rules = list(ProductRule.objects.filter(district=self.district).select_related("product"))
        classes = self._managed("class_group")
        existing: dict[tuple[int, int], tuple[int, str]] = {}
        for pk, class_id, product_id, origin in ClassProduct.objects.filter(
            class_group__district=self.district
        ).values_list("pk", "class_group_id", "product_id", "origin"):
            existing[(class_id, product_id)] = (pk, origin)
        inactive_warned: set[int] = set()
        wanted: set[tuple[int, int]] = set()
        for sourced_id, record in classes.items():
            cls = self.snapshot.classes.get(sourced_id)
            if cls is None:
                continue
            course = self.snapshot.courses.get(cls.course_sourced_id)
            for product in _products_for(rules, cls, course):
                if not product.is_active:
                    if product.pk not in inactive_warned:
                        inactive_warned.add(product.pk)
                        self.warn(
                            cls.file,
                            cls.row,
                            sourced_id,
                            f"{product} is no longer offered; product rules naming it are skipped.",
                        )
                    continue
                key = (record.pk, product.pk) if record.pk else None
                if key is not None and key in existing:
                    wanted.add(key)
                    pk, origin = existing[key]
                    if origin != Origin.SYNCED:
                        plan.product_claims.append(pk)
                elif (id(record), product.pk) not in wanted:
                    wanted.add((id(record), product.pk))
                    plan.product_adds.append((record, product.pk))
        managed_ids = {c.pk for c in classes.values() if c.pk}
        for (class_id, product_id), (pk, origin) in existing.items():
            if (
                origin == Origin.SYNCED
                and class_id in managed_ids
                and (class_id, product_id) not in wanted
            ):
                plan.product_removes.append(pk)

    def settings(self) -> None:
        plan = self.plan
        rules = list(
            SettingRule.objects.filter(district=self.district).select_related("setting__product")
        )
        if not rules:
            return
        students = self._managed("student")
        setting_ids = {rule.setting_id for rule in rules}
        existing: dict[tuple[int, int], tuple[int, str, str]] = {}
        for pk, student_id, setting_id, value, origin in StudentProductSetting.objects.filter(
            student__district=self.district, setting_id__in=setting_ids
        ).values_list("pk", "student_id", "setting_id", "value", "origin"):
            existing[(student_id, setting_id)] = (pk, value, origin)
        for sourced_id, record in students.items():
            user = self.snapshot.users.get(sourced_id)
            if user is None or not user.extensions:
                continue
            columns = {name.lower(): value for name, value in user.extensions.items()}
            for rule in rules:
                raw = columns.get(rule.column.strip().lower(), "")
                if not raw:
                    continue
                value_map = {str(k).lower(): v for k, v in (rule.value_map or {}).items()}
                mapped = value_map.get(raw.lower(), raw)
                try:
                    value = rule.setting.validate_value(mapped)
                except ValidationError as exc:
                    self.warn(
                        user.file,
                        user.row,
                        sourced_id,
                        f"{rule.column} = {raw}: {exc.messages[0]} The setting was not changed.",
                    )
                    continue
                current = existing.get((record.pk, rule.setting_id)) if record.pk else None
                if current is None:
                    plan.setting_creates.append((record, rule.setting_id, value))
                elif current[1] != value or current[2] != Origin.SYNCED:
                    plan.setting_updates.append((current[0], value))


def _matches(pattern: str, value: str) -> bool:
    pattern, value = pattern.strip().lower(), value.strip().lower()
    if not value:
        return False
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    return value == pattern


def _products_for(rules, cls, course) -> list:
    found = []
    for rule in rules:
        if rule.match_field == ProductRule.MatchField.COURSE_CODE:
            values = [course.course_code] if course else []
        elif rule.match_field == ProductRule.MatchField.SUBJECT:
            values = list(cls.subjects) + (list(course.subjects) if course else [])
        else:
            values = [cls.class_code]
        if any(_matches(rule.pattern, v) for v in values) and rule.product not in found:
            found.append(rule.product)
    return found
