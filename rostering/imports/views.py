"""Management > Imports: the list, templates, upload (any type, or Bulk Create Students).

The job pages (preview, confirm, progress, result, undo) are in views_jobs.py and the
assisted submissions in views_submissions.py. Workflow lives in jobs.py.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import Feature, has_feature
from accounts.roles import Role, scope_for
from rostering.liveness import fail_stale

from . import engine, jobs
from .forms import BulkStudentsForm, TemplateForm, UploadForm
from .models import ImportKind
from .submissions import submissions_for

log = logging.getLogger(__name__)
JOBS_PER_PAGE = 25


def require_district_role(request: HttpRequest) -> None:
    scope = scope_for(request.user)
    if scope.role is Role.NONE:
        raise PermissionDenied("Your account has no role in a district.")


def require_own_district(request: HttpRequest) -> None:
    """Uploads go into the user's own district; support staff import through the admin
    (assisted submissions), where the district is chosen explicitly."""
    require_district_role(request)
    if scope_for(request.user).district_id is None:
        raise PermissionDenied("Support staff import a district's files from the support admin.")


@login_required
def import_home(request: HttpRequest) -> HttpResponse:
    require_district_role(request)
    fail_stale()  # the list shows a job whose worker is gone as failed, not importing
    user = request.user
    has_district = scope_for(user).district_id is not None
    job_qs = jobs.jobs_for(user).defer(*jobs.HEAVY_FIELDS).select_related("district")
    page = Paginator(job_qs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/home.html",
        {
            "page_obj": page,
            "can_upload": bool(jobs.importable_kinds(user)) and has_district,
            "can_bulk": has_feature(user, Feature.BULK_CREATE_STUDENTS) and has_district,
            "can_submit": has_feature(user, Feature.SUBMIT_ASSISTED) and has_district,
            "submissions": submissions_for(user)[:20] if scope_for(user).is_district_wide else [],
            "show_submissions": has_feature(user, Feature.SUBMIT_ASSISTED),
        },
    )


@login_required
def import_templates(request: HttpRequest) -> HttpResponse:
    """Pick a record type and its optional columns; the same GET form downloads the file."""
    require_district_role(request)
    kinds = jobs.importable_kinds(request.user, jobs.TEMPLATE_KINDS)
    if not kinds:
        raise PermissionDenied("Your role does not allow imports.")
    kind = request.GET.get("kind")
    kind = ImportKind(kind) if kind in {k.value for k in kinds} else kinds[0]
    columns = engine.template_columns(kind.value)
    form = TemplateForm(request.GET if "fmt" in request.GET else None, columns=columns)
    if form.is_bound and form.is_valid():
        name, content, content_type = engine.template_file(
            kind.value, form.cleaned_data["columns"], form.cleaned_data["fmt"], user=request.user
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    ticked = set(request.GET.getlist("columns"))
    optional = [
        {"name": c["name"], "help": c.get("help", ""), "checked": c["name"] in ticked}
        for c in columns
        if not c.get("required")
    ]
    return render(
        request,
        "imports/templates.html",
        {"kinds": kinds, "kind": kind, "form": form, "optional": optional},
    )


def _start(request: HttpRequest, form, *, kind: str, school=None) -> HttpResponse | None:
    upload = form.cleaned_data["file"]
    try:
        job = jobs.job_create(
            actor=request.user,
            kind=kind,
            file_name=upload.name,
            content=upload.read(),
            school=school,
            check_now=False,  # the worker reads the file; the job page shows "Checking"
        )
    except ValidationError as exc:
        form.add_error("file", exc)
        return None
    except PermissionDenied:
        raise
    except Exception:  # the job could not even be stored or queued (the worker reads the file)
        log.exception("Could not store upload %s", upload.name)
        form.add_error(
            "file",
            f"We could not keep {upload.name} for checking. Upload it again in a moment.",
        )
        return None
    # The job page says "Checking your file", then shows the preview or what to fix.
    return redirect("imports:job", pk=job.pk)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    require_own_district(request)
    if not jobs.importable_kinds(request.user):
        raise PermissionDenied("Your role does not allow imports.")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _start(request, form, kind=form.cleaned_data["kind"])
        if response:
            return response
    return render(request, "imports/upload.html", {"form": form})


@login_required
def bulk_students(request: HttpRequest) -> HttpResponse:
    """Bulk Create Students: one school, students only."""
    require_own_district(request)
    jobs.require_import(request.user, ImportKind.BULK_STUDENTS)
    form = BulkStudentsForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _start(
            request, form, kind=ImportKind.BULK_STUDENTS, school=form.cleaned_data["school"]
        )
        if response:
            return response
    return render(request, "imports/bulk_students.html", {"form": form})
