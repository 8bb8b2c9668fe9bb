"""Success messages that offer to undo: the message carries a small form that posts the
opposite action (reactivate, add back), so undoing goes through the same view and service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rostering import bulk_undo


def success_with_undo(request, text: str, *, action_url: str, fields: dict, label: str = "Undo"):
    hidden = format_html_join(
        "", '<input type="hidden" name="{}" value="{}">', ((k, v) for k, v in fields.items())
    )
    messages.success(
        request,
        format_html(
            '{} <form method="post" action="{}" class="d-inline ms-2">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}'
            '<button type="submit" class="btn btn-sm btn-outline-dark py-0">{}</button></form>',
            text,
            action_url,
            get_token(request),
            hidden,
            label,
        ),
    )


def success_with_undo_of(request, text: str, token: str, *, back: str) -> None:
    """A success message whose Undo puts back exactly what the action changed
    (rostering.bulk_undo: the signed note ``token``), then returns to ``back``."""
    success_with_undo(
        request, text, action_url=reverse("rostering:undo"), fields={"token": token, "next": back}
    )


@login_required
@require_POST
def undo_action(request: HttpRequest) -> HttpResponse:
    """Undo one bulk action or class/group removal, or say why not (nothing changed then)."""
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("rostering:student_list")
    try:
        done = bulk_undo.undo(actor=request.user, token=request.POST.get("token", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        messages.error(request, "Not undone: you may not change these records any more.")
    else:
        messages.success(request, done)
    return redirect(back)
