"""Forms of the Students pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from accounts import permissions
from rostering import memberships
from rostering.forms.ownership import OwnershipFormMixin
from rostering.models import ClassGroup, Grade, Organization, ProductSetting, Student
from rostering.ownership import FieldState
from rostering.registry import STUDENT as S
from rostering.registry.forms import add_text_fields, check_fields
from rostering.selectors.students import manual_class_groups_for
from rostering.validators import setting_integer_message, setting_range_message

GRADE_CHOICES = [("", "—")] + list(Grade.choices)
REQUIRED_MESSAGES = {
    "first_name": "Enter the student's first name.",
    "last_name": "Enter the student's last name.",
    "username": "Enter a username: the student signs in to products with it.",
    "schools": "Choose at least one school.",
}


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (else above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages if hasattr(error, "messages") else error)
    else:
        form.add_error(None, exc.messages)


class SchoolChoiceField(forms.ModelMultipleChoiceField):
    """The schools a student may be at. Given ``offer`` (schools already read), it offers and
    accepts exactly those without reading them again."""

    def label_from_instance(self, obj: Organization) -> str:
        return obj.name

    def offer(self, schools: list[Organization]) -> None:
        self.offered = {str(school.pk): school for school in schools}
        self.widget.choices = [(school.pk, school.name) for school in schools]

    def _check_values(self, value):
        offered = getattr(self, "offered", None)
        if offered is None:
            return super()._check_values(value)
        for pk in value:
            if str(pk) not in offered:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        chosen = {str(pk) for pk in value}
        return [school for key, school in offered.items() if key in chosen]


class SchoolsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of schools; those in ``kept`` (pk -> name: a student's schools outside the
    user's) show ticked, read-only and marked "outside your schools". The form's hidden
    ``schools_kept`` posts them back, so a save keeps them; a request that drops them is
    refused by the service (accounts.permissions.removal_refused)."""

    kept: dict[int, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pk = getattr(value, "value", value)
        if pk in self.kept:
            option["label"] = permissions.outside_your_schools(self.kept[pk])
            option["attrs"] = {**option["attrs"], "disabled": True, "checked": True}
        return option


class ClassGroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ClassGroup) -> str:
        return f"{obj.name} ({obj.school.name})"


