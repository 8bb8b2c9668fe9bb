"""One sync run: its counts, plan (dry runs and held runs), problems, status and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rostering.liveness import fail_stale
from rostering.tables.base import csv_response

from . import run_changes, services
from .models import SyncRun

PROBLEMS_PER_PAGE = 50
PLAN_PER_PAGE = 50
CHANGES_PER_PAGE = 50
FINISHED = (
    SyncRun.Status.SUCCEEDED,
    SyncRun.Status.REFUSED,
    SyncRun.Status.PREVIEWED,
    SyncRun.Status.DISCARDED,
    SyncRun.Status.FAILED,
)
PLAN_SECTIONS = (
    ("created", "Would be created"),
    ("changed", "Would be changed"),
    ("claimed", "Would be taken over"),
    ("deactivated", "Would be deactivated"),
)
KIND_PLURALS = {"student": "Students", "educator": "Educators", "class_group": "Classes/groups"}
COUNT_LABELS = (
    ("created", "Created"),
    ("updated", "Updated"),
    ("claimed", "Taken over"),
    ("deactivated", "Deactivated"),
    ("unchanged", "Unchanged"),
)


def _count_cards(counts: dict) -> list[dict]:
    return [
        {"key": key, "label": label, "value": counts.get(key, 0)} for key, label in COUNT_LABELS
    ]


def _by_kind(counts: dict) -> list[dict]:
    return [
        {
            "label": KIND_PLURALS.get(kind, kind),
            "values": [numbers.get(key, 0) for key, _ in COUNT_LABELS],
        }
        for kind, numbers in (counts.get("by_kind") or {}).items()
    ]


def _plan_item(item: dict) -> dict:
    return {
        **item,
        "kind_label": run_changes.KIND_LABELS.get(item.get("kind"), item.get("kind", "")),
        "change_list": run_changes.field_list(item.get("changes")),
    }


def _page(items: list, request: HttpRequest, param: str, per_page: int):
    return Paginator(items or [], per_page).get_page(request.GET.get(param))


def _plan_sections(run: SyncRun, request: HttpRequest) -> list[dict]:
    if not run.plan or run.status not in (SyncRun.Status.PREVIEWED, SyncRun.Status.HELD):
        return []
    sections = []
    for key, title in PLAN_SECTIONS:
        items = [_plan_item(item) for item in run.plan.get(key, [])]
        sections.append(
            {
                "key": key,
                "title": title,
                "page": _page(items, request, f"{key}_page", PLAN_PER_PAGE),
                "param": f"{key}_page",
            }
        )
    return sections


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district = services.sync_district_of(request.user)
    fail_stale()  # a run whose worker is gone says so instead of running forever
    run = services.get_run_or_404(district, pk)
    held = run.status == SyncRun.Status.HELD
    counts = run.counts or {}
    return render(
        request,
        "sync/run.html",
        {
            "run": run,
            "count_cards": _count_cards(counts),
            "by_kind": _by_kind(counts),
            "passwords_set": (counts.get("passwords") or {}).get("set", 0),
            "finished": run.status in FINISHED or (held and not run.decided_by_id),
            "can_decide": held and not run.decided_by_id,
            "approval_pending": held and bool(run.decided_by_id),
            "plan_sections": _plan_sections(run, request),
            "plan_organizations": (run.plan or {}).get("organizations", [])
            if run.status in (SyncRun.Status.PREVIEWED, SyncRun.Status.HELD)
            else [],
            "plan_truncated": bool(run.plan and run.plan.get("truncated")),
            "errors_page": _page(run.errors, request, "errors_page", PROBLEMS_PER_PAGE),
            "warnings_page": _page(run.warnings, request, "warnings_page", PROBLEMS_PER_PAGE),
            "worker_warning": services.run_worker_warning(run),
            **_applied_changes(run, request),
        },
    )


def _applied_changes(run: SyncRun, request: HttpRequest) -> dict:
    """An applied run's kept changes, one page of them (searched and paged in the database)."""
    if run.status not in (SyncRun.Status.SUCCEEDED, SyncRun.Status.REFUSED):
        return {}
    search = request.GET.get("q", "").strip()
    page = Paginator(run_changes.of_run(run, search), CHANGES_PER_PAGE).get_page(
        request.GET.get("changes_page")
    )
    links = Paginator(run_changes.links_of_run(run), CHANGES_PER_PAGE).get_page(
        request.GET.get("links_page")
    )
    return {
        "links_page": links,
        "links_items": [run_changes.shown_link(change) for change in links],
        "shows_changes": True,
        "changes_page": page,
        "changes_items": [run_changes.shown(change) for change in page],
        "changes_search": search,
        # Runs applied before runs kept their changes changed records all the same.
        "changes_not_kept": not search and not page.paginator.count
        and run_changes.counted_any(run.counts),
    }


@login_required
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    district = services.sync_district_of(request.user)
    fail_stale()
    run = services.get_run_status_or_404(district, pk)
    held = run.status == SyncRun.Status.HELD
    return JsonResponse(
        {
            "status": run.status,
            "label": run.get_status_display(),
            "finished": run.status in FINISHED or (held and not run.decided_by_id),
            "warning": services.run_worker_warning(run),
        }
    )


@login_required
def run_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's warnings and errors as CSV, one row per problem, formula-safe."""
    district = services.sync_district_of(request.user)
    run = services.get_run_or_404(district, pk)

    def rows():
        for level, problems in (("Error", run.errors or []), ("Warning", run.warnings or [])):
            for problem in problems:
                yield [
                    level,
                    problem.get("file", ""),
                    problem.get("row") or "",
                    problem.get("record", ""),
                    problem.get("message", ""),
                ]

    return csv_response(
        f"sync-{run.pk}-problems.csv", ["Level", "File", "Row", "Record", "Problem"], rows()
    )


@login_required
def run_changes_file(request: HttpRequest, pk: int) -> HttpResponse:
    """What an applied run changed, one row per record (the page's search applies), as CSV."""
    district = services.sync_district_of(request.user)
    run = services.get_run_or_404(district, pk)
    return csv_response(
        f"sync-{run.pk}-changes.csv",
        run_changes.CSV_HEADER,
        run_changes.csv_rows(run, request.GET.get("q", "")),
    )


@login_required
@require_POST
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    district = services.sync_district_of(request.user)
    run = services.get_run_or_404(district, pk)
    try:
        services.held_run_approve(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Approved: the run is being applied.")
    return redirect("sync:run", pk=run.pk)


@login_required
@require_POST
def run_discard(request: HttpRequest, pk: int) -> HttpResponse:
    district = services.sync_district_of(request.user)
    run = services.get_run_or_404(district, pk)
    try:
        services.held_run_discard(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Discarded: nothing of this run was applied.")
    return redirect("sync:run", pk=run.pk)
