"""django-import-export on the admin, with one set of checks and one pipeline: the portal's.

Import: support staff choose a district and upload a file; the admin only keeps it as an import
job of that district (rostering.imports.jobs.job_create, the same size limits) and sends them to
the job's page, where the background worker checks every row (a preview that names the
district, writes nothing); "Confirm and import" queues the commit for the worker, which writes
the whole file in one transaction under the district lock, or nothing. The file is never read
in the admin's request, and django-import-export never parses it.

Export: the rows of the list as filtered (choose a district in the filter to scope it), in the
registry's columns (rostering.admin.exports).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX, Format
from import_export.forms import ImportForm

from rostering.imports import engine, jobs
from rostering.imports.models import SIS_SETS
from rostering.models import Organization
from rostering.upload_limits import upload_size_problem


class EngineFile(Format):
    """The one format the import form offers: the file goes, untouched, to the import job."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV or Excel (read and checked by the import engine)"

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


class EngineResource(resources.Resource):
    """One kind of record, as the import page lists it (the import job does the rest)."""

    kind = ""

    @classmethod
    def get_display_name(cls):
        return f"{cls.kind.capitalize()} (the portal's import template or a OneRoster file)"

    def get_user_visible_fields(self):
        return [fields.Field(column_name=c["name"]) for c in _template_columns(self.kind)]


def _template_columns(kind: str) -> list[dict]:
    try:
        return engine.template_columns(kind)
    except NotImplementedError:  # the engine's templates are not there yet
        return []


def engine_resource(kind: str) -> type[EngineResource]:
    return type(f"{kind.capitalize()}EngineResource", (EngineResource,), {"kind": kind})


class EngineImportExportMixin(ImportExportMixin):
    """Import: district and file become an import job (checked and committed by the worker);
    export: the filtered list."""

    import_kind = ""
    export_resource: type[resources.ModelResource] | None = None
    import_form_class = DistrictImportForm

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

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}

    def import_action(self, request, **kwargs):
        """GET: the form. POST: keep the file as an import job of the chosen district and go
        to its page; the worker checks it there (nothing is read in this request)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        form = self.create_import_form(request)
        if form.is_valid():
            job = self._start_job(request, form)
            if job is not None:
                messages.info(
                    request,
                    f"{job.file_name} is kept for {form.cleaned_data['district'].name}; the "
                    "background worker checks every row, then this page shows the preview.",
                )
                return redirect("imports:job", pk=job.pk)
        return self._form_page(request, form)

    def _start_job(self, request, form):
        upload = form.cleaned_data["import_file"]
        kind = self.import_kind
        # Refused before the file is read into memory at all.
        too_large = upload_size_problem(upload.name, upload.size, oneroster=kind in SIS_SETS)
        if too_large:
            form.add_error("import_file", too_large)
            return None
        try:
            return jobs.job_create(
                actor=request.user,
                kind=kind,
                file_name=upload.name,
                content=upload.read(),
                district_id=form.cleaned_data["district"].pk,
                check_now=False,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error("import_file", " ".join(getattr(exc, "messages", [str(exc)])))
            return None

    def _form_page(self, request, form):
        resource = self.get_import_resource_classes(request)[0]()
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": "Import",
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (
                    resource.get_display_name(),
                    [f.column_name for f in resource.get_user_visible_fields()],
                )
            ],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request, **kwargs):
        """django-import-export's in-request commit is never used: imports confirm on the
        job's page, and the worker commits."""
        raise Http404("Confirm an import on its page.")