class _StudentFieldsForm(forms.Form):
    """The Details fields, named as the model's fields (OwnershipFormMixin relies on that)."""

    # Labels, lengths and checks come from the registry (rostering.registry.forms).
    first_name = forms.CharField(max_length=S["first_name"].max_length)
    middle_name = forms.CharField(max_length=S["middle_name"].max_length, required=False)
    last_name = forms.CharField(max_length=S["last_name"].max_length)
    username = forms.CharField(max_length=S["username"].max_length, help_text=S["username"].help)
    email = forms.EmailField(required=False)
    external_id = forms.CharField(
        max_length=S["external_id"].max_length,
        required=False,
        help_text="The student ID in your SIS, if your district has one.",
    )
    alt_external_id = forms.CharField(max_length=S["alt_external_id"].max_length, required=False)
    grade = forms.ChoiceField(choices=GRADE_CHOICES, required=False)
    schools = SchoolChoiceField(
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        check_fields(self, S)
        self.user = user
        self.fields["schools"].queryset = permissions.schools_for(user).order_by("name")
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message

    def _name_rows(self) -> list:
        return [
            Row(
                Column("first_name", css_class="col-md-4"),
                Column("middle_name", css_class="col-md-4"),
                Column("last_name", css_class="col-md-4"),
            ),
            *(
                [Row(*(Column(name, css_class="col-md-4") for name in MORE_FIELDS))]
                if MORE_FIELDS
                else []
            ),
            Row(Column("username", css_class="col-md-6"), Column("email", css_class="col-md-6")),
            Row(
                Column("external_id", css_class="col-md-5"),
                Column("alt_external_id", css_class="col-md-4"),
                Column("grade", css_class="col-md-3"),
            ),
            "schools",
        ]


# The registry's other optional text fields (a preferred first name), after the names.
MORE_FIELDS = add_text_fields(_StudentFieldsForm, S, after="last_name")


class StudentCreateForm(_StudentFieldsForm):
    class_group = ClassGroupChoiceField(
        label="Class/group (optional)",
        queryset=ClassGroup.objects.none(),
        required=False,
        empty_label="No class/group",
        help_text="Only classes/groups created by hand are offered; synced ones come from "
        "your SIS.",
    )
    password = forms.CharField(
        label="Password (optional)",
        required=False,
        max_length=64,
        help_text="Leave blank and Homeroom makes an easy one (a word and two digits).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["class_group"].queryset = manual_class_groups_for(user)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *self._name_rows(),
            Row(
                Column("class_group", css_class="col-md-6"),
                Column("password", css_class="col-md-6"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        group, schools = cleaned.get("class_group"), cleaned.get("schools")
        if group and schools and group.school_id not in {s.pk for s in schools}:
            name = f"{cleaned.get('first_name', '')} {cleaned.get('last_name', '')}".strip()
            self.add_error(
                "class_group", memberships.not_at_school(name, group.school.name, group.name)
            )
        return cleaned


class StudentDetailsForm(OwnershipFormMixin, _StudentFieldsForm):
    """Edit a student's Details; locked fields of a synced student are disabled."""

    schools_kept = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, user, student: Student, **kwargs):
        kwargs.setdefault("initial", {})
        # Schools the user cannot act in (a second school) are shown read-only and kept.
        reach = permissions.school_reach(user, district_id=student.district_id)
        offered = _schools_offered(user, student)
        current = [school for school in offered if school.is_current]
        kept = {s.pk: s.name for s in current if reach.outside([s.pk])}
        for name in self.base_fields:
            if name == "schools":
                kwargs["initial"][name] = [s for s in current if s.pk not in kept]
            elif name == "schools_kept":
                kwargs["initial"][name] = list(kept)
            else:
                value = getattr(student, name)
                kwargs["initial"][name] = "" if value is None else value
        super().__init__(*args, user=user, **kwargs)
        widget = SchoolsWidget()
        widget.kept = kept
        self.fields["schools"].widget = widget
        self.fields["schools"].offer(offered)
        self.fields["schools_kept"].queryset = Organization.objects.filter(pk__in=kept)
        if kept:  # the kept schools already count as one
            self.fields["schools"].required = False
        self.apply_ownership(student)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[self._wrap(item) for item in self._name_rows()], "schools_kept"
        )

    def clean(self):
        cleaned = super().clean()
        if "schools" in cleaned:
            chosen = list(cleaned["schools"]) + list(cleaned.get("schools_kept") or [])
            if not chosen:
                self.add_error("schools", REQUIRED_MESSAGES["schools"])
            cleaned["schools"] = list(dict.fromkeys(chosen))
        return cleaned

    def _wrap(self, item):
        """Mark locked fields' wrappers so the stylesheet grays them out."""
        if isinstance(item, str):
            return self._field(item)
        for column in item.fields:
            column.fields = [self._field(name) for name in column.fields]
        return item

    def _field(self, name: str):
        state = self.field_ownership.get(name)
        if state is FieldState.LOCKED:
            return Field(name, wrapper_class="field-locked")
        if state is FieldState.SHARED:
            return Div(Field(name), css_class="field-shared")
        return name

    def changes(self) -> dict:
        """The fields the user changed, locked (disabled) ones never among them."""
        changed = {}
        data = self.changed_data
        if "schools_kept" in data and "schools" not in data:
            data = [*data, "schools"]  # a kept school dropped: the service refuses it
        for name in data:
            if self.fields[name].disabled or name == "schools_kept":
                continue
            changed[name] = self.cleaned_data[name]
        return changed


def _schools_offered(user, student: Student) -> list[Organization]:
    """The schools ``user`` may put ``student`` at and the student's own (``is_current``; one
    outside the user's schools or inactive stays shown), by name, in one query: the form's
    checkboxes, what it accepts back and what it compares the post with."""
    link = Student.schools.through.objects.filter(
        student_id=student.pk, organization_id=OuterRef("pk")
    )
    offered = permissions.schools_for(user) | Organization.objects.filter(Exists(link))
    return list(offered.annotate(is_current=Exists(link)).order_by("name"))


class StudentBulkCommonForm(forms.Form):
    """What every row of "Add several students" shares: the school and an optional class."""

    school = forms.ModelChoiceField(
        label="School", queryset=Organization.objects.none(), empty_label="Choose a school"
    )
    class_group = ClassGroupChoiceField(
        label="Class/group (optional)",
        queryset=ClassGroup.objects.none(),
        required=False,
        empty_label="No class/group",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = permissions.schools_for(user).order_by("name")
        self.fields["school"].error_messages["required"] = "Choose the students' school."
        self.fields["class_group"].queryset = manual_class_groups_for(user)
        schools = list(self.fields["school"].queryset)
        if len(schools) == 1 and not self.is_bound:
            self.initial.setdefault("school", schools[0].pk)

    def clean(self):
        cleaned = super().clean()
        group, school = cleaned.get("class_group"), cleaned.get("school")
        if group and school and group.school_id != school.pk:
            self.add_error(
                "class_group", f"{group.name} is at {group.school.name}, not at {school.name}."
            )
        return cleaned


class StudentRowForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    username = forms.CharField(label="Username", max_length=150)
    external_id = forms.CharField(label="Student ID", max_length=255, required=False)
    grade = forms.ChoiceField(label="Grade", choices=GRADE_CHOICES, required=False)
    password = forms.CharField(
        label="Password",
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "made for you"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_fields(self, S)
        for name in ("first_name", "last_name", "username"):
            self.fields[name].error_messages["required"] = REQUIRED_MESSAGES[name]


class _BaseRowFormSet(forms.BaseFormSet):
    def initial_form_count(self) -> int:
        """Every row is "extra" (so a blank one is skipped), even rows refilled with what was
        typed when the number of rows changes."""
        return 0

    def filled_rows(self) -> list[dict]:
        """What was typed in each non-blank row of a bound formset, unchecked and in order."""
        return [
            {name: form[name].data for name in form.fields}
            for form in self.forms
            if form.has_changed()
        ]

    def clean(self):
        """Usernames and IDs repeated within the page are errors on the later rows (checked
        even when other rows have problems, so every problem shows at once)."""
        seen: dict[tuple[str, str], int] = {}
        for number, form in enumerate(self.forms, start=1):
            if not form.has_changed():
                continue
            for name in ("username", "external_id"):
                value = (getattr(form, "cleaned_data", {}).get(name) or "").strip().lower()
                if not value:
                    continue
                key = (name, value)
                if key in seen:
                    form.add_error(name, f"Row {seen[key]} already uses this value.")
                else:
                    seen[key] = number
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError("Fill in at least one row.")


MAX_BULK_ROWS = 50


def student_row_formset(rows: int = 10) -> type[forms.BaseFormSet]:
    """A formset of ``rows`` rows (all "extra", so blank rows are skipped), at most 50; pass
    ``initial`` to refill the first ones."""
    return forms.formset_factory(
        StudentRowForm,
        formset=_BaseRowFormSet,
        extra=max(1, min(rows, MAX_BULK_ROWS)),
        max_num=MAX_BULK_ROWS,
        validate_max=True,
        absolute_max=MAX_BULK_ROWS,
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="New password (optional)",
        required=False,
        max_length=64,
        help_text="Leave blank and Homeroom makes an easy one (a word and two digits).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class AddClassForm(forms.Form):
    class_group = forms.IntegerField(widget=forms.HiddenInput)


def setting_field(setting: ProductSetting, *, note: str) -> forms.Field:
    """A form field offering the allowed values of one product setting."""
    common = {"label": setting.label, "help_text": note, "required": False}
    kind = setting.setting_type
    # Django's own messages ("Ensure this value is ...") replaced by the rule's sentences.
    if kind == ProductSetting.SettingType.CHOICE:
        choices = [(str(v), str(v)) for v in setting.allowed_values]
        allowed = ", ".join(str(v) for v in setting.allowed_values)
        return forms.ChoiceField(
            choices=choices,
            error_messages={"invalid_choice": f"Choose one of: {allowed}."},
            **common,
        )
    if kind == ProductSetting.SettingType.BOOLEAN:
        return forms.ChoiceField(
            choices=[("Yes", "Yes"), ("No", "No")],
            error_messages={"invalid_choice": f"{setting.label} is Yes or No."},
            **common,
        )
    if kind == ProductSetting.SettingType.INTEGER:
        return forms.IntegerField(
            min_value=setting.min_value,
            max_value=setting.max_value,
            error_messages={
                "invalid": setting_integer_message(setting),
                "min_value": setting_range_message(setting),
                "max_value": setting_range_message(setting),
            },
            **common,
        )
    return forms.CharField(
        max_length=200,
        error_messages={"max_length": f"{setting.label} is 200 characters at most."},
        **common,
    )


class ProductSettingsForm(forms.Form):
    """One field per setting row (see selectors.student_setting_rows), named ``setting_<pk>``."""

    SYNCED_NOTE = "Your SIS sends this setting: the next sync puts back the SIS value."

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            note = row.setting.help_text
            if row.is_synced:
                note = f"{note} {self.SYNCED_NOTE}".strip()
            name = f"setting_{row.setting.pk}"
            self.fields[name] = setting_field(row.setting, note=note)
            self.initial[name] = row.current
            if row.sis_value is not None:
                # As the Details tab's shared fields: shared-fields.js notes a differing value.
                self.fields[name].widget.attrs.update(
                    {
                        "data-field-state": "shared",
                        "data-sis-value": row.sis_value,
                        "data-sis-label": row.sis_value,
                    }
                )
                self.fields[name].help_text = f"{note} (SIS value: {row.sis_value})"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def grouped(self) -> list[tuple]:
        """[(product, [(bound field, row), ...]), ...] in the rows' order."""
        groups: dict = {}
        for row in self.rows:
            groups.setdefault(row.setting.product, []).append(
                (self[f"setting_{row.setting.pk}"], row)
            )
        return list(groups.items())

    def changed_settings(self):
        """(setting, new value) for each field the user changed."""
        for row in self.rows:
            name = f"setting_{row.setting.pk}"
            if name in self.changed_data:
                value = self.cleaned_data.get(name)
                if value is None or value == "":
                    continue
                yield row.setting, str(value)
