"""Success messages that offer to undo: the message carries a small form that posts the
opposite action (reactivate, add back), so undoing goes through the same view and service."""

from __future__ import annotations

from django.contrib import messages
from django.middleware.csrf import get_token
from django.utils.html import format_html, format_html_join


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
