"""Issue 12: a failed or held sync emails the district's administrators (and, for failures,
support staff) once, with what happened and a link, through a real SMTP server."""

from __future__ import annotations

from datetime import time

from rostering.sync.models import SyncRun, SyncSource
from rostering.sync.schedule import enqueue_due_syncs
from tests import factories

from .conftest import student


def scheduled(district, folder) -> None:
    SyncSource.objects.filter(district=district).update(
        schedule="daily",
        time_of_day=time(0, 0),
        source_type="oneroster_folder",
        folder_path=str(folder),
        last_enqueued_at=None,
    )


def people(district):
    dora = factories.EducatorFactory(
        organization=district, username="dora", educator_type="administrator"
    ).user
    dora.email = "dora@cedar.example.org"
    dora.save()
    factories.EducatorFactory(  # a teacher: never alerted
        organization=district, username="tess", email="tess@cedar.example.org"
    )
    factories.SupportUserFactory(username="sky", email="sky@homeroom.example.com")
    return dora


def run_schedule(capture) -> SyncRun:
    with capture(execute=True):
        (run,) = enqueue_due_syncs()
    run.refresh_from_db()
    return run


def test_a_failed_scheduled_sync_emails_the_administrators_and_support_once(
    sis,
    district,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    people(district)
    scheduled(district, sis.folder)  # the SIS never wrote its files there: the run fails
    run = run_schedule(django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.FAILED

    (mail,) = smtp_server.wait_for(1)
    assert mail.message["Subject"] == "Homeroom: the sync of Cedar District failed"
    assert mail.message["To"] == "dora@cedar.example.org"
    assert "sky@homeroom.example.com" not in str(mail.message)  # Bcc: not in the headers
    assert sorted(mail.rcpt_tos) == ["dora@cedar.example.org", "sky@homeroom.example.com"]
    assert f"https://roster.example.org/manage/sync/runs/{run.pk}/" in mail.body
    assert run.failure_reason.split("\n")[0][:40] in mail.body
    assert "nothing was applied" in mail.body
    assert len(smtp_server.messages) == 1  # one per event


def test_a_held_sync_emails_the_administrators_only(
    sis,
    district,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    people(district)
    sis.users = [student(n) for n in range(1, 11)]
    sis.sync()
    sis.users = sis.users[3:]  # 3 of 10 students gone: over the 10% threshold
    sis.write()
    scheduled(district, sis.folder)
    run = run_schedule(django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.HELD

    (mail,) = smtp_server.wait_for(1)
    assert mail.message["Subject"] == "Homeroom: the sync of Cedar District is held for approval"
    assert mail.rcpt_tos == ["dora@cedar.example.org"]
    assert "3 of 10 synced students" in mail.body
    assert f"Approve or discard: https://roster.example.org/manage/sync/runs/{run.pk}/" in mail.body


def test_a_successful_sync_sends_nothing(
    sis,
    district,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    people(district)
    sis.users = [student(1)]
    sis.write()
    scheduled(district, sis.folder)
    assert run_schedule(django_capture_on_commit_callbacks).status == SyncRun.Status.SUCCEEDED
    assert smtp_server.wait_for(1, timeout=1) == []


def test_a_district_that_turned_alerts_off_gets_none(
    sis,
    district,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    people(district)
    district.email_alerts = False
    district.save()
    scheduled(district, sis.folder)
    assert run_schedule(django_capture_on_commit_callbacks).status == SyncRun.Status.FAILED
    assert smtp_server.wait_for(1, timeout=1) == []


def test_a_mail_server_that_is_down_does_not_fail_the_run(
    sis, district, settings, django_capture_on_commit_callbacks, caplog
):
    people(district)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    scheduled(district, sis.folder)
    run = run_schedule(django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.FAILED and run.finished_at is not None
    assert "Could not send the alert for sync run" in caplog.text


def test_a_sync_whose_worker_died_is_failed_and_alerted_once(district, smtp_server, settings):
    from datetime import timedelta

    from django.utils import timezone

    from rostering.liveness import fail_stale

    people(district)
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 60)
    run = SyncRun.objects.create(
        district=district, status=SyncRun.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    assert fail_stale() == 1
    assert fail_stale() == 0  # already failed: no second alert
    (mail,) = smtp_server.wait_for(1)
    assert mail.message["Subject"] == "Homeroom: the sync of Cedar District failed"
    assert "The background worker stopped while running this sync" in mail.body
    assert f"/manage/sync/runs/{run.pk}/" in mail.body
    assert sorted(mail.rcpt_tos) == ["dora@cedar.example.org", "sky@homeroom.example.com"]
    assert len(smtp_server.wait_for(2, timeout=1)) == 1
