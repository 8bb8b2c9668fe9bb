"""Who changed a roster record and through which channel, for django-simple-history.

The engine's apply and undo (rostering/engine/), the only writers of roster rows, run inside
``audit(actor=..., channel=...)`` (the import commits open it around them too); every
historical row written meanwhile records the actor as ``history_user`` and the channel in
``history_channel``.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from enum import StrEnum

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record


class Channel(StrEnum):
    FORM = "form"
    IMPORT = "import"
    SYNC = "sync"
    ADMIN = "admin"
    SYSTEM = "system"
    UNDO = "undo"


_current: contextvars.ContextVar[tuple[object, str] | None] = contextvars.ContextVar(
    "homeroom_audit", default=None
)


@contextmanager
def audit(*, actor, channel: Channel | str):
    token = _current.set((actor, str(channel)))
    try:
        yield
    finally:
        _current.reset(token)


def current_audit() -> tuple[object, str] | None:
    return _current.get()


_reference: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "homeroom_audit_reference", default=("", "")
)


@contextmanager
def reference(ref: str, *, channel: Channel | str = ""):
    """Which job made the changes ("import job 12", "sync run 7"), for the history of
    memberships, school and product links and settings (rostering.link_history); ``channel`` names
    it there instead of the audit's (undo writes its records as the import's channel)."""
    token = _reference.set((str(channel), ref))
    try:
        yield
    finally:
        _reference.reset(token)


def current_reference() -> tuple[str, str]:
    """(channel or "", reference or "") set by ``reference``."""
    return _reference.get()


@receiver(pre_create_historical_record)
def _stamp_channel(sender, instance, history_instance, **kwargs) -> None:
    current = _current.get()
    if current is None:
        return
    actor, channel = current
    history_instance.history_channel = channel
    if actor is not None and getattr(actor, "is_authenticated", False):
        history_instance.history_user = actor
