"""What every kind's checker needs to know about the district and the person importing:
the organizations, products and settings by name or ID, and which schools are in scope.

Loaded once per import with a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict

from accounts import permissions
from rostering.models import Organization, Product, ProductSetting

from .cells import Row
from .columns import Column


def fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


class Context:
    def __init__(self, *, actor, district, school=None, sis=False):
        self.actor = actor
        # The rows come from a SIS's files (OneRoster, Clever): usernames as the SIS sent them.
        self.sis = sis
        self.district = district
        self.school = school
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        orgs = list(Organization.objects.filter(district=district).order_by("name"))
        self.orgs = {org.pk: org for org in orgs}
        self.org_by_name: dict[str, list[Organization]] = defaultdict(list)
        self.org_by_id: dict[str, Organization] = {}
        for org in orgs:
            self.org_by_name[fold(org.name)].append(org)
            if org.external_id:
                self.org_by_id[fold(org.external_id)] = org
        # Which schools' links the actor may add and remove: accounts.permissions, once.
        self.reach = permissions.school_reach(actor, district_id=district.pk, trusted=actor is None)
        self.district_wide = self.reach.everywhere
        if self.district_wide:
            self.allowed_school_ids = frozenset(self.orgs)
        else:
            self.allowed_school_ids = self.reach.school_ids & frozenset(self.orgs)
        self._products = None
        self._settings = None
        # Read once: most districts have no inactive school, and then no row needs asking.
        self.closed_ids = frozenset(pk for pk, org in self.orgs.items() if not org.is_active)

    # ---- organizations ----------------------------------------------------------------------

    def allowed_names(self) -> str:
        names = sorted(self.orgs[pk].name for pk in self.allowed_school_ids)
        return ", ".join(names[:8]) + (" …" if len(names) > 8 else "")

    def find_org(self, row: Row, column: Column, value: str, *, allow_district=False):
        """The organization named (or with the ID) ``value`` within the district and the
        actor's scope; None after reporting why not."""
        key = fold(value)
        if allow_district and key in (
            fold(self.district.name),
            fold(self.district.external_id or ""),
        ):
            if not self.district_wide:
                row.error(
                    column,
                    "Only a district administrator can add district-wide staff. "
                    "Name a school instead.",
                )
                return None
            return self.district
        found = self.org_by_id.get(key)
        if found is None:
            candidates = self.org_by_name.get(key, [])
            if len(candidates) > 1:
                row.error(
                    column,
                    f'Two organizations are called "{value}". Use the External Assigned ID '
                    "of the one you mean instead of its name.",
                )
                return None
            found = candidates[0] if candidates else None
        if found is None:
            row.error(
                column,
                f'There is no school "{value}" in {self.district.name}. Check the spelling '
                f"(your schools: {self.allowed_names()}).",
            )
            return None
        if found.pk not in self.allowed_school_ids:
            row.error(
                column,
                f'"{found.name}" is not one of your schools. You can import into: '
                f"{self.allowed_names()}.",
            )
            return None
        return found

    def refuse_closed(self, row: Row, column: Column, org_ids, *, current=frozenset()) -> None:
        """An inactive school takes nothing new: a row that would put a record there (a new
        record, or a school added to one) is refused, in the words forms use. The trusted
        caller (actor None) is not asked."""
        if self.actor is None or not self.closed_ids:
            return
        from rostering.services.common import closed_school_message

        closed = sorted(
            self.orgs[pk].name for pk in set(org_ids) - set(current) if pk in self.closed_ids
        )
        if closed:
            row.error(column, closed_school_message(closed))

    # ---- products ------------------------------------------------------------------------------

    def products_and_settings(self) -> tuple[dict, dict]:
        """({folded name or code: product}, {folded label or key: [settings]}), read once."""
        if self._products is None:
            self._load_products()
        return self._products, self._settings

    def _load_products(self) -> None:
        products = list(Product.objects.all())
        self._products = {}
        for product in products:
            self._products[fold(product.name)] = product
            self._products[fold(product.code)] = product
        self._settings = defaultdict(list)
        for setting in ProductSetting.objects.select_related("product"):
            self._settings[fold(setting.label)].append(setting)
            self._settings[fold(setting.key)].append(setting)

    def find_product(self, row: Row, column: Column, value: str):
        products, _settings = self.products_and_settings()
        product = products.get(fold(value))
        if product is None:
            row.error(column, f'There is no product "{value}". Check the spelling of its name.')
            return None
        if not product.is_active:
            row.error(column, f"{product.name} is no longer offered. Remove it from this row.")
            return None
        return product

    def find_setting(self, row: Row, column: Column, text: str):
        """``[Product:] Setting = value`` -> (setting, canonical value), or None after an error."""
        _products, settings = self.products_and_settings()
        if "=" not in text:
            row.error(
                column,
                f'"{text}" needs the form "Setting = value", e.g. "Language Support = Spanish".',
            )
            return None
        name, value = (part.strip() for part in text.split("=", 1))
        product_name = ""
        if ":" in name:
            product_name, name = (part.strip() for part in name.split(":", 1))
        candidates = {s.pk: s for s in settings.get(fold(name), [])}.values()
        if product_name:
            candidates = [
                s
                for s in candidates
                if fold(product_name) in (fold(s.product.name), fold(s.product.code))
            ]
        candidates = list(candidates)
        if not candidates:
            row.error(column, f'There is no product setting "{name}". Check its name.')
            return None
        if len(candidates) > 1:
            row.error(
                column,
                f'Several products have a setting "{name}". Write the product first, e.g. '
                f'"{candidates[0].product.name}: {name} = {value}".',
            )
            return None
        setting = candidates[0]
        try:
            return setting, setting.validate_value(value)
        except Exception as exc:  # ValidationError from the shared validator
            messages = getattr(exc, "messages", [str(exc)])
            row.error(column, " ".join(messages))
            return None
