"""django-import-export on the admin, with one set of checks: the import engine's.

Import: support staff choose a district and upload a file; the engine's ``check_file`` reads
and checks every row (a preview, writes nothing); "Confirm import" runs ``commit_file``, which
checks again and writes the whole file in one transaction or nothing. The file goes to the
engine as uploaded (any encoding, CSV or Excel): django-import-export never parses it.

Export: the rows of the list as filtered (choose a district in the filter to scope it), in the
import templates' columns, so an export can be fixed and imported again. Every text cell goes
through rostering.formulas.neutralise, so neither the CSV nor the XLSX holds a live formula.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX, Format
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import InvalidRow, Result, RowResult
from import_export.tmp_storages import TempFolderStorage
from tablib import Dataset

from rostering.formulas import neutralise
from rostering.imports import engine
from rostering.models import Organization
from rostering.passwords import decrypt_bytes, encrypt_bytes

ACTIONS = {
    "create": RowResult.IMPORT_TYPE_NEW,
    "update": RowResult.IMPORT_TYPE_UPDATE,
    "unchanged": RowResult.IMPORT_TYPE_SKIP,
}


class EngineFile(Format):
    """The uploaded bytes, untouched, for the import engine to read."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV or Excel (read and checked by the import engine)"

    def create_dataset(self, in_stream):
        dataset = Dataset(headers=["file"])
        dataset.append(["(read by the import engine)"])
        dataset.raw_bytes = bytes(in_stream)
        return dataset

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "csv"

    def can_import(self):
        return True

    def can_export(self):
        return False


class EncryptedTempStorage(TempFolderStorage):
    """The uploaded file between the preview and "Confirm import", in the temporary folder
    like django-import-export's default, but encrypted (it may hold student passwords)."""

    def save(self, data):
        super().save(encrypt_bytes(data if isinstance(data, bytes) else data.encode()))

    def read(self):
        self.read_mode = "rb"
        try:
            return decrypt_bytes(super().read())
        except (InvalidToken, OSError):  # not a file we wrote: the engine says it is empty
            return b""


def _districts():
    return Organization.objects.districts().order_by("name")


