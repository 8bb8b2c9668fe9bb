"""A held run shows why and lets the district's administrators approve or discard it."""

from __future__ import annotations

from django.urls import reverse

from rostering.models import Student
from rostering.sync.models import SyncRun
from tests.on_commit import enqueued


def test_a_held_run_shows_why_what_it_would_deactivate_and_the_decision_buttons(
    client, district_admin, held_run
):
    client.force_login(district_admin)
    html = client.get(reverse("sync:run", args=[held_run.pk])).content.decode()

    assert "Held for approval." in html and "8 of 10 synced students (80%)" in html
    assert "Would be deactivated" in html and "Kid10 Sis (kid10)" in html
    assert "Approve and apply" in html and "Discard" in html


def test_the_overview_points_to_the_held_run(client, district_admin, held_run):
    client.force_login(district_admin)
    html = client.get(reverse("sync:home")).content.decode()
    assert "A run is waiting for your decision." in html
    assert reverse("sync:run", args=[held_run.pk]) in html


def test_approving_queues_the_run_and_the_task_applies_it(
    client, district_admin, held_run, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("sync:run_approve", args=[held_run.pk]))

    assert response.status_code == 302 and len(enqueued(callbacks)) == 1
    held_run.refresh_from_db()
    assert held_run.status == SyncRun.Status.SUCCEEDED
    assert held_run.decided_by == district_admin
    assert Student.objects.filter(is_active=False).count() == 8


def test_an_approved_run_waiting_for_the_worker_cannot_be_discarded(
    client, district_admin, held_run, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run it yet
        client.post(reverse("sync:run_approve", args=[held_run.pk]))

    page = client.get(reverse("sync:run", args=[held_run.pk])).content.decode()
    response = client.post(reverse("sync:run_discard", args=[held_run.pk]), follow=True)

    assert "applying the run" in page and "Approve and apply" not in page
    assert "approved already" in response.content.decode()
    held_run.refresh_from_db()
    assert held_run.status == SyncRun.Status.HELD


def test_discarding_applies_nothing(client, district_admin, held_run):
    client.force_login(district_admin)

    response = client.post(reverse("sync:run_discard", args=[held_run.pk]), follow=True)

    held_run.refresh_from_db()
    assert held_run.status == SyncRun.Status.DISCARDED and held_run.decided_by == district_admin
    assert not Student.objects.filter(is_active=False).exists()
    assert "nothing of this run was applied" in response.content.decode()


def test_a_run_that_is_not_held_cannot_be_approved(client, world, district_admin):
    run = SyncRun.objects.create(district=world.district, status=SyncRun.Status.SUCCEEDED)
    client.force_login(district_admin)

    response = client.post(reverse("sync:run_approve", args=[run.pk]), follow=True)

    assert "Only a held run can be approved." in response.content.decode()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED and run.decided_by is None
