"""Forms of the Educators pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password as check_portal_password

from rostering.models import Educator
from rostering.registry import EDUCATOR
from rostering.registry.forms import add_text_fields, check_fields
from rostering.selectors import classes as class_selectors
from rostering.selectors.educators import organizations_offered

from .ownership import OwnershipFormMixin


class _OrganizationsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        if obj.is_district:
            return f"{obj.name} (whole district)"
        return obj.name


class _EducatorFields(forms.Form):
    first_name = forms.CharField(max_length=EDUCATOR["first_name"].max_length)
    last_name = forms.CharField(max_length=EDUCATOR["last_name"].max_length)
    username = forms.CharField(
        max_length=EDUCATOR["username"].max_length,
        help_text="They sign in to the portal with it; unique platform-wide.",
    )
    email = forms.EmailField(required=False)
    educator_type = forms.ChoiceField(
        label="Educator type",
        choices=Educator.EducatorType.choices,
        help_text="Administrators manage educators and organization settings.",
    )
    organizations = _OrganizationsField(
        queryset=None,
        label="Organizations",
        error_messages={"required": "Choose at least one organization."},
    )
    external_id = forms.CharField(label="External Assigned ID", max_length=255, required=False)
    alt_external_id = forms.CharField(
        label="Alt External Assigned ID", max_length=255, required=False
    )
    password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Optional. Without one they cannot sign in until a password is set.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        check_fields(self, EDUCATOR)  # the registry's labels and checks
        self.fields["organizations"].queryset = organizations_offered(user)

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            check_portal_password(password)
        return password


# The registry's other optional text fields (a preferred first name), after the names.
MORE_FIELDS = add_text_fields(_EducatorFields, EDUCATOR, after="last_name")


class EducatorCreateForm(_EducatorFields):
    field_order = [
        "first_name",
        "last_name",
        *MORE_FIELDS,
        "username",
        "email",
        "educator_type",
        "organizations",
        "external_id",
        "alt_external_id",
        "password",
    ]


class EducatorDetailsForm(OwnershipFormMixin, _EducatorFields):
    """Details tab; locked fields of a synced educator are disabled (OwnershipFormMixin)."""

    def __init__(self, *args, user, educator: Educator, can_change: bool, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": educator.first_name,
                "last_name": educator.last_name,
                "username": educator.username,
                "email": educator.email,
                "educator_type": educator.educator_type,
                "organizations": [o.pk for o in educator.organizations.all()],
                "external_id": educator.external_id or "",
                "alt_external_id": educator.alt_external_id or "",
                **{name: getattr(educator, name) for name in MORE_FIELDS},
            },
        )
        super().__init__(*args, user=user, **kwargs)
        self.fields["password"].label = "New password"
        self.fields["password"].help_text = "Leave empty to keep their current password."
        # Keep the educator's current organizations listed even when outside the picker's list.
        current = educator.organizations.values("pk")
        offered = self.fields["organizations"].queryset
        self.fields["organizations"].queryset = (
            offered.model.objects.filter(pk__in=offered.values("pk"))
            | offered.model.objects.filter(pk__in=current)
        ).order_by("org_type", "name")
        self.apply_ownership(educator)
        if not can_change:
            for field in self.fields.values():
                field.disabled = True

    def changes(self) -> dict:
        """Changed record fields (disabled, locked fields never count); the password aside."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "password"}


class AddClassesForm(forms.Form):
    class_groups = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Classes/Groups",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one class/group.",
            "invalid_choice": "That class/group cannot be chosen: only manual classes/groups "
            "of this educator's schools can take educators by hand.",
        },
    )

    def __init__(self, *args, user, educator: Educator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_groups"].queryset = class_selectors.manual_classes_for_educator(
            user, educator
        )
        self.fields["class_groups"].label_from_instance = lambda cg: f"{cg.name} ({cg.school})"
