"""Forms of Management > Organization. They parse input; rostering.services.orgs decides."""

from __future__ import annotations

from django import forms

from accounts import permissions
from rostering.models import Organization
from rostering.registry import ORGANIZATION
from rostering.registry.forms import check_fields
from rostering.rostering_method import QUESTIONS, Answers

from .ownership import OwnershipFormMixin


class _ParentField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} (the whole district)" if obj.is_district else obj.name


def parents_offered(user, organization: Organization | None = None):
    """Where ``user`` may place an organization: the organizations they may change in their
    district, never ``organization`` itself or anything below it (plus its current parent,
    so the form shows where it sits today)."""
    visible = permissions.organizations_for(user)
    offered = visible.filter(pk__in=permissions.changeable_among(user, visible))
    if organization is not None and organization.pk:
        below = Organization.objects.descendant_ids({organization.pk})
        offered = offered.exclude(pk__in=below)
        if organization.parent_id:
            offered = offered | visible.filter(pk=organization.parent_id)
    return offered.order_by("org_type", "name")


_TYPE_CHOICES = [c for c in Organization.OrgType.choices if c[0] != Organization.OrgType.DISTRICT]


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    org_type = forms.ChoiceField(label="Type", choices=_TYPE_CHOICES, initial="school")
    parent = _ParentField(
        queryset=None,
        label="Part of",
        empty_label=None,
        help_text="Schools usually sit directly in the district.",
    )
    external_id = forms.CharField(
        label="External Assigned ID",
        max_length=255,
        required=False,
        help_text="Your SIS's ID for it, if it has one.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        check_fields(self, ORGANIZATION)  # the registry's checks (rostering.registry)
        self.fields["parent"].queryset = parents_offered(user)


class OrganizationEditForm(OwnershipFormMixin, forms.Form):
    """Names and settings of one organization; a synced one's locked fields are disabled."""

    name = forms.CharField(label="Name", max_length=200)
    external_id = forms.CharField(label="External Assigned ID", max_length=255, required=False)
    parent = _ParentField(queryset=None, label="Part of", empty_label=None)

    def __init__(self, *args, user, organization: Organization, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": organization.name,
                "external_id": organization.external_id or "",
                "parent": organization.parent_id,
            },
        )
        super().__init__(*args, **kwargs)
        if organization.is_district:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parents_offered(user, organization)
        self.apply_ownership(organization)

    def changes(self) -> dict:
        """The changed fields (disabled, locked fields never count)."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class RosteringMethodForm(forms.Form):
    rostering_method = forms.ChoiceField(
        label="Rostering method",
        choices=Organization.RosteringMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one of the three methods."},
    )


class ChooserForm(forms.Form):
    """The four questions of the chooser; read from the query string (nothing is saved)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (question, choices) in QUESTIONS.items():
            self.fields[name] = forms.ChoiceField(
                label=question,
                choices=[(str(value), label) for value, label in choices],
                widget=forms.RadioSelect,
                error_messages={"required": "Pick the answer closest to your district."},
            )

    def answers(self) -> Answers:
        return Answers.from_values(self.cleaned_data)
