"""Upload and preview: the file is kept in the database, checked, and nothing is written."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports import engine
from rostering.imports.models import ImportJob
from rostering.models import Student
from tests import factories

from .conftest import students_csv

UPLOAD = reverse("imports:upload")


def _upload(client, content: bytes, kind="students", name="students.csv"):
    return client.post(UPLOAD, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_page_offers_every_type_to_a_district_admin(client, district_admin):
    client.force_login(district_admin)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    offered = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert offered == ["students", "educators", "classes", "organizations", "oneroster", "clever"]


def test_upload_page_offers_teacher_only_students_and_classes(client, teacher):
    client.force_login(teacher)
    offered = [v for v, _ in client.get(UPLOAD).context["form"].fields["kind"].choices]
    assert offered == ["students", "classes"]


def test_fake_engine_upload_keeps_the_file_and_shows_preview_without_writing(
    client, world, district_admin, fake_engine
):
    factories.StudentFactory(school=world.school, username="ana", first_name="Anna")
    client.force_login(district_admin)
    content = students_csv(
        ("Ana", "Lopez", "ana", "North Elementary"),
        ("Ben", "Kim", "ben", "North Elementary"),
    )
    response = _upload(client, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:job", args=[job.pk])
    assert bytes(job.file_content) == content
    assert job.status == ImportJob.Status.CHECKED
    assert job.created_by == district_admin and job.district == world.district
    assert job.counts == {"created": 1, "updated": 1, "unchanged": 0, "errors": 0}
    # Nothing was written: Ben does not exist, Ana keeps her old name.
    assert not Student.objects.filter(username="ben").exists()
    assert Student.objects.get(username="ana").first_name == "Anna"

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="created">1<' in html and 'data-count="updated">1<' in html
    assert "<del" in html and "Anna" in html and "Ana" in html  # field-by-field difference
    assert "Confirm and import" in html
    assert "disabled" not in html.split("Confirm and import")[0].rsplit("<button", 1)[1]


def test_fake_engine_preview_lists_every_error_with_row_and_column_and_disables_confirm(
    client, district_admin, fake_engine
):
    client.force_login(district_admin)
    _upload(client, students_csv(("Ana", "Lopez", "", "North"), ("Ben", "Kim", "ben", "North")))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [
        {"row": 2, "column": "Username", "message": "Username is empty: type one."}
    ]
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "<td>2</td><td>Username</td><td>Username is empty: type one.</td>" in html
    assert "1 error: nothing will be written." in html
    confirm_button = html.split("Confirm and import")[0].rsplit("<button", 1)[1]
    assert "disabled" in confirm_button
    assert "Download the rows with errors" in html


def test_fake_engine_confirm_is_refused_for_a_file_with_errors(
    client, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    _upload(client, students_csv(("Ana", "Lopez", "", "North"), ("Ben", "Kim", "ben", "North")))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:job_confirm", args=[job.pk]), follow=True)
    assert "cannot be confirmed" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert not Student.objects.filter(username="ben").exists()
    assert [c[0] for c in fake_engine.calls] == ["check"]


def test_fake_engine_thousands_of_errors_are_paginated_with_a_count(
    client, district_admin, fake_engine
):
    client.force_login(district_admin)
    rows = [("Kid", "Doe", "", "North")] * 2500
    _upload(client, students_csv(*rows))
    job = ImportJob.objects.get()
    url = reverse("imports:job", args=[job.pk])
    html = client.get(url).content.decode()
    assert "Showing errors 1–100 of 2500." in html
    assert html.count("Username is empty") == 100
    assert "Page 1 of 25" in html
    last = client.get(url, {"errors_page": 25}).content.decode()
    assert "<td>2501</td><td>Username</td>" in last


def test_fake_engine_error_file_repeats_the_bad_rows_with_their_message(
    client, district_admin, fake_engine
):
    client.force_login(district_admin)
    _upload(client, students_csv(("Ana", "Lopez", "", "North"), ("Ben", "Kim", "ben", "North")))
    job = ImportJob.objects.get()
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="students-errors.csv"'
    lines = response.content.decode().splitlines()
    assert lines == [
        "First Name,Last Name,Username,Organizations,Errors",
        "Ana,Lopez,,North,Username is empty: type one.",
    ]


def test_an_empty_upload_gets_a_clear_message_and_no_job(client, district_admin):
    client.force_login(district_admin)
    response = _upload(client, b"", name="empty.csv")
    assert response.status_code == 200
    assert "The file is empty." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_checking(
    client, district_admin, fake_engine, settings
):
    settings.UPLOAD_MAX_FILE_MB = 100 / (1024 * 1024)
    client.force_login(district_admin)
    response = _upload(client, b"x" * 101, name="big.csv")
    assert "big.csv is larger than" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert fake_engine.calls == []


def test_fake_engine_a_file_the_engine_cannot_open_gets_a_plain_message_and_is_not_kept(
    client, district_admin, fake_engine, monkeypatch
):
    def cannot_open(**kwargs):
        raise ValueError("bad zip header")

    monkeypatch.setattr(engine, "check_file", cannot_open)
    client.force_login(district_admin)
    response = client.post(
        UPLOAD,
        {"kind": "students", "file": SimpleUploadedFile("photo.jpg", b"\x00\x01garbage")},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not read photo.jpg. Save it as CSV (UTF-8)" in html
    assert "Traceback" not in html
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert bytes(job.file_content) == b""  # a refused upload does not keep its file
