"""The sync settings page offers Clever beside OneRoster: an uploaded Clever zip is judged as
Clever's files and is what the next sync reads."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.models import Student
from rostering.ownership import shared_fields_of
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from rostering.sync.services import sync_settings_save
from tests import factories

from .files import CleverSchool, CleverStudent, csv_bytes

SETTINGS = {
    "source_type": "oneroster_upload",
    "external_id_field": "identifier",
    "username_field": "username",
    "schedule": "off",
    "weekday": "0",
    "time_of_day": "02:00",
    "hold_threshold_percent": "10",
}


def _zip(files: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return SimpleUploadedFile("clever.zip", buffer.getvalue())


def _clever_files() -> dict[str, bytes]:
    return {
        "schools.csv": csv_bytes("schools", [CleverSchool.build(School_id="a")]),
        "students.csv": csv_bytes(
            "students",
            [CleverStudent.build(School_id="a", Sis_id="SIS-7", Username="kai.m", Grade="0")],
        ),
    }


def _admin(district):
    return factories.EducatorFactory(
        organization=district, username="dora", educator_type="administrator"
    ).user


def test_an_administrator_chooses_clever_uploads_its_zip_and_the_sync_reads_it(client, district):
    client.force_login(_admin(district))
    response = client.post(
        reverse("sync:settings"),
        {
            **SETTINGS,
            "source_format": "clever",
            "clever_id_column": "Sis_id",
            "shared_student": ["grade"],
            "snapshot_file": _zip(_clever_files()),
        },
    )
    assert response.status_code == 302, response.context["form"].errors

    source = SyncSource.objects.get(district=district)
    assert (source.source_format, source.clever_id_column) == ("clever", "Sis_id")
    assert "Clever SFTP files" in client.get(reverse("sync:home")).content.decode()
    run = run_sync(district=district, trigger=SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.SUCCEEDED, run.failure_reason or run.errors
    kai = Student.objects.get(username="kai.m")
    assert (kai.external_id, kai.grade) == ("SIS-7", "KG")


def test_with_clever_chosen_a_zip_without_students_csv_is_refused_by_name(client, district):
    client.force_login(_admin(district))
    response = client.post(
        reverse("sync:settings"),
        {
            **SETTINGS,
            "source_format": "clever",
            "snapshot_file": _zip({"users.csv": b"sourcedId,username\r\nu1,ann\r\n"}),
        },
    )

    assert response.status_code == 200
    errors = " ".join(" ".join(e) for e in response.context["form"].errors.values())
    assert "clever.zip is not a Clever SFTP set: it has no students.csv" in errors
    assert not SyncSource.objects.get(district=district).uploaded_snapshot


def test_with_clever_chosen_a_field_clevers_files_lack_cannot_be_shared(client, district):
    client.force_login(_admin(district))
    page = client.get(reverse("sync:settings")).content.decode()
    assert "Preferred first name (OneRoster only: not in Clever&#x27;s files)" in page

    response = client.post(
        reverse("sync:settings"),
        {
            **SETTINGS,
            "source_format": "clever",
            "shared_student": ["grade", "preferred_first_name"],
            "snapshot_file": _zip(_clever_files()),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["shared_student"] == [
        "Clever's files have no column for preferred first name: untick Preferred first name, "
        "or have the SIS send OneRoster files."
    ]
    assert "preferred_first_name" not in shared_fields_of(district.pk, "student")


def test_the_service_refuses_it_too_whoever_saves_the_settings(district):
    # The support admin's Sync source and Sync configuration pages save through it.
    SyncSource.objects.update_or_create(district=district, defaults={"source_format": "clever"})

    with pytest.raises(ValidationError) as refused:
        sync_settings_save(
            actor=None,
            district=district,
            values={},
            shared_fields={"educator": ["email", "preferred_first_name"]},
        )

    assert refused.value.messages == [
        "Clever's files have no column for preferred first name: untick Preferred first name, "
        "or have the SIS send OneRoster files."
    ]
    assert "preferred_first_name" not in shared_fields_of(district.pk, "educator")
