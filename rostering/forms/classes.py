"""Forms of the Classes/Groups pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts import permissions
from rostering import memberships
from rostering.models import ClassGroup, Educator, Organization, Product, Student
from rostering.registry import CLASS_GROUP
from rostering.registry.forms import check_fields
from rostering.selectors import classes as selectors

from .ownership import OwnershipFormMixin


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields else None
            for error in errors:
                form.add_error(field, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class _SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ClassGroupCreateForm(forms.Form):
    name = forms.CharField(label="Class/Group name", max_length=200)
    school = _SchoolChoiceField(queryset=None, label="School", empty_label="Choose a school")
    external_id = forms.CharField(
        label="External Assigned ID",
        max_length=255,
        required=False,
        help_text="Optional: the section ID in your SIS, if it has one.",
    )
    products = forms.ModelMultipleChoiceField(
        queryset=Product.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The students of this class/group get these products.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        check_fields(self, CLASS_GROUP)  # the registry's checks (rostering.registry)
        schools = permissions.schools_for(user).order_by("name")
        self.fields["school"].queryset = schools
        if len(schools) == 1:  # a teacher of one school has nothing to choose
            self.fields["school"].initial = schools[0].pk


class ClassGroupDetailsForm(OwnershipFormMixin, forms.Form):
    """Details tab. On a synced class/group every field is locked (disabled)."""

    name = forms.CharField(label="Class/Group name", max_length=200)
    school = _SchoolChoiceField(queryset=None, label="School", empty_label=None)
    external_id = forms.CharField(label="External Assigned ID", max_length=255, required=False)
    subject = forms.CharField(label="Subject", max_length=200, required=False)
    course_code = forms.CharField(label="Course code", max_length=100, required=False)
    grades = forms.CharField(
        label="Grades", max_length=100, required=False, help_text="For example 03 or 03, 04."
    )
    is_active = forms.BooleanField(
        label="Active", required=False, help_text="Inactive classes/groups keep their history."
    )

    def __init__(self, *args, user, class_group: ClassGroup, can_change: bool, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": class_group.name,
                "school": class_group.school_id,
                "external_id": class_group.external_id or "",
                "subject": class_group.subject,
                "course_code": class_group.course_code,
                "grades": class_group.grades,
                "is_active": class_group.is_active,
            },
        )
        super().__init__(*args, **kwargs)
        check_fields(self, CLASS_GROUP)
        # The current school stays offered even if it is outside the picker's usual list.
        self.fields["school"].queryset = Organization.objects.filter(
            Q(pk__in=permissions.schools_for(user).values("pk")) | Q(pk=class_group.school_id)
        ).order_by("name")
        self.apply_ownership(class_group)
        for name in self.locked_field_names:
            # Every field of a synced class is locked: the banner above the form says so
            # once, instead of the same sentence under each field.
            self.fields[name].help_text = ""
        if not can_change:
            for field in self.fields.values():
                field.disabled = True

    def changes(self) -> dict:
        """Only the fields the user changed (disabled, locked fields never count)."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class AddProductForm(forms.Form):
    product = forms.ModelChoiceField(
        queryset=None, label="Product", empty_label="Choose a product to add"
    )

    def __init__(self, *args, class_group: ClassGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = selectors.products_addable_to(class_group)


class AddStudentsForm(forms.Form):
    """Pick several students. The choices accepted are the students the selector offers, so
    a student of another school or district posted by hand is an invalid choice."""

    students = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one student to add.",
            "invalid_choice": "That student cannot be added here: only active students of "
            "this class/group's school in your organizations can join it.",
            "invalid_pk_value": "That is not a student of this school.",
        },
    )

    def __init__(self, *args, user, class_group: ClassGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.class_group = user, class_group
        self.fields["students"].queryset = selectors.students_addable_to(user, class_group)

    def clean(self):
        name_people_of_other_schools(self, "students", Student, kind="student")
        return super().clean()


class AddEducatorsForm(forms.Form):
    educators = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one educator to add.",
            "invalid_choice": "That educator cannot be added here: only active educators of "
            "this class/group's school can join it.",
            "invalid_pk_value": "That is not an educator of this school.",
        },
    )

    def __init__(self, *args, user, class_group: ClassGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.class_group = user, class_group
        self.fields["educators"].queryset = selectors.educators_addable_to(user, class_group)

    def clean(self):
        name_people_of_other_schools(self, "educators", Educator, kind="educator")
        return super().clean()


def name_people_of_other_schools(form, field: str, model, *, kind: str) -> None:
    """A person the user can see, posted by hand though they are not at the class/group's
    school, gets the membership rule's sentence (rostering.memberships), as on every other
    channel, instead of the field's "cannot be added here"."""
    if field not in form.errors:
        return
    group = form.class_group
    posted = [v for v in form.data.getlist(field) if str(v).isdigit()]
    seen = permissions.visible_queryset(form.user, model).filter(
        pk__in=posted, district_id=group.district_id
    )
    strangers = memberships.people_not_at(group, seen, kind=kind)
    if strangers:
        form.errors[field] = form.error_class(
            [
                memberships.not_at_school(p.full_name, group.school.name, group.name)
                for p in strangers
            ]
        )
