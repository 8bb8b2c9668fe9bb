"""Email alerts: a district hears when its sync fails or is held, or an import fails.

One email per event (a run or an import), not per record, through Django's email settings, to
the district's active administrators with an address; a failure also goes to support staff
(Bcc). The district turns them off on Management > Organization (``email_alerts``). Sending
never fails the job: a mail server that is down is logged.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

log = logging.getLogger("homeroom.alerts")


def district_admin_emails(district) -> list[str]:
    from rostering.models import Educator

    admins = Educator.objects.filter(
        organizations=district,
        educator_type=Educator.EducatorType.ADMINISTRATOR,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return sorted({(e.user.email or e.email).strip() for e in admins} - {""})


def support_emails() -> list[str]:
    from accounts.models import User

    emails = User.objects.filter(is_support=True, is_active=True).values_list("email", flat=True)
    return sorted({e.strip() for e in emails} - {""})


def link(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def sync_run_alert(run) -> EmailMessage | None:
    """The alert for a finished run that failed, was refused or is held, or None."""
    from rostering.sync.models import SyncRun

    alerted = (SyncRun.Status.FAILED, SyncRun.Status.REFUSED, SyncRun.Status.HELD)
    if run.dry_run or run.status not in alerted:
        return None
    url = link(reverse("sync:run", args=[run.pk]))
    if run.status == SyncRun.Status.REFUSED:
        subject = f"Homeroom: the sync of {run.district} was refused"
        body = (
            f"The {run.get_trigger_display().lower()} sync of {run.district} (run {run.pk}) "
            f"rostered too few of the records the SIS sent; what could be rostered was "
            f"applied.\n\nWhy: {run.failure_reason or 'see the run.'}\n\nThe run: {url}\n"
        )
    elif run.status == SyncRun.Status.FAILED:
        subject = f"Homeroom: the sync of {run.district} failed"
        body = (
            f"The {run.get_trigger_display().lower()} sync of {run.district} (run {run.pk}) "
            f"failed; nothing was applied.\n\nWhy: {run.failure_reason or 'see the run.'}\n\n"
            f"The run: {url}\n"
        )
    else:
        subject = f"Homeroom: the sync of {run.district} is held for approval"
        body = (
            f"The {run.get_trigger_display().lower()} sync of {run.district} (run {run.pk}) "
            f"is held; nothing was applied until an administrator approves or discards it.\n\n"
            f"Why: {run.hold_reason or 'see the run.'}\n\nApprove or discard: {url}\n"
        )
    failure = run.status in (SyncRun.Status.FAILED, SyncRun.Status.REFUSED)
    return _message(run.district, subject, body, failure=failure)


def import_job_alert(job) -> EmailMessage | None:
    """The alert for an import that failed, or None."""
    from rostering.imports.models import ImportJob

    if job.status != ImportJob.Status.FAILED:
        return None
    url = link(reverse("imports:job", args=[job.pk]))
    by = f" by {job.created_by}" if job.created_by else ""
    subject = f"Homeroom: an import into {job.district} failed"
    body = (
        f"The {job.get_kind_display()} import of {job.file_name}{by} into {job.district} "
        f"(import {job.pk}) failed; nothing was written.\n\n"
        f"Why: {job.failure_reason or 'see the import.'}\n\nThe import: {url}\n"
    )
    return _message(job.district, subject, body, failure=True)


def _message(district, subject: str, body: str, *, failure: bool) -> EmailMessage | None:
    if not district.email_alerts:
        return None
    to = district_admin_emails(district)
    bcc = [e for e in support_emails() if e not in to] if failure else []
    if not (to or bcc):
        return None
    return EmailMessage(subject=subject, body=body, to=to, bcc=bcc)


def send(message: EmailMessage | None, what: str) -> None:
    if message is None:
        return
    try:
        message.send()
    except Exception:  # noqa: BLE001 - an alert that cannot be sent must not fail the job
        log.exception("Could not send the alert for %s", what)
