"""Who may import what, and whose imports they see: each rule tried by someone it refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import Student

from .conftest import students_csv


def _job(world, user, **kwargs) -> ImportJob:
    defaults = dict(
        district=world.district,
        kind="students",
        created_by=user,
        file_name="kids.csv",
        file_content=students_csv(("Ben", "Kim", "ben", "North")),
        status=ImportJob.Status.CHECKED,
        counts={"created": 1, "updated": 0, "unchanged": 0, "errors": 0},
    )
    defaults.update(kwargs)
    return ImportJob.objects.create(**defaults)


@pytest.mark.parametrize("kind", ["educators", "organizations", "oneroster", "clever"])
def test_teacher_posting_an_import_of_another_type_is_refused_and_nothing_is_kept(
    client, teacher, fake_engine, kind
):
    client.force_login(teacher)
    response = client.post(
        reverse("imports:upload"),
        {"kind": kind, "file": SimpleUploadedFile("x.csv", b"First Name\r\nA\r\n")},
    )
    assert response.status_code == 200  # the form refuses a kind it does not offer
    assert "Select a valid choice" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert fake_engine.calls == []


def test_job_create_refuses_a_teachers_educator_import_even_without_the_form(teacher, world):
    from django.core.exceptions import PermissionDenied

    from rostering.imports import jobs

    with pytest.raises(PermissionDenied):
        jobs.job_create(actor=teacher, kind="educators", file_name="e.csv", content=b"x")
    with pytest.raises(PermissionDenied):  # a Clever set carries every kind of record
        jobs.job_create(actor=teacher, kind="clever", file_name="c.zip", content=b"x")
    assert not ImportJob.objects.exists()


def test_school_admin_cannot_import_organizations(client, school_admin, fake_engine):
    client.force_login(school_admin)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "organizations", "file": SimpleUploadedFile("o.csv", b"Name\r\nX\r\n")},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_teacher_can_import_students_with_fake_engine(client, teacher, fake_engine):
    client.force_login(teacher)
    client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": SimpleUploadedFile("s.csv", students_csv())},
    )
    assert ImportJob.objects.get().created_by == teacher
    assert fake_engine.calls == [("check", "students", teacher)]


@pytest.mark.parametrize(
    "name,method",
    [
        ("imports:job", "get"),
        ("imports:job_status", "get"),
        ("imports:job_errors", "get"),
        ("imports:job_result", "get"),
        ("imports:job_confirm", "post"),
        ("imports:job_undo", "post"),
    ],
)
def test_outsider_gets_404_for_every_page_of_another_districts_import(
    client, world, district_admin, outsider, name, method, django_capture_on_commit_callbacks
):
    job = _job(world, district_admin)
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(reverse(name, args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert not Student.objects.filter(username="ben").exists()


def test_teacher_cannot_open_the_district_admins_import(client, world, district_admin, teacher):
    job = _job(world, district_admin, kind="educators")
    client.force_login(teacher)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404


def test_district_admin_sees_a_teachers_import(client, world, district_admin, teacher):
    job = _job(world, teacher)
    client.force_login(district_admin)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 200


def test_teacher_cannot_confirm_an_educators_job_of_theirs_even_if_one_existed(
    client, world, teacher, fake_engine, django_capture_on_commit_callbacks
):
    job = _job(world, teacher, kind="educators")
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert fake_engine.calls == []


def test_signed_in_user_without_a_role_gets_403(client, db):
    from tests import factories

    client.force_login(factories.UserFactory())
    assert client.get(reverse("imports:home")).status_code == 403
    assert client.get(reverse("imports:upload")).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("imports:home"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_support_staff_upload_through_the_admin_not_the_portal(client, support, fake_engine):
    client.force_login(support)
    assert "New import" not in client.get(reverse("imports:home")).content.decode()
    response = client.post(
        reverse("imports:upload"),
        {"kind": "students", "file": SimpleUploadedFile("s.csv", students_csv())},
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and fake_engine.calls == []
