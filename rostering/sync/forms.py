"""Forms of the district's Sync pages. They parse input and check what only a form can see
(the uploaded zip, the folder on this server); services.py writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from rostering import registry
from rostering.clever import not_clever
from rostering.models import Educator, Product, ProductSetting, Student
from rostering.oneroster import SnapshotError
from rostering.oneroster.columns import is_extension
from rostering.oneroster.files import load_heads
from rostering.oneroster.headers import HEAD_BYTES, not_oneroster
from rostering.ownership import SHAREABLE_FIELDS
from rostering.upload_limits import upload_size_problem

from . import folders
from .models import ProductRule, SyncSource
from .services import clever_refusals, clever_sends

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
KIND_MODELS = {"student": Student, "educator": Educator}
KIND_LABELS = {"student": "Students", "educator": "Educators"}


# What zipfile raises on a damaged, encrypted or oddly compressed zip while reading a member.


class SyncSettingsForm(forms.ModelForm):
    """Source, External Assigned ID, schedule, hold threshold, and the optional fields sent."""

    snapshot_file = forms.FileField(
        label="SIS files (zip)",
        required=False,
        help_text="The OneRoster CSV files, or Clever's SFTP files, zipped together (as "
        "“Files are in” says). It replaces the zip uploaded before.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    weekday = forms.TypedChoiceField(
        label="Day (weekly syncs)", choices=WEEKDAYS, coerce=int, initial=0
    )
    hold_threshold_percent = forms.IntegerField(
        label="Hold a run that would deactivate more than (%)",
        min_value=1,
        max_value=100,
        help_text="Of the district's synced students, educators or classes/groups. Such a run "
        "waits for an administrator to approve it.",
    )

    class Meta:
        model = SyncSource
        fields = [
            "source_type",
            "source_format",
            "clever_id_column",
            "snapshot_file",
            "folder_path",
            "external_id_field",
            "username_field",
            "schedule",
            "weekday",
            "time_of_day",
            "hold_threshold_percent",
        ]
        labels = {
            "source_type": "Where the SIS data comes from",
            "folder_path": "SIS folder on the server",
            "schedule": "Schedule",
            "time_of_day": "Time",
        }
        help_texts = {
            "folder_path": "The folder your SIS drops its CSV files (OneRoster or Clever) into.",
            "clever_id_column": "Which Clever students.csv column becomes the External "
            "Assigned ID of students when the files are Clever's (leave the choice above on "
            "OneRoster identifier; teachers take Teacher_number).",
            "external_id_field": "Which OneRoster column becomes the External Assigned ID "
            "of students and educators.",
            "username_field": "Which column becomes the username students and educators "
            "sign in with. It is kept as the SIS sends it (spaces too).",
        }
        widgets = {
            "source_type": forms.RadioSelect,
            "source_format": forms.RadioSelect,
            "clever_id_column": forms.RadioSelect,
            "external_id_field": forms.RadioSelect,
            "username_field": forms.RadioSelect,
            "time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, shared_fields: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.upload: tuple[str, bytes] | None = None
        for name in ("source_format", "clever_id_column"):  # not posted: left as they are
            self.fields[name].required = False
        for kind in KIND_MODELS:
            names = sorted(SHAREABLE_FIELDS[kind])
            self.fields[f"shared_{kind}"] = forms.MultipleChoiceField(
                label=f"{KIND_LABELS[kind]}: optional fields your SIS sends",
                required=False,
                choices=[(n, _choice_label(kind, n)) for n in names],
                initial=shared_fields.get(kind, []),
                widget=forms.CheckboxSelectMultiple,
                help_text="The next sync puts back the SIS value of these fields if someone "
                "changes them in the portal.",
            )
        self._offer_folder()

    def _offer_folder(self) -> None:
        """The folder source only where the operator set one aside (SYNC_FOLDER_ROOT), and
        then only the district's own folder (rostering.sync.folders)."""
        home = folders.home_of(self.instance.district)
        source_type = self.fields["source_type"]
        if home is None:
            # The field still accepts the folder choice, so that posting it gets the sentence
            # saying how to enable it; the page no longer offers it.
            source_type.widget.choices = [
                choice
                for choice in source_type.choices
                if choice[0] != SyncSource.SourceType.ONEROSTER_FOLDER
            ]
            source_type.help_text = (
                "A folder your SIS drops its files into on this server can be used once the "
                "server's operator sets SYNC_FOLDER_ROOT."
            )
            del self.fields["folder_path"]
            return
        folder = self.fields["folder_path"]
        folder.help_text = (
            f"The folder your SIS drops its CSV files (OneRoster or Clever) into: {home}, or a "
            "folder inside it."
        )
        if not self.instance.folder_path:
            folder.initial = str(home)

    def shared_fields(self) -> dict[str, list[str]]:
        return {kind: self.cleaned_data.get(f"shared_{kind}", []) for kind in KIND_MODELS}

    def clean_snapshot_file(self):
        """A OneRoster (or, as the district chose, Clever) zip: readable within the zip limits,
        holding users.csv (Clever: students.csv), each file's first row its header. Only the zip's directory and each file's first bytes are read
        here; the whole set is read when the sync runs, in the background."""
        upload = self.cleaned_data.get("snapshot_file")
        if not upload:
            return None
        too_large = upload_size_problem(upload.name, upload.size, oneroster=True)
        if too_large:
            raise forms.ValidationError(too_large)
        data = upload.read()
        try:
            heads = load_heads(data, upload.name, HEAD_BYTES)
        except SnapshotError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.cleaned_data.get("source_format") == SyncSource.Format.CLEVER:
            problem = not_clever(heads, upload.name)
        else:
            problem = not_oneroster(heads, upload.name)
        if problem:
            raise forms.ValidationError(problem)
        self.upload = (upload.name, data)
        return upload

    def clean_source_format(self) -> str:
        return self.cleaned_data["source_format"] or self.instance.source_format

    def clean_clever_id_column(self) -> str:
        return self.cleaned_data["clever_id_column"] or self.instance.clever_id_column

    def clean_folder_path(self) -> str:
        return (self.cleaned_data.get("folder_path") or "").strip()

    def clean(self):
        cleaned = super().clean()
        source_type = cleaned.get("source_type")
        if source_type == SyncSource.SourceType.ONEROSTER_UPLOAD:
            if not self.upload and not self.instance.uploaded_snapshot and not self.errors.get(
                "snapshot_file"
            ):
                self.add_error("snapshot_file", "Choose the zip of your SIS's files to upload.")
        elif source_type == SyncSource.SourceType.ONEROSTER_FOLDER:
            try:
                cleaned["folder_path"] = folders.clean_folder(
                    self.instance.district, cleaned.get("folder_path", "")
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        if cleaned.get("source_format") == SyncSource.Format.CLEVER:
            self._refuse_what_clever_cannot_send(cleaned)
        return cleaned

    def _refuse_what_clever_cannot_send(self, cleaned) -> None:
        """The service's refusal (sync.services.clever_refusals), shown by its checkboxes."""
        shared = {kind: cleaned.get(f"shared_{kind}", []) for kind in KIND_MODELS}
        for kind, messages in clever_refusals(shared).items():
            for message in messages:
                self.add_error(f"shared_{kind}", message)


def _choice_label(kind: str, field: str) -> str:
    """The registry's label, as the service's refusal names the field."""
    label = registry.KINDS[kind][field].label
    if clever_sends(kind, field):
        return label
    return f"{label} (OneRoster only: not in Clever's files)"


class ProductRuleForm(forms.ModelForm):
    class Meta:
        model = ProductRule
        fields = ["match_field", "pattern", "product"]
        labels = {
            "match_field": "Match the class's",
            "pattern": "Value or prefix",
            "product": "Product it gets",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="product", **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True).order_by("name")
        self.fields["product"].empty_label = "Choose a product"
        self.fields["match_field"].choices = ProductRule.MatchField.choices


class SettingRuleForm(forms.Form):
    column = forms.CharField(
        label="Column of users.csv",
        max_length=200,
        help_text="An extension column, e.g. metadata.language or ext_language.",
    )
    setting = forms.ModelChoiceField(
        label="Product setting it sets",
        queryset=ProductSetting.objects.filter(product__is_active=True).select_related("product"),
        empty_label="Choose a setting",
    )
    value_map = forms.CharField(
        label="Values (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "es = Spanish\nen = English"}),
        help_text="One SIS value = setting value a line. Values not listed are used as sent.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="setting", **kwargs)

    def clean_column(self) -> str:
        column = self.cleaned_data["column"].strip()
        if not is_extension(column):
            raise forms.ValidationError(
                f"{column} is not an extension column: use a column whose name starts with "
                "metadata. or ext_ (e.g. metadata.language)."
            )
        return column

    def clean_value_map(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["value_map"].splitlines(), start=1):
            if not line.strip():
                continue
            sis_value, sep, value = line.partition("=")
            if not sep or not sis_value.strip() or not value.strip():
                raise forms.ValidationError(
                    f'Line {number} ("{line.strip()}"): write it as SIS value = setting value.'
                )
            mapping[sis_value.strip()] = value.strip()
        return mapping
