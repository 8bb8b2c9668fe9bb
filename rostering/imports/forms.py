"""Forms of the import pages. They parse input; the engine checks the rows."""

from __future__ import annotations

from django import forms

from accounts.permissions import schools_for
from rostering.upload_limits import upload_size_problem

from . import jobs
from .models import SIS_SETS, ImportKind

ACCEPT = ".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPT_SETS = ACCEPT + ",.zip,application/zip"  # OneRoster and Clever sets are zips
FILE_ERRORS = {
    "empty": "The file is empty. Choose the file you filled in and upload it again.",
    "required": "Choose a file to upload.",
}


def _check_size(upload, *, kind: str = "") -> None:
    too_large = upload_size_problem(upload.name, upload.size, oneroster=kind in SIS_SETS)
    if too_large:
        raise forms.ValidationError(too_large)
    if upload.size == 0:
        raise forms.ValidationError(f"{upload.name} is empty. Choose the file you filled in.")


class TemplateForm(forms.Form):
    """The optional columns of one record type's template, and the format."""

    def __init__(self, *args, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.required_columns = [c for c in columns if c.get("required")]
        optional = [c for c in columns if not c.get("required")]
        self.fields["columns"] = forms.MultipleChoiceField(
            label="Optional columns",
            required=False,
            choices=[(c["name"], c["name"]) for c in optional],
            widget=forms.CheckboxSelectMultiple,
        )
        self.column_help = {c["name"]: c.get("help", "") for c in columns}
        self.fields["fmt"] = forms.ChoiceField(
            choices=[("csv", "CSV"), ("xlsx", "Excel")], initial="xlsx"
        )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What does the file hold?", widget=forms.RadioSelect)
    file = forms.FileField(
        label="File",
        error_messages=FILE_ERRORS,
        help_text="CSV or Excel (.xlsx), up to 10,000 records. "
        "OneRoster or Clever SFTP export: its zip, or its CSV files zipped together.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_SETS}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = jobs.importable_kinds(user)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0].value

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload, kind=self.cleaned_data.get("kind", ""))
        return upload


class BulkStudentsForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=None,
        label="School",
        empty_label="Choose the school",
        help_text="Every student in the file joins this school.",
    )
    file = forms.FileField(
        label="Students file",
        error_messages=FILE_ERRORS,
        help_text="The Students template (CSV or Excel), one school at a time. "
        "It makes students only: no classes/groups and no teachers.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = schools_for(user).order_by("name")
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_SETS}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


SUBMISSION_KINDS = (
    ImportKind.STUDENTS,
    ImportKind.EDUCATORS,
    ImportKind.CLASSES,
    ImportKind.ORGANIZATIONS,
    ImportKind.ONEROSTER,
    ImportKind.CLEVER,
)


class SubmissionForm(forms.Form):
    """One file input per record type, so support staff know what each file holds."""

    note = forms.CharField(
        label="Note for support staff",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything we should know: which schools, when students start, who to ask.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in SUBMISSION_KINDS:
            self.fields[f"files_{kind.value}"] = MultipleFileField(label=f"{kind.label} files")

    def clean(self):
        cleaned = super().clean()
        files = []
        for kind in SUBMISSION_KINDS:
            for upload in cleaned.get(f"files_{kind.value}") or []:
                try:
                    _check_size(upload, kind=kind)
                except forms.ValidationError as exc:
                    self.add_error(f"files_{kind.value}", exc)
                files.append((kind.value, upload))
        if not files and not self.errors:
            raise forms.ValidationError("Add at least one file.")
        cleaned["files"] = files
        return cleaned
