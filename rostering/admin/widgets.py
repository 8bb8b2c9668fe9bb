"""The admin's autocomplete for many records (a student's schools, an educator's
organizations) without select2's "remove all" button: select2 puts it inside the list of
chosen items as a stray element, which screen readers announce as part of the list (axe's
"list" rule), and each chosen item has its own remove button already. The search box's name
comes from static/js/admin-a11y.js."""

from django.contrib.admin import widgets


class AutocompleteSelectMultiple(widgets.AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


def autocomplete_many(admin, db_field, request, kwargs: dict) -> dict:
    """``formfield_for_manytomany``'s kwargs with that widget for an autocomplete field."""
    if "widget" not in kwargs and db_field.name in admin.get_autocomplete_fields(request):
        kwargs["widget"] = AutocompleteSelectMultiple(
            db_field, admin.admin_site, using=kwargs.get("using")
        )
    return kwargs
