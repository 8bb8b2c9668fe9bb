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
from rostering.services.bulk_outcome import outcome_sentences

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


def _report(request, outcome: bulk.Outcome, action: str, target=None, *, back: str) -> None:
    """What was done (with an Undo of exactly that), what was already so, and what was
    refused with why, in the words the admin's actions use too (services.bulk_outcome)."""
    said = outcome_sentences(outcome, action, target=target)
    if said.done:
        token = bulk_undo.undo_token(
            action, [s.pk for s in outcome.done], target, synced=outcome.synced
        )
        success_with_undo_of(request, said.done, token, back=back)
    if said.unchanged:
        messages.info(request, said.unchanged)
    for text in said.refused:
        messages.error(request, text)
    if said.nothing:
        messages.warning(request, said.nothing)


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
        target = data["class_group"]
        outcome = bulk.add_to_class(actor=actor, students=chosen, class_group=target)
    elif action == "add_product":
        target = data["product"]
        outcome = bulk.add_product(actor=actor, students=chosen, product=target)
    elif action == "remove_product":
        target = data["product"]
        outcome = bulk.remove_product(actor=actor, students=chosen, product=target)
    else:
        target = None
        outcome = bulk.set_active(actor=actor, students=chosen, active=action == "reactivate")
    _report(request, outcome, action, target, back=back)
    return redirect(back)
