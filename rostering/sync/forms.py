"""Forms of the district's Sync pages. They parse input and check what only a form can see
(the uploaded zip, the folder on this server); services.py writes."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.text import capfirst

from rostering.models import Educator, Product, ProductSetting, Student
from rostering.oneroster import SnapshotError, load_files
from rostering.oneroster.columns import is_extension
from rostering.ownership import SHAREABLE_FIELDS

from .models import ProductRule, SyncSource

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
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


def _not_oneroster(names, where: str) -> str:
    found = ", ".join(sorted(names)) or "no CSV files"
    return (
        f"{where} is not a OneRoster CSV set: it has no users.csv (found {found}). "
        "Export the full OneRoster set from your SIS (orgs, users, classes, enrollments)."
    )


class SyncSettingsForm(forms.ModelForm):
    """Source, External Assigned ID, schedule, hold threshold, and the optional fields sent."""

    snapshot_file = forms.FileField(
        label="OneRoster zip",
        required=False,
        help_text="The OneRoster CSV files zipped together (up to 200 MB). It replaces the "
        "zip uploaded before.",
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
            "snapshot_file",
            "folder_path",
            "external_id_field",
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
            "folder_path": "The folder your SIS drops its OneRoster CSV files into, "
            "e.g. /srv/sis/cedar.",
            "external_id_field": "Which OneRoster column becomes the External Assigned ID "
            "of students and educators.",
        }
        widgets = {
            "source_type": forms.RadioSelect,
            "external_id_field": forms.RadioSelect,
            "time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, shared_fields: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.upload: tuple[str, bytes] | None = None
        for kind, model in KIND_MODELS.items():
            names = sorted(SHAREABLE_FIELDS[kind])
            self.fields[f"shared_{kind}"] = forms.MultipleChoiceField(
                label=f"{KIND_LABELS[kind]}: optional fields your SIS sends",
                required=False,
                choices=[(n, capfirst(model._meta.get_field(n).verbose_name)) for n in names],
                initial=shared_fields.get(kind, []),
                widget=forms.CheckboxSelectMultiple,
                help_text="The next sync puts back the SIS value of these fields if someone "
                "changes them in the portal.",
            )

    def shared_fields(self) -> dict[str, list[str]]:
        return {kind: self.cleaned_data.get(f"shared_{kind}", []) for kind in KIND_MODELS}

    def clean_snapshot_file(self):
        upload = self.cleaned_data.get("snapshot_file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"{upload.name} is larger than 200 MB.")
        data = upload.read()
        try:
            files = load_files(data)
        except SnapshotError as exc:
            message = str(exc).replace("the uploaded file", upload.name)
            raise forms.ValidationError(message) from None
        if "users.csv" not in files:
            raise forms.ValidationError(_not_oneroster(files, upload.name))
        self.upload = (upload.name, data)
        return upload

    def clean_folder_path(self) -> str:
        return (self.cleaned_data.get("folder_path") or "").strip()

    def clean(self):
        cleaned = super().clean()
        source_type = cleaned.get("source_type")
        if source_type == SyncSource.SourceType.ONEROSTER_UPLOAD:
            if not self.upload and not self.instance.uploaded_snapshot and not self.errors.get(
                "snapshot_file"
            ):
                self.add_error("snapshot_file", "Choose the OneRoster zip to upload.")
        elif source_type == SyncSource.SourceType.ONEROSTER_FOLDER:
            self._check_folder(cleaned.get("folder_path", ""))
        return cleaned

    def _check_folder(self, folder: str) -> None:
        if not folder:
            self.add_error("folder_path", "Give the folder your SIS drops its files into.")
            return
        path = Path(folder)
        root = settings.SYNC_FOLDER_ROOT
        if not path.is_absolute():
            self.add_error("folder_path", f"{folder}: give the full path, starting with /.")
        elif root and not path.resolve().is_relative_to(Path(root).resolve()):
            self.add_error("folder_path", f"{folder} is not inside {root}, where SIS files go.")
        elif not path.is_dir():
            self.add_error(
                "folder_path",
                f"The folder {folder} does not exist on the server. Check the path, or ask "
                "support to create it.",
            )
        elif not any(p.name.lower() == "users.csv" for p in path.iterdir() if p.is_file()):
            names = [p.name for p in path.iterdir() if p.suffix.lower() == ".csv"]
            self.add_error("folder_path", _not_oneroster(names, f"The folder {folder}"))
        elif (
            SyncSource.objects.filter(folder_path=folder)
            .exclude(district_id=self.instance.district_id)
            .exists()
        ):
            self.add_error("folder_path", f"{folder} is another district's SIS folder.")


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
