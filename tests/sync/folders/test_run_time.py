"""A folder checked when it was saved is checked again when the sync reads it: what changed on
disk since (a folder swapped for a link, a file swapped for one) is not read."""

from __future__ import annotations

import os
import shutil

from django.urls import reverse

from rostering.models import Student
from rostering.sync.models import SyncRun

from .conftest import read_by_others, through_page, write_set


def _sync_now(client, capture) -> SyncRun:
    with capture(execute=True):
        client.post(reverse("sync:sync_now"))
    return SyncRun.objects.get()


def test_a_saved_folder_that_became_a_link_to_oaks_is_not_read(
    client, world, district_admin, drop, django_capture_on_commit_callbacks
):
    sis = write_set(drop.maple / "sis", "maplekid")
    assert through_page(client, district_admin, str(sis)) == ""
    shutil.rmtree(sis)
    os.symlink(drop.oak, sis)

    run = _sync_now(client, django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.FAILED
    assert run.failure_reason == (
        f"{sis} is not your district's SIS folder. Give {drop.maple} or a folder inside it."
    )
    assert not Student.objects.exists()
    page = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    assert "is not your district&#x27;s SIS folder" in page


def test_a_users_csv_swapped_for_a_link_outside_after_saving_is_not_read(
    client, world, district_admin, drop, django_capture_on_commit_callbacks
):
    assert through_page(client, district_admin, str(drop.maple)) == ""
    (drop.maple / "users.csv").unlink()
    os.symlink(drop.outside / "users.csv", drop.maple / "users.csv")

    run = _sync_now(client, django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.FAILED
    assert run.failure_reason.startswith(
        f"users.csv in {drop.maple} is a link to a file outside your district's SIS folder"
    )
    assert not read_by_others() and not Student.objects.exists()


def test_a_saved_folder_that_is_still_the_districts_is_synced(
    client, world, district_admin, drop, django_capture_on_commit_callbacks
):
    assert through_page(client, district_admin, str(drop.maple)) == ""

    run = _sync_now(client, django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason
    assert set(Student.objects.values_list("username", flat=True)) == {"maplekid1", "maplekid2"}
