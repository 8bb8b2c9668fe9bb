"""Management > SIS sync: the overview with its runs, the settings, the product rules, and the
Sync now / Preview buttons. The run pages are in views_runs.py; services.py does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rostering.liveness import fail_stale

from . import services
from .forms import (
    KIND_LABELS,
    KIND_MODELS,
    WEEKDAYS,
    ProductRuleForm,
    SettingRuleForm,
    SyncSettingsForm,
)
from .models import ProductRule, SettingRule, SyncRun

RUNS_PER_PAGE = 20


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def sync_home(request: HttpRequest) -> HttpResponse:
    district = services.sync_district_of(request.user)
    fail_stale()  # a run whose worker is gone is failed, not shown as running
    source = services.source_of(district)
    runs = services.runs_of(district)
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "sync/home.html",
        {
            "district": district,
            "source": source,
            "is_set_up": bool(source.pk and (source.uploaded_snapshot or source.folder_path)),
            "page_obj": page,
            "held_runs": runs.filter(status=SyncRun.Status.HELD),
            "busy": runs.filter(status__in=services.BUSY).exists(),
            "rule_count": ProductRule.objects.filter(district=district).count()
            + SettingRule.objects.filter(district=district).count(),
            "shared_summary": _shared_summary(district),
            "weekday_name": dict(WEEKDAYS).get(source.weekday, ""),
        },
    )


def _shared_summary(district) -> list[dict]:
    shared = services.shared_fields_for(district)
    return [
        {
            "label": KIND_LABELS[kind],
            "fields": ", ".join(
                str(model._meta.get_field(name).verbose_name) for name in shared.get(kind, [])
            ),
        }
        for kind, model in KIND_MODELS.items()
    ]


@login_required
def sync_settings(request: HttpRequest) -> HttpResponse:
    district = services.sync_district_of(request.user)
    source = services.source_of(district)
    form = SyncSettingsForm(
        request.POST or None,
        request.FILES or None,
        instance=source,
        shared_fields=services.shared_fields_for(district),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sync_settings_save(
                actor=request.user,
                district=district,
                values=form.cleaned_data,
                shared_fields=form.shared_fields(),
                upload=form.upload,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The sync settings are saved.")
            return redirect("sync:home")
    return render(request, "sync/settings.html", {"form": form, "source": source})


@login_required
def sync_rules(request: HttpRequest) -> HttpResponse:
    """The rules turning SIS data into product links and product settings; adds one."""
    district = services.sync_district_of(request.user)
    which = request.POST.get("form") if request.method == "POST" else None
    product_form = ProductRuleForm(request.POST if which == "product" else None)
    setting_form = SettingRuleForm(request.POST if which == "setting" else None)
    if which == "product" and product_form.is_valid():
        added = _add(request, product_form, services.product_rule_add, district)
        if added:
            return added
    if which == "setting" and setting_form.is_valid():
        added = _add(request, setting_form, services.setting_rule_add, district)
        if added:
            return added
    return render(
        request,
        "sync/rules.html",
        {
            "product_rules": ProductRule.objects.filter(district=district)
            .select_related("product")
            .order_by("match_field", "pattern"),
            "setting_rules": SettingRule.objects.filter(district=district)
            .select_related("setting__product")
            .order_by("column"),
            "product_form": product_form,
            "setting_form": setting_form,
        },
    )


def _add(request: HttpRequest, form, service, district) -> HttpResponse | None:
    try:
        rule = service(actor=request.user, district=district, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, f"Rule added: {rule}.")
    return redirect("sync:rules")


@login_required
@require_POST
def product_rule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _remove(request, ProductRule, pk)


@login_required
@require_POST
def setting_rule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _remove(request, SettingRule, pk)


def _remove(request: HttpRequest, model, pk: int) -> HttpResponse:
    district = services.sync_district_of(request.user)
    services.rule_remove(actor=request.user, district=district, model=model, pk=pk)
    messages.success(request, "The rule is removed. The next sync applies the rules as they are.")
    return redirect("sync:rules")


@login_required
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    return _enqueue(request, dry_run=False)


@login_required
@require_POST
def sync_preview(request: HttpRequest) -> HttpResponse:
    return _enqueue(request, dry_run=True)


def _enqueue(request: HttpRequest, *, dry_run: bool) -> HttpResponse:
    district = services.sync_district_of(request.user)
    try:
        run = services.sync_enqueue(actor=request.user, district=district, dry_run=dry_run)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("sync:home")
    if dry_run:
        messages.info(request, "The preview is queued: nothing will be changed.")
    else:
        messages.info(request, "The sync is queued.")
    return redirect("sync:run", pk=run.pk)