class DistrictImportForm(ImportForm):
    district = forms.ModelChoiceField(
        queryset=_districts(), help_text="The district whose records the file holds."
    )
    field_order = ["district", "resource", "import_file", "format"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()


class DistrictConfirmForm(ConfirmImportForm):
    district = forms.ModelChoiceField(queryset=_districts(), widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()


def _to_result(plan: engine.ImportPlan) -> Result:
    """The engine's preview (or refusal) as django-import-export's result for its templates."""
    result = Result()
    result.diff_headers = ["Row", "Record", "Changes"]
    for change in plan.changes:
        row = RowResult()
        row.import_type = ACTIONS.get(change.action, RowResult.IMPORT_TYPE_SKIP)
        row.diff = [
            change.row,
            change.label,
            "; ".join(
                f"{col}: {old or '(blank)'} → {new}" for col, (old, new) in change.changes.items()
            ),
        ]
        result.append_row_result(row)
    by_row: dict[int, dict[str, list[str]]] = {}
    for error in plan.errors:
        column = error.column or NON_FIELD_ERRORS
        by_row.setdefault(error.row, {}).setdefault(column, []).append(error.message)
    for number, errors in sorted(by_row.items()):
        result.invalid_rows.append(
            InvalidRow(
                number=number, validation_error=ValidationError(errors), values=(number, "", "")
            )
        )
    result.totals[RowResult.IMPORT_TYPE_NEW] = plan.created
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = plan.updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = plan.unchanged
    result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_row)
    result.total_rows = plan.created + plan.updated + plan.unchanged + len(by_row)
    return result


def _refused(message: str) -> Result:
    return _to_result(
        engine.ImportPlan(kind="", errors=[engine.RowError(row=0, column="", message=message)])
    )


class EngineResource(resources.Resource):
    """Imports one kind of record into one district through the import engine."""

    kind = ""

    def __init__(self, *, district=None, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.district = district
        self.actor = actor

    @classmethod
    def get_display_name(cls):
        return f"{cls.kind.capitalize()} (the portal's import template or a OneRoster file)"

    def get_user_visible_fields(self):
        return [fields.Field(column_name=c["name"]) for c in _template_columns(self.kind)]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        content = getattr(dataset, "raw_bytes", None)
        if content is None or self.district is None:
            return _refused("Choose a district and a file.")
        call = {
            "actor": self.actor,
            "district": self.district,
            "kind": self.kind,
            "file_name": kwargs.get("file_name") or "import.csv",
            "content": content,
        }
        try:
            if dry_run:
                return _to_result(engine.check_file(**call))
            done = engine.commit_file(**call)
        except engine.ImportRejected as exc:
            return _to_result(exc.plan)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(" ".join(getattr(exc, "messages", [str(exc)])))
        return _to_result(
            engine.ImportPlan(
                kind=self.kind, created=done.created, updated=done.updated, unchanged=done.unchanged
            )
        )


def _template_columns(kind: str) -> list[dict]:
    try:
        return engine.template_columns(kind)
    except NotImplementedError:  # the engine's templates are not there yet
        return []


def engine_resource(kind: str) -> type[EngineResource]:
    return type(f"{kind.capitalize()}EngineResource", (EngineResource,), {"kind": kind})


class FormulaSafeResource(resources.ModelResource):
    """An export whose text cells a spreadsheet shows and never runs (CSV and XLSX alike:
    openpyxl writes a text starting with "=" as a formula)."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return neutralise(value) if isinstance(value, str) else value

    def get_export_headers(self, selected_fields=None):
        return [neutralise(h) for h in super().get_export_headers(selected_fields)]


class DistrictExportResource(FormulaSafeResource):
    """Export of the listed rows; scoped to a district through the list's district filter."""

    district_name = fields.Field(attribute="district__name", column_name="District")

    @classmethod
    def get_display_name(cls):
        return "Records as listed (filter by district to export one district)"


class EngineImportExportMixin(ImportExportMixin):
    """Import through the engine (district first, preview, confirm); export the filtered list."""

    import_kind = ""
    export_resource: type[resources.ModelResource] | None = None
    import_form_class = DistrictImportForm
    tmp_storage_class = EncryptedTempStorage
    confirm_form_class = DistrictConfirmForm
    import_error_display = ("message",)

    @property
    def import_formats(self):
        return [EngineFile]

    @property
    def export_formats(self):
        return [CSV, XLSX]

    def get_import_resource_classes(self, request):
        return [engine_resource(self.import_kind)]

    def get_export_resource_classes(self, request):
        return [self.export_resource]

    def has_import_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and (
            request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        data = getattr(form, "cleaned_data", None) or {}
        return {"district": data.get("district"), "actor": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["district"] = import_form.cleaned_data["district"].pk
        return initial

    def process_result(self, result, request):
        if result.has_validation_errors():
            first = result.invalid_rows[0]
            reasons = "; ".join(
                f"{'' if k == NON_FIELD_ERRORS else k + ': '}{' '.join(v)}"
                for k, v in first.error_dict.items()
            )
            messages.error(
                request,
                f"Nothing was imported: the file has {len(result.invalid_rows)} row(s) with "
                f"errors (first, row {first.number}: {reasons}). Fix them and upload it again.",
            )
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        totals = result.totals
        messages.success(
            request,
            f"Imported: {totals['new']} new, {totals['update']} updated, "
            f"{totals['skip']} unchanged.",
        )
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))


def _names(related) -> str:
    return "; ".join(obj.name for obj in related.all())


class StudentExport(DistrictExportResource):
    schools = fields.Field(column_name="Organizations")

    class Meta:
        from rostering.models import Student

        model = Student
        fields = (
            "first_name",
            "last_name",
            "username",
            "external_id",
            "alt_external_id",
            "grade",
            "email",
            "is_active",
            "origin",
        )
        fields = ("district_name", *fields, "schools")

    def get_queryset(self):
        return super().get_queryset().select_related("district").prefetch_related("schools")

    def dehydrate_schools(self, student):
        return _names(student.schools)


class EducatorExport(DistrictExportResource):
    organizations = fields.Field(column_name="Organizations")

    class Meta:
        from rostering.models import Educator

        model = Educator
        fields = (
            "first_name",
            "last_name",
            "username",
            "email",
            "educator_type",
            "external_id",
            "alt_external_id",
            "is_active",
            "origin",
        )
        fields = ("district_name", *fields, "organizations")

    def dehydrate_organizations(self, educator):
        return _names(educator.organizations)


class ClassGroupExport(DistrictExportResource):
    school_name = fields.Field(attribute="school__name", column_name="Organization")
    products = fields.Field(column_name="Product")

    class Meta:
        from rostering.models import ClassGroup

        model = ClassGroup
        fields = ("name", "external_id", "subject", "course_code", "grades", "is_active", "origin")
        fields = ("district_name", *fields, "school_name", "products")

    def dehydrate_products(self, class_group):
        return _names(class_group.products)


class OrganizationExport(FormulaSafeResource):
    district_name = fields.Field(attribute="district__name", column_name="District")
    parent_name = fields.Field(attribute="parent__name", column_name="Parent")

    class Meta:
        model = Organization
        fields = ("name", "org_type", "external_id", "rostering_method", "origin")
        fields = ("district_name", *fields, "parent_name")
