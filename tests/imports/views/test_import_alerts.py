"""Issue 12: an import that fails emails the district's administrators and support once;
the district's administrators turn alerts off on the Organization page (nobody else can)."""

from __future__ import annotations

import logging

from django.urls import reverse

from rostering.imports.models import ImportJob
from tests import factories

from .test_end_to_end_real_engine import _filled_template, _row, _upload


def _failed_import(client, world, district_admin, capture) -> ImportJob:
    client.force_login(district_admin)
    job = _upload(
        client,
        _filled_template(client, [_row("Ana", "Lopez", "ana.lopez", "1", world.school.name)]),
    )
    assert job.status == ImportJob.Status.CHECKED, job.errors
    # Meanwhile another district's student takes the username: the commit is refused.
    factories.StudentFactory(school=world.outsider_school, username="ana.lopez")
    with capture(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    return job


def test_a_failed_import_emails_the_administrators_and_support_once(
    client,
    world,
    district_admin,
    support,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    district_admin.email = "dana@maple.example.org"
    district_admin.save()
    support.email = "sky@homeroom.example.com"
    support.save()
    job = _failed_import(client, world, district_admin, django_capture_on_commit_callbacks)

    (mail,) = smtp_server.wait_for(1)
    assert mail.message["Subject"] == "Homeroom: an import into Maple District failed"
    assert sorted(mail.rcpt_tos) == ["dana@maple.example.org", "sky@homeroom.example.com"]
    assert "students.csv" in mail.body and "nothing was written" in mail.body
    assert f"https://roster.example.org/manage/imports/{job.pk}/" in mail.body
    assert len(smtp_server.wait_for(2, timeout=1)) == 1


def test_job_start_and_end_are_logged_as_key_value_lines(
    client, world, district_admin, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.INFO, logger="homeroom.jobs")
    job = _failed_import(client, world, district_admin, django_capture_on_commit_callbacks)
    lines = [r.getMessage() for r in caplog.records if r.name == "homeroom.jobs"]
    assert f"event=job_start kind=import_check district=maple id={job.pk}" in lines
    assert f"event=job_start kind=import district=maple id={job.pk}" in lines
    (end,) = [line for line in lines if line.startswith("event=job_end kind=import ")]
    assert f"district=maple id={job.pk} outcome=failed duration_s=" in end


def test_a_district_admin_turns_alerts_off_and_on(client, world, district_admin):
    client.force_login(district_admin)
    page = client.get(reverse("rostering:organization")).content.decode()
    assert "Email alerts" in page and 'name="email_alerts"' in page and "checked" in page
    response = client.post(reverse("rostering:organization_alerts"), {}, follow=True)
    assert "Email alerts are off." in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.email_alerts is False
    client.post(reverse("rostering:organization_alerts"), {"email_alerts": "on"})
    world.district.refresh_from_db()
    assert world.district.email_alerts is True


def test_school_admins_and_teachers_cannot_turn_alerts_off(client, world, school_admin, teacher):
    for user in (school_admin, teacher):
        client.force_login(user)
        assert (
            'name="email_alerts"'
            not in client.get(reverse("rostering:organization")).content.decode()
        )
        assert client.post(reverse("rostering:organization_alerts"), {}).status_code == 403
    world.district.refresh_from_db()
    assert world.district.email_alerts is True


def test_an_outsider_cannot_change_another_districts_alerts(client, world, outsider):
    client.force_login(outsider)
    client.post(reverse("rostering:organization_alerts"), {})
    world.district.refresh_from_db()
    assert world.district.email_alerts is True  # the outsider's own district at most


def test_turning_alerts_off_needs_a_post(client, district_admin):
    client.force_login(district_admin)
    assert client.get(reverse("rostering:organization_alerts")).status_code == 405


def test_an_import_whose_worker_died_is_failed_and_alerted(
    world, district_admin, smtp_server, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from rostering.liveness import fail_stale

    district_admin.email = "dana@maple.example.org"
    district_admin.save()
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 60)
    job = ImportJob.objects.create(
        district=world.district,
        kind="students",
        created_by=district_admin,
        file_name="big.csv",
        status=ImportJob.Status.RUNNING,
        heartbeat_at=long_ago,
    )
    assert fail_stale() == 1
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["dana@maple.example.org"]
    assert "big.csv" in mail.body and "stopped while importing this file" in mail.body
    assert f"/manage/imports/{job.pk}/" in mail.body
