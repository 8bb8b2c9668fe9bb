"""Bulk Create Students: one school chosen from the administrator's scope, students only."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import Student

from .conftest import students_csv

URL = reverse("imports:bulk_students")


def _post(client, school, content=None):
    content = content or students_csv(("Ben", "Kim", "ben", ""))
    return client.post(URL, {"school": school.pk, "file": SimpleUploadedFile("k.csv", content)})


def test_school_admin_is_offered_only_their_school(client, world, school_admin):
    client.force_login(school_admin)
    response = client.get(URL)
    assert list(response.context["form"].fields["school"].queryset) == [world.school]


def test_fake_engine_bulk_create_puts_the_students_in_the_chosen_school(
    client, world, district_admin, fake_engine, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    response = _post(client, world.other_school)
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:job", args=[job.pk])
    assert job.kind == "bulk_students" and job.school == world.other_school
    assert fake_engine.calls == [("check", "bulk_students", district_admin)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))
    ben = Student.objects.get(username="ben")
    assert list(ben.schools.all()) == [world.other_school]


def test_school_admin_posting_another_school_is_refused(client, world, school_admin, fake_engine):
    client.force_login(school_admin)
    response = _post(client, world.other_school)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ImportJob.objects.exists() and fake_engine.calls == []


def test_outsider_posting_a_school_of_another_district_is_refused(
    client, world, outsider, fake_engine
):
    client.force_login(outsider)
    _post(client, world.school)
    assert not ImportJob.objects.exists() and fake_engine.calls == []


def test_teacher_has_no_bulk_create(client, world, teacher, fake_engine):
    client.force_login(teacher)
    assert client.get(URL).status_code == 403
    assert _post(client, world.school).status_code == 403
    assert not ImportJob.objects.exists()
