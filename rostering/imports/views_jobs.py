"""One import: its preview, confirmation, progress (with a JSON status), result, undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import scope_for
from rostering.liveness import fail_stale
from rostering.tables.base import csv_response

from . import engine, jobs, jobs_stale, jobs_undo
from .models import ImportJob

ERRORS_PER_PAGE = 100
CHANGES_PER_PAGE = 50
ACTION_LABELS = {"create": "New", "update": "Changed", "unchanged": "Unchanged"}


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fail_stale()  # a job whose worker is gone says so instead of running forever
    job = jobs.get_job_or_404(request.user, pk)
    errors = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("errors_page"))
    changes = Paginator(job.changes or [], CHANGES_PER_PAGE).get_page(
        request.GET.get("changes_page")
    )
    can_import = jobs.can_import(request.user, job.kind)
    waiting = job.status == ImportJob.Status.CHECKED and not job.errors
    stale = jobs_stale.stale_reason(job) if waiting else ""
    is_support = scope_for(request.user).is_support
    submission = jobs.submission_of(job)
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "counts": job.counts or {},
            "errors_page": errors,
            "changes_page": changes,
            "warnings": (job.warnings or [])[:100],
            "undo_kept": (job.result or {}).get("undo_kept") or [],
            "action_labels": ACTION_LABELS,
            "is_preview": job.status in (ImportJob.Status.CHECKED, ImportJob.Status.INVALID),
            "can_confirm": can_import and waiting and not stale and submission is None,
            # A submission's file is imported from the submission (the admin, for support).
            "submission": submission,
            "submission_url": _submission_url(submission, is_support),
            # The upload pages are the district's; support staff upload through the admin.
            "can_upload": not is_support,
            "stale": stale,
            "can_recheck": can_import and bool(stale),
            "can_undo": can_import and job.status == ImportJob.Status.COMMITTED,
            "shows_progress": job.status
            not in (
                ImportJob.Status.CHECKED,
                ImportJob.Status.INVALID,
            ),
            "finished": job.status not in jobs.ACTIVE,
            "worker_warning": jobs.worker_warning(job),
            # Support staff open any district's import (assisted submissions, the admin).
            "for_district": job.district.name if is_support else "",
        },
    )


def _submission_url(submission, is_support: bool) -> str:
    if submission is None:
        return ""
    if is_support:
        return reverse("admin:imports_assistedsubmission_change", args=[submission.pk])
    return reverse("imports:submission", args=[submission.pk])


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.get_job_or_404(request.user, pk)
    try:
        jobs.job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def job_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a stale preview's file again; the page shows the fresh preview when it is ready."""
    job = jobs.get_job_or_404(request.user, pk)
    try:
        jobs_stale.job_recheck(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.info(request, "Checking the file again against the records as they are now.")
    return redirect("imports:job", pk=job.pk)


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    fail_stale()
    job = jobs.get_job_status_or_404(request.user, pk)
    return JsonResponse(jobs.status_payload(job))


@login_required
def job_error_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.get_job_or_404(request.user, pk)
    if not job.errors:
        messages.info(request, "This file has no rows with errors.")
        return redirect("imports:job", pk=job.pk)
    if job.error_report:  # a refused upload keeps only this report, not its file
        name, content = jobs.errors_report_name(job), bytes(job.error_report)
    else:
        name, content = engine.error_file(
            file_name=job.file_name, content=bytes(job.file_content), errors=job.errors
        )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def job_result_file(request: HttpRequest, pk: int) -> HttpResponse:
    """What the import created and updated, one row per record, as CSV."""
    job = jobs.get_job_or_404(request.user, pk)
    if job.status not in (ImportJob.Status.COMMITTED, ImportJob.Status.UNDONE):
        messages.info(request, "The result can be downloaded once the import has finished.")
        return redirect("imports:job", pk=job.pk)

    def rows():
        for change in job.changes or []:
            diff = "; ".join(
                f"{column}: {old or '(blank)'} -> {new or '(blank)'}"
                for column, (old, new) in (change.get("changes") or {}).items()
            )
            action = {"create": "Created", "update": "Updated"}.get(change["action"], "")
            yield [change["row"], action, change["label"], diff]

    return csv_response(
        f"import-{job.pk}-result.csv", ["Row", "Action", "Record", "Changes"], rows()
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the undo would do, and a button; POST: queue the undo for the worker."""
    job = jobs.get_job_or_404(request.user, pk)
    if not jobs.can_import(request.user, job.kind):
        raise PermissionDenied("Your role does not allow undoing this import.")
    if request.method == "POST":
        try:
            job = jobs_undo.job_undo(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, "This import cannot be undone: " + _messages_of(exc))
        else:
            if job.status == ImportJob.Status.UNDONE:
                messages.success(request, f"The import of {job.file_name} is undone.")
            elif job.status == ImportJob.Status.UNDOING:
                messages.info(request, "Undoing the import; this page shows when it is done.")
        return redirect("imports:job", pk=job.pk)
    if job.status != ImportJob.Status.COMMITTED:
        messages.info(request, "Only an import that was committed can be undone.")
        return redirect("imports:job", pk=job.pk)
    return render(
        request, "imports/undo_confirm.html", {"job": job, "summary": jobs_undo.undo_summary(job)}
    )
