"""The list pages' Export CSV, and an export job's page, status and download.

Every job URL answers only the person who asked for the export (404 for anyone else).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from rostering.tables.base import csv_response

from . import jobs
from .kinds import KINDS
from .models import ExportJob

# The list's own parameters that are not filters.
NOT_FILTERS = ("export", "page", "per_page", "sort")


def _filters(query: QueryDict) -> QueryDict:
    params = query.copy()
    for name in NOT_FILTERS:
        params.pop(name, None)
    return params


def respond(request: HttpRequest, kind_name: str) -> HttpResponse:
    """The list's Export CSV: the file streamed now, or, past EXPORT_BACKGROUND_ROWS rows, a
    background job and the page that waits for it."""
    kind = KINDS[kind_name]
    params = _filters(request.GET)
    records = kind.records(request.user, params)
    count = records.count()
    if count <= jobs.background_rows():
        return csv_response(kind.file_name, kind.header, kind.rows(records))
    job = jobs.job_start(actor=request.user, kind=kind, params=params, rows_expected=count)
    return redirect("export_jobs:job", pk=job.pk)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jobs.fail_stale()
    job = jobs.job_for(request.user, pk)
    kind = KINDS[job.kind]
    return render(
        request,
        "export_jobs/job.html",
        {
            "job": job,
            "kind": kind,
            "finished": job.status in jobs.FINISHED,
            "message": jobs.message(job),
            "worker_warning": jobs.worker_warning(job),
            "list_url": reverse(kind.list_url),
            "retention_days": settings.UPLOAD_RETENTION_DAYS,
        },
    )


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    jobs.fail_stale()
    return JsonResponse(jobs.status_payload(jobs.job_for(request.user, pk)))


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished file, whole, with its length (a cut transfer is visibly incomplete).
    Before it is ready, or when it failed, the job's page says so."""
    job = jobs.job_for(request.user, pk, with_file=True)
    if job.status != ExportJob.Status.DONE or not job.content:
        return redirect("export_jobs:job", pk=job.pk)
    content = bytes(job.content)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    response["Content-Length"] = str(len(content))
    return response
