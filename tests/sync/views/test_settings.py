"""The settings page: source, External Assigned ID, schedule, hold threshold, shared fields."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.models import SyncConfiguration
from rostering.sync.models import SyncSource
from tests.oneroster.csvset import set_files

from .conftest import sis_zip

VALID = {
    "source_type": "oneroster_upload",
    "folder_path": "",
    "external_id_field": "identifier",
    "schedule": "off",
    "weekday": "0",
    "time_of_day": "02:00",
    "hold_threshold_percent": "10",
}


def _save(client, user, files=None, **changes):
    client.force_login(user)
    return client.post(reverse("sync:settings"), {**VALID, **changes, **(files or {})})


def _zip(**files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def _errors(response) -> str:
    return " ".join(" ".join(errors) for errors in response.context["form"].errors.values())


def test_uploading_a_oneroster_zip_saves_the_source_and_schedule(client, world, district_admin):
    upload = SimpleUploadedFile("maple-sis.zip", sis_zip())

    response = _save(
        client,
        district_admin,
        {"snapshot_file": upload},
        external_id_field="sourcedId",
        schedule="weekly",
        weekday="2",
        time_of_day="05:30",
        hold_threshold_percent="25",
        shared_student=["email", "grade"],
        shared_educator=["email"],
    )

    assert response.status_code == 302 and response.url == reverse("sync:home")
    source = SyncSource.objects.get(district=world.district)
    assert source.uploaded_name == "maple-sis.zip" and bytes(source.uploaded_snapshot)
    assert (source.external_id_field, source.schedule, source.weekday) == ("sourcedId", "weekly", 2)
    assert source.time_of_day.strftime("%H:%M") == "05:30" and source.hold_threshold_percent == 25
    config = SyncConfiguration.objects.get(district=world.district)
    assert config.shared_fields == {"student": ["email", "grade"], "educator": ["email"]}
    html = client.get(reverse("sync:home")).content.decode()
    assert "maple-sis.zip" in html and "Weekly on Wednesday at 05:30" in html


def test_unticking_every_shared_field_leaves_the_sis_sending_none(client, world, district_admin):
    _save(client, district_admin, {"snapshot_file": SimpleUploadedFile("a.zip", sis_zip())})
    assert SyncConfiguration.objects.get(district=world.district).shared_fields == {}


def test_a_file_that_is_not_a_zip_is_refused_with_its_name(client, world, district_admin):
    upload = SimpleUploadedFile("students.csv", b"First Name,Last Name\nAna,Lopez\n")

    response = _save(client, district_admin, {"snapshot_file": upload})

    assert response.status_code == 200
    assert "students.csv is not a zip file" in _errors(response)
    assert not SyncSource.objects.exists()


def test_a_zip_that_is_not_oneroster_is_refused_saying_what_it_holds(
    client, world, district_admin
):
    upload = SimpleUploadedFile("photos.zip", _zip(**{"grades.csv": "a,b\n1,2\n"}))

    response = _save(client, district_admin, {"snapshot_file": upload})

    message = _errors(response)
    assert "photos.zip is not a OneRoster CSV set" in message and "grades.csv" in message
    assert not SyncSource.objects.exists()


def test_an_upload_source_needs_a_zip_the_first_time(client, world, district_admin):
    response = _save(client, district_admin)
    assert "Choose the OneRoster zip to upload." in _errors(response)


def test_saving_again_keeps_the_zip_uploaded_before(client, world, district_admin, configured):
    response = _save(client, district_admin, schedule="daily")
    assert response.status_code == 302
    configured.refresh_from_db()
    assert configured.schedule == "daily" and configured.uploaded_name == "maple.zip"


def test_a_folder_that_does_not_exist_is_refused(client, world, district_admin, maple_home):
    missing = maple_home / "nowhere"
    response = _save(
        client, district_admin, source_type="oneroster_folder", folder_path=str(missing)
    )
    assert f"The folder {missing} does not exist on the server" in _errors(response)
    assert not SyncSource.objects.exists()


def test_a_folder_without_users_csv_is_refused(client, world, district_admin, maple_home):
    (maple_home / "orgs.csv").write_text("sourcedId,name,type\n")
    response = _save(
        client, district_admin, source_type="oneroster_folder", folder_path=str(maple_home)
    )
    assert "is not a OneRoster CSV set: it has no users.csv (found orgs.csv)" in _errors(response)


def test_a_oneroster_folder_is_saved(client, world, district_admin, maple_home):
    for name, text in set_files(users=[]).items():
        (maple_home / name).write_text(text)

    response = _save(
        client, district_admin, source_type="oneroster_folder", folder_path=f"{maple_home}/"
    )

    assert response.status_code == 302
    source = SyncSource.objects.get(district=world.district)
    assert source.source_type == "oneroster_folder" and source.folder_path == str(maple_home)


def test_the_page_offers_the_districts_own_folder(client, world, district_admin, maple_home):
    client.force_login(district_admin)
    html = client.get(reverse("sync:settings")).content.decode()
    assert f"{maple_home}, or a folder inside it" in html
    assert 'value="oneroster_folder"' in html


def test_another_districts_folder_is_refused(client, world, district_admin, maple_home):
    oak = maple_home.parent / world.other_district.slug
    oak.mkdir()
    for name, text in set_files(users=[]).items():
        (oak / name).write_text(text)

    response = _save(client, district_admin, source_type="oneroster_folder", folder_path=str(oak))

    assert f"{oak} is not your district's SIS folder. Give {maple_home}" in _errors(response)
    assert not SyncSource.objects.filter(district=world.district).exists()


def test_a_folder_outside_the_configured_root_is_refused(
    client, world, district_admin, maple_home
):
    response = _save(client, district_admin, source_type="oneroster_folder", folder_path="/etc")
    assert _errors(response) == (
        f"/etc is not your district's SIS folder. Give {maple_home} or a folder inside it."
    )


@pytest.mark.parametrize("percent", ["0", "101"])
def test_the_hold_threshold_is_a_percentage(client, world, district_admin, configured, percent):
    response = _save(client, district_admin, hold_threshold_percent=percent)
    assert response.status_code == 200
    assert "hold_threshold_percent" in response.context["form"].errors
    configured.refresh_from_db()
    assert configured.hold_threshold_percent == 10


def test_a_field_the_sis_cannot_send_is_refused(client, world, district_admin, configured):
    before = SyncConfiguration.objects.get(district=world.district).shared_fields
    response = _save(client, district_admin, shared_student=["first_name"])
    assert "first_name is not one of the available choices" in _errors(response)
    assert SyncConfiguration.objects.get(district=world.district).shared_fields == before
