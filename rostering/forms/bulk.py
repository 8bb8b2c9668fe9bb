"""The Students list's bulk-action form: what to do, to which class/group or product."""

from __future__ import annotations

from django import forms

from rostering.filters.widgets import QuickSelect
from rostering.models import Product
from rostering.selectors import students as selectors

from .students import ClassGroupChoiceField

ACTIONS = (
    ("print", "Print login cards"),
    ("add_class", "Add to a class/group"),
    ("add_product", "Assign a product"),
    ("remove_product", "Remove a product"),
    ("deactivate", "Deactivate"),
    ("reactivate", "Reactivate"),
)


class StudentBulkForm(forms.Form):
    action = forms.ChoiceField(
        label="With the chosen students",
        choices=(("", "Choose an action…"), *ACTIONS),
        widget=QuickSelect,
    )
    class_group = ClassGroupChoiceField(
        label="Class/group",
        queryset=None,
        required=False,
        empty_label="Choose a class/group…",
        widget=QuickSelect,  # a district's classes are many options: no template per option
    )
    product = forms.ModelChoiceField(
        label="Product",
        queryset=Product.objects.filter(is_active=True),
        required=False,
        empty_label="Choose a product…",
        widget=QuickSelect,
    )
    all_matching = forms.BooleanField(required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        for name in ("action", "class_group", "product"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["action"].widget.attrs["data-bulk-action"] = ""
        self.fields["class_group"].queryset = selectors.manual_class_groups_for(user)
        self.fields["action"].error_messages["required"] = "Choose what to do with the students."

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "add_class" and not data.get("class_group"):
            self.add_error("class_group", "Choose the class/group to add the students to.")
        if action in ("add_product", "remove_product") and not data.get("product"):
            self.add_error("product", "Choose the product.")
        return data
