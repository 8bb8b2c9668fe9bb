"""Sync now and Preview queue a run through the task; the run pages show what it did."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from rostering.models import Student
from rostering.sync.models import SyncRun
from tests.on_commit import enqueued

from .conftest import sis_student, sis_zip, upload_source


def _post(client, user, name, capture):
    client.force_login(user)
    with capture(execute=True) as callbacks:
        response = client.post(reverse(name))
    return response, callbacks


def test_sync_now_queues_the_run_after_commit_and_the_task_applies_it(
    client, world, district_admin, configured, django_capture_on_commit_callbacks
):
    response, callbacks = _post(
        client, district_admin, "sync:sync_now", django_capture_on_commit_callbacks
    )

    run = SyncRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("sync:run", args=[run.pk])
    assert len(enqueued(callbacks)) == 1  # enqueued once the request's transaction commits
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED and not run.dry_run
    assert run.trigger == SyncRun.Trigger.MANUAL and run.created_by == district_admin
    assert run.task_id
    assert set(Student.objects.values_list("username", flat=True)) == {"kid1", "kid2"}


def test_the_finished_run_page_shows_its_counts(
    client, world, district_admin, configured, django_capture_on_commit_callbacks
):
    _post(client, district_admin, "sync:sync_now", django_capture_on_commit_callbacks)
    run = SyncRun.objects.get()

    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()

    assert "Succeeded" in html
    assert 'data-count="created">4<' in html  # 2 students, a teacher, a class
    assert 'data-count="deactivated">0<' in html
    assert "sync-run.js" not in html  # nothing left to wait for


def test_preview_writes_nothing_and_shows_what_would_be_created(
    client, world, district_admin, configured, django_capture_on_commit_callbacks
):
    _post(client, district_admin, "sync:preview", django_capture_on_commit_callbacks)
    run = SyncRun.objects.get()

    assert run.status == SyncRun.Status.PREVIEWED and run.dry_run
    assert not Student.objects.exists()
    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    assert "A dry run: nothing was changed" in html
    assert "Would be created" in html and "Kid1 Sis (kid1)" in html


def test_preview_shows_a_taken_over_record_field_by_field(
    client, world, district_admin, configured, django_capture_on_commit_callbacks
):
    from tests import factories

    factories.StudentFactory(school=world.school, first_name="Timothy", external_id="1001")
    upload_source(world.district, sis_zip(users=[sis_student(1, givenName="Tim")]))
    _post(client, district_admin, "sync:preview", django_capture_on_commit_callbacks)
    run = SyncRun.objects.get()

    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()

    assert "Would be taken over" in html
    assert "First name</span>: <del" in html
    assert ">Timothy</del>" in html and "Tim</li>" in html


def test_sync_now_is_refused_while_a_run_is_queued(client, world, district_admin, configured):
    SyncRun.objects.create(district=world.district, status=SyncRun.Status.QUEUED)
    client.force_login(district_admin)

    response = client.post(reverse("sync:sync_now"), follow=True)

    assert SyncRun.objects.count() == 1
    assert "already queued or running" in response.content.decode()


def test_sync_now_is_refused_while_a_held_run_waits(client, district_admin, held_run):
    client.force_login(district_admin)
    runs = SyncRun.objects.count()

    response = client.post(reverse("sync:sync_now"), follow=True)

    assert SyncRun.objects.count() == runs
    assert "approve or discard it first" in response.content.decode()


def test_sync_now_without_a_source_says_to_set_one_up(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("sync:sync_now"), follow=True)
    assert not SyncRun.objects.exists()
    assert "Set up the source first" in response.content.decode()


def test_a_queued_run_page_says_so_and_polls_its_status(client, world, district_admin):
    run = SyncRun.objects.create(district=world.district, status=SyncRun.Status.RUNNING)
    client.force_login(district_admin)

    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    status = client.get(reverse("sync:run_status", args=[run.pk])).json()

    assert "Running" in html and "refreshes by itself" in html and "sync-run.js" in html
    assert status == {"status": "running", "label": "Running", "finished": False, "warning": ""}


def test_the_runs_list_shows_when_status_and_counts(client, world, district_admin):
    SyncRun.objects.create(
        district=world.district,
        status=SyncRun.Status.SUCCEEDED,
        counts={"created": 7, "updated": 3, "claimed": 2, "deactivated": 1, "unchanged": 40},
        warnings=[{"file": "users.csv", "row": 2, "record": "u1", "message": "odd"}],
    )
    client.force_login(district_admin)

    html = client.get(reverse("sync:home")).content.decode()

    assert "Succeeded" in html and "Sync now" in html
    for number in (">7<", ">3<", ">2<", ">1<", ">40<"):
        assert number in html
    assert "1 warning" in html


def test_a_failed_run_shows_why(client, world, district_admin):
    run = SyncRun.objects.create(
        district=world.district,
        status=SyncRun.Status.FAILED,
        failure_reason="This is not a OneRoster CSV set.",
    )
    client.force_login(district_admin)
    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    assert "Nothing was applied." in html and "This is not a OneRoster CSV set." in html


def test_the_problems_are_listed_record_by_record_and_paginated(client, world, district_admin):
    errors = [
        {"file": "users.csv", "row": n, "record": f"stu-{n}", "message": f"Broken {n}"}
        for n in range(2, 62)
    ]
    run = SyncRun.objects.create(
        district=world.district, status=SyncRun.Status.SUCCEEDED, errors=errors
    )
    client.force_login(district_admin)

    first = client.get(reverse("sync:run", args=[run.pk])).content.decode()
    second = client.get(reverse("sync:run", args=[run.pk]), {"errors_page": 2}).content.decode()

    assert "Broken 2<" in first and "Broken 51<" in first and "Broken 52<" not in first
    assert "Broken 52<" in second and "Page 2 of 2" in second


def test_the_problems_download_is_csv_and_formula_safe(client, world, district_admin):
    run = SyncRun.objects.create(
        district=world.district,
        status=SyncRun.Status.SUCCEEDED,
        errors=[{"file": "users.csv", "row": 3, "record": "=HYPERLINK(1)", "message": "Bad"}],
        warnings=[{"file": "orgs.csv", "row": 2, "record": "o1", "message": "Case fixed"}],
    )
    client.force_login(district_admin)

    response = client.get(reverse("sync:run_problems", args=[run.pk]))

    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Level", "File", "Row", "Record", "Problem"]
    assert rows[1] == ["Error", "users.csv", "3", "'=HYPERLINK(1)", "Bad"]
    assert rows[2] == ["Warning", "orgs.csv", "2", "o1", "Case fixed"]


def test_a_runs_grade_changes_read_as_grade_labels():
    from rostering.sync.views_runs import _plan_item

    item = _plan_item({"kind": "student", "changes": {"grade": ["03", "KG"]}})
    assert item["change_list"] == [{"field": "Grade", "old": "Grade 3", "new": "Kindergarten"}]


def test_preview_says_which_identifier_matched_and_warns_of_a_username_only_take_over(
    client, world, district_admin, configured, django_capture_on_commit_callbacks
):
    from tests import factories

    factories.StudentFactory(school=world.school, username="kid1", external_id="55555")
    upload_source(world.district, sis_zip(users=[sis_student(1)]))
    _post(client, district_admin, "sync:preview", django_capture_on_commit_callbacks)
    run = SyncRun.objects.get()

    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()

    assert "Would be taken over" in html
    assert "data-matched-by>Matched by Username</div>" in html
    assert "by username alone" in html and "&quot;55555&quot;" in html


def test_the_preview_page_says_how_many_sis_passwords_it_sets_and_never_shows_one(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    users = [sis_student(1, password="tiger42"), sis_student(2, password="otter77")]
    upload_source(world.district, sis_zip(users=users))
    _post(client, district_admin, "sync:preview", django_capture_on_commit_callbacks)
    run = SyncRun.objects.get()

    html = client.get(reverse("sync:run", args=[run.pk])).content.decode()

    assert "2 student passwords to set from the SIS" in html
    assert "tiger42" not in html and "otter77" not in html
