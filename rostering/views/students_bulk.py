"""Bulk actions on the Students list: the chosen students (or every student matching the
list's search and filters) go through rostering/bulk.py, one engine batch per action with each
student's verdict; the page then says what was done and what was refused, and why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rostering import bulk, bulk_undo, login_cards
from rostering.filters.students import StudentFilter
from rostering.forms.bulk import StudentBulkForm
from rostering.selectors import students as selectors

from .students import require_role
from .undo import success_with_undo_of

MAX_CARDS = 1000


def _chosen(request: HttpRequest, form: StudentBulkForm):
    """The students the action applies to, among those the user may see (others are ignored:
    an id outside the user's schools is never acted on)."""
    visible = selectors.student_list(request.user)
    if form.cleaned_data["all_matching"]:
        query = QueryDict(form.cleaned_data["query"] or "")
        return StudentFilter(query or None, queryset=visible, request=request).filter_qs()
    ids = [i for i in request.POST.getlist("student") if i.isdigit()]
    return visible.filter(pk__in=ids)


def _back(form_or_post) -> str:
    query = form_or_post.get("query") or ""
    url = reverse("rostering:student_list")
    return f"{url}?{QueryDict(query).urlencode()}" if query else url


def _names(students, limit: int = 5) -> str:
    names = [s.full_name for s in students[:limit]]
    more = len(students) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _report(request, outcome: bulk.Outcome, did: str, already: str, *, undo, back: str) -> None:
    """What was done (with an Undo of exactly that: ``undo`` is (action, class/group or
    product)), what was already so, and what was refused with why."""
    n = len(outcome.done)
    if n:
        text = f"{did.format(n=n, s='' if n == 1 else 's')}: {_names(outcome.done)}."
        action, target = undo
        token = bulk_undo.undo_token(
            action, [s.pk for s in outcome.done], target, synced=outcome.synced
        )
        success_with_undo_of(request, text, token, back=back)
    if outcome.unchanged:
        messages.info(request, f"{len(outcome.unchanged)} {already}: {_names(outcome.unchanged)}.")
    for refused in outcome.refused[:10]:
        messages.error(request, f"Not changed, {refused.student.full_name}: {refused.reason}")
    if len(outcome.refused) > 10:
        messages.error(request, f"{len(outcome.refused) - 10} more students were not changed.")
    if not (n or outcome.unchanged or outcome.refused):
        messages.warning(request, "No students were chosen: tick the boxes beside their names.")


@login_required
@require_POST
def student_bulk(request: HttpRequest) -> HttpResponse:
    require_role(request)
    form = StudentBulkForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request.POST))
    data = form.cleaned_data
    students = _chosen(request, form)
    action = data["action"]
    if action == "print":
        cards = login_cards.build_cards(students.filter(is_active=True), limit=MAX_CARDS)
        return render(
            request,
            "rostering/login_cards/sheet.html",
            {
                "heading": "Login cards of the chosen students",
                "back_url": _back(data),
                "back_label": "Back to Students",
                "cards": cards,
                "note": "deactivated students have no card",
            },
        )
    chosen = list(students.order_by("last_name", "first_name"))
    actor = request.user
    back = _back(data)
    if action == "add_class":
        group = data["class_group"]
        outcome = bulk.add_to_class(actor=actor, students=chosen, class_group=group)
        _report(
            request,
            outcome,
            f"Added {{n}} student{{s}} to {group.name}",
            f"already in {group.name}",
            undo=(action, group),
            back=back,
        )
    elif action in ("add_product", "remove_product"):
        product = data["product"]
        if action == "add_product":
            outcome = bulk.add_product(actor=actor, students=chosen, product=product)
            _report(
                request,
                outcome,
                f"Assigned {product.name} to {{n}} student{{s}}",
                f"already had {product.name}",
                undo=(action, product),
                back=back,
            )
        else:
            outcome = bulk.remove_product(actor=actor, students=chosen, product=product)
            _report(
                request,
                outcome,
                f"Removed {product.name} from {{n}} student{{s}}",
                f"did not have {product.name} of their own",
                undo=(action, product),
                back=back,
            )
    else:
        active = action == "reactivate"
        outcome = bulk.set_active(actor=actor, students=chosen, active=active)
        state = "Reactivated" if active else "Deactivated"
        _report(
            request,
            outcome,
            f"{state} {{n}} student{{s}}",
            f"already {state.lower()}",
            undo=(action, None),
            back=back,
        )
    return redirect(back)
