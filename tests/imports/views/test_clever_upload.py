"""Issue 11: Clever's SFTP files (a zip) are offered on the import pages beside OneRoster, read
by the same Clever reader as `import_roster --type clever` and the sync, previewed and
committed like a OneRoster set."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.imports.models import ImportJob
from rostering.models import ClassGroup, Student
from rostering.passwords import decrypt_password
from rostering.sync.models import ProductRule
from tests import factories
from tests.clever.files import (
    CleverSchool,
    CleverSection,
    CleverStudent,
    CleverTeacher,
    csv_bytes,
    enrollment,
)

UPLOAD = reverse("imports:upload")


def clever_zip(world, *, password="tiger 42", **overrides) -> bytes:
    """Clever's five files, zipped: North Elementary (by School_number), a teacher, a section
    whose Section_number a product rule matches, and two students (kindergarten as "0")."""
    school = CleverSchool.build(
        School_id="clv-n", School_number=world.school.external_id, School_name=world.school.name
    )
    kids = [
        CleverStudent.build(
            School_id="clv-n",
            Student_id=f"s-{n}",
            Student_number=f"880{n}",
            Username=f"clever.kid{n}",
            First_name=f"Kid{n}",
            Grade="0",
            Password=password if n == 1 else "",
        )
        for n in (1, 2)
    ]
    teach = CleverTeacher.build(School_id="clv-n", Teacher_id="t-1", Username="ms.reed")
    section = CleverSection.build(
        School_id="clv-n", Section_id="sec-1", Teacher_id="t-1", Section_number="M3", Name="Math 3"
    )
    tables = {
        "schools": [school],
        "students": kids,
        "teachers": [teach],
        "sections": [section],
        "enrollments": [enrollment(section, kid) for kid in kids],
    }
    tables.update(overrides)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for stem, rows in tables.items():
            zf.writestr(f"{stem}.csv", csv_bytes(stem, rows))
    return buffer.getvalue()


def _ready(world):
    world.school.external_id = "N-100"
    world.school.save()
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.CLASS_CODE,
        pattern="M3",
        product=factories.ProductFactory(),
    )


def _upload(client, content: bytes, kind="clever", name="clever.zip") -> ImportJob:
    client.post(UPLOAD, {"kind": kind, "file": SimpleUploadedFile(name, content)})
    return ImportJob.objects.latest("pk")


def test_the_upload_page_offers_clever_files_beside_oneroster(client, district_admin):
    client.force_login(district_admin)

    page = client.get(UPLOAD).content.decode()

    assert "Clever SFTP export" in page and "OneRoster CSV" in page
    assert "OneRoster or Clever" in page  # the file's help says both
    assert ".zip" in page


def test_a_clever_zip_is_previewed_then_committed_with_its_classes_and_passwords(
    client, world, district_admin, django_capture_on_commit_callbacks
):
    _ready(world)
    client.force_login(district_admin)

    job = _upload(client, clever_zip(world))

    assert job.kind == "clever" and job.status == ImportJob.Status.CHECKED, job.errors
    assert job.errors == []
    assert job.counts["created"] == 4  # two students, a teacher, a class
    assert job.counts["updated"] == 0  # North Elementary, matched by School_number
    assert not Student.objects.filter(district=world.district).exists()  # the preview
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "clever.kid1" in preview and "Confirm and import" in preview
    assert "1 student password to set" in preview

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.failure_reason
    kid = Student.objects.get(district=world.district, username="clever.kid1")
    assert (kid.external_id, kid.grade) == ("8801", "KG")
    assert decrypt_password(kid.password_encrypted) == "tiger 42"
    group = ClassGroup.objects.get(district=world.district, name="Math 3")
    assert group.students.count() == 2
    assert list(group.educators.values_list("username", flat=True)) == ["ms.reed"]
    listed = client.get(reverse("imports:home")).content.decode()
    assert "Clever SFTP export" in listed  # the job's type in the list


def test_a_bad_clever_row_is_an_error_naming_clevers_file_row_and_column(
    client, world, district_admin
):
    _ready(world)
    client.force_login(district_admin)
    stray = CleverStudent.build(School_id="clv-n", Student_id="s-9", Last_name="")
    content = clever_zip(
        world,
        students=[
            *[
                CleverStudent.build(School_id="clv-n", Student_id=f"s-{n}", Username=f"k{n}")
                for n in (1, 2)
            ],
            stray,
        ],
    )

    job = _upload(client, content)

    assert job.status == ImportJob.Status.INVALID
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "students.csv" in page and "s-9" in page and "Last_name: is empty." in page
    assert not Student.objects.filter(district=world.district).exists()


def test_a_oneroster_zip_uploaded_as_clever_says_it_is_not_a_clever_set(
    client, world, district_admin
):
    client.force_login(district_admin)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("users.csv", "sourcedId,username\r\nu1,ana\r\n")

    job = _upload(client, buffer.getvalue())

    assert job.status == ImportJob.Status.INVALID
    assert "not a Clever SFTP set" in job.errors[0]["message"]
