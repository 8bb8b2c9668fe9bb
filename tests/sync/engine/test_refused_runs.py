"""Issue 11, honest results beyond the command line: an applied run that rostered none (or more
than the share refused) of what the SIS sent ends "refused", not "succeeded": the run page and
the history list say so, the administrators are told, and run_due_syncs exits 1 and logs it."""

from __future__ import annotations

import logging
from datetime import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from rostering.alerts import sync_run_alert
from rostering.models import Student
from rostering.sync.models import SyncRun, SyncSource
from tests import factories

from .conftest import student


def _scheduled(sis, district) -> None:
    sis.write()
    SyncSource.objects.filter(district=district).update(
        schedule="daily",
        time_of_day=time(0, 0),
        source_type="oneroster_folder",
        folder_path=str(sis.folder),
    )


def test_a_run_that_rosters_nobody_is_refused_with_its_sentence(sis):
    sis.users = [student(n, username="") for n in (1, 2, 3)]

    run = sis.sync()

    assert run.status == SyncRun.Status.REFUSED
    assert run.failure_reason.startswith("3 of 3 users were refused, none could be rostered.")
    assert "users.csv, row 2, stu-1" in run.failure_reason


def test_more_than_the_share_refused_is_refused_and_what_could_be_was_applied(sis):
    sis.users = [student(1), student(2, username=""), student(3, username="")]

    run = sis.sync()

    assert run.status == SyncRun.Status.REFUSED
    assert "more than the 50%" in run.failure_reason
    assert list(Student.objects.values_list("username", flat=True)) == ["kid1"]


def test_a_run_within_the_share_succeeds(sis):
    sis.users = [student(1), student(2, username="")]

    run = sis.sync()

    assert run.status == SyncRun.Status.SUCCEEDED and run.failure_reason == ""


def test_a_dry_run_stays_a_preview_even_when_it_would_be_refused(sis):
    sis.users = [student(1, username="")]

    run = sis.sync(dry_run=True)

    assert run.status == SyncRun.Status.PREVIEWED


def test_the_run_page_and_the_history_list_show_a_refused_run(client, sis, district):
    sis.users = [student(n, username="") for n in (1, 2)]
    run = sis.sync()
    client.force_login(
        factories.EducatorFactory(
            organization=district, username="dora", educator_type="administrator"
        ).user
    )

    page = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    listed = client.get(reverse("sync:home")).content.decode()

    assert "Refused (too few rostered)" in page and 'id="refusal-reason"' in page
    assert "2 of 2 users were refused, none could be rostered." in page
    assert "Succeeded" not in page
    assert "Refused (too few rostered)" in listed and "Succeeded" not in listed


def test_the_district_administrators_hear_of_a_refused_run(sis, district):
    district.email_alerts = True
    district.save()
    factories.EducatorFactory(
        organization=district,
        username="dora",
        educator_type="administrator",
        email="dora@cedar.example.org",
    )
    sis.users = [student(1, username="")]

    run = sis.sync()
    message = sync_run_alert(run)

    assert message is not None and message.to  # the district's administrators
    assert message.subject == "Homeroom: the sync of Cedar District was refused"
    assert "1 of 1 users was refused" in message.body


def test_run_due_syncs_exits_1_and_logs_a_refused_scheduled_run(
    transactional_db, sis, district, caplog
):
    """Committed for real, so the queued run runs (the test's immediate task backend) before
    the command looks at it, as a worker would have by the end of --wait."""
    sis.users = [student(1, username=""), student(2, username="")]
    _scheduled(sis, district)
    out, err = StringIO(), StringIO()

    with caplog.at_level(logging.WARNING, logger="homeroom.jobs"):
        with pytest.raises(SystemExit) as exit_info:
            call_command("run_due_syncs", stdout=out, stderr=err)

    assert exit_info.value.code == 1
    run = SyncRun.objects.get(district=district)
    assert run.trigger == "schedule" and run.status == SyncRun.Status.REFUSED
    assert "Cedar District" in err.getvalue() and "was refused" in err.getvalue()
    assert "2 of 2 users were refused" in err.getvalue()
    assert any("event=scheduled_sync_refused" in r.getMessage() for r in caplog.records)


def test_run_due_syncs_exits_0_when_the_scheduled_run_succeeds(transactional_db, sis, district):
    sis.users = [student(1)]
    _scheduled(sis, district)
    out, err = StringIO(), StringIO()

    call_command("run_due_syncs", stdout=out, stderr=err)

    assert SyncRun.objects.get(district=district).status == SyncRun.Status.SUCCEEDED
    assert err.getvalue() == ""
