"""The settings page: source, External Assigned ID, schedule, hold threshold, shared fields."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.models import SyncConfiguration
from rostering.sync.models import SyncSource
from tests import hostile_files as hostile
from tests.oneroster.csvset import set_files

from .conftest import sis_zip

VALID = {
    "source_type": "oneroster_upload",
    "folder_path": "",
    "external_id_field": "identifier",
    "username_field": "username",
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


def test_the_district_chooses_the_username_column_and_the_page_says_so(
    client, world, district_admin
):
    upload = SimpleUploadedFile("maple-sis.zip", sis_zip())
    _save(client, district_admin, {"snapshot_file": upload}, username_field="email")

    assert SyncSource.objects.get(district=world.district).username_field == "email"
    html = client.get(reverse("sync:home")).content.decode()
    assert "Username from" in html and "OneRoster email" in html


def test_a_username_column_that_is_not_offered_is_refused(client, world, district_admin):
    upload = SimpleUploadedFile("maple-sis.zip", sis_zip())
    response = _save(client, district_admin, {"snapshot_file": upload}, username_field="password")

    assert response.status_code == 200
    assert not SyncSource.objects.filter(district=world.district, username_field="password")


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
    assert "Choose the zip of your SIS's files to upload." in _errors(response)


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


# ---- the uploaded zip is judged at save time, from each file's first row ------------------

USERS_HEADER = "sourcedId,username,givenName,familyName\n"
NOT_ONEROSTER_USERS = (
    "junk.zip is not a OneRoster CSV set: the first row of users.csv lacks the OneRoster "
    "column(s) sourcedId, username, givenName, familyName. Export the set again from your SIS, "
    "with the OneRoster column names in the first row of each file."
)
DAMAGED = (
    "users.csv in junk.zip is damaged, protected by a password or compressed in a way we cannot "
    "read. Zip the CSV files (OneRoster or Clever) again, without a password, and upload the new "
    "zip."
)


def _upload(client, user, data: bytes, name: str = "junk.zip"):
    return _save(client, user, {"snapshot_file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    "users_csv",
    [
        pytest.param(b"hello,world\n1,2\n", id="a spreadsheet that is not OneRoster"),
        pytest.param(bytes(range(256)) * 40, id="binary junk"),
        pytest.param(b"A" * (20 * 1024 * 1024), id="one endless row, 20 MB"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_zip_whose_users_csv_is_not_oneroster_is_refused(
    client, world, district_admin, users_csv
):
    response = _upload(client, district_admin, _zip(**{"users.csv": users_csv}))

    assert response.status_code == 200
    assert _errors(response) == NOT_ONEROSTER_USERS
    assert not SyncSource.objects.exists()


def test_a_zip_with_a_junk_classes_csv_is_refused_naming_it(client, world, district_admin):
    data = _zip(**{"users.csv": USERS_HEADER, "classes.csv": "x,y,z\n1,2,3\n"})

    response = _upload(client, district_admin, data)

    assert "the first row of classes.csv lacks the OneRoster column(s)" in _errors(response)
    assert not SyncSource.objects.exists()


def _encrypted_zip() -> bytes:
    """users.csv flagged as encrypted (general-purpose bit 0), so reading needs a password."""
    data = bytearray(_zip(**{"users.csv": USERS_HEADER}))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def _bad_crc_zip() -> bytes:
    data = _zip(**{"users.csv": USERS_HEADER + "stu-1,kid1,Kid,One\n"})
    return data.replace(b"kid1,Kid,One", b"kid1,Kid,Two", 1)


@pytest.mark.parametrize(
    "data",
    [pytest.param(_encrypted_zip(), id="encrypted"), pytest.param(_bad_crc_zip(), id="bad crc")],
)
def test_a_damaged_or_encrypted_zip_is_refused_with_a_sentence(
    client, world, district_admin, data
):
    response = _upload(client, district_admin, data)

    assert response.status_code == 200
    assert _errors(response) == DAMAGED
    assert not SyncSource.objects.exists()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: hostile.zip_bomb(), "(it looks like a zip bomb)"),
        (lambda: hostile.oneroster_expanding_zip(1), "bomb.zip"),
        (lambda: hostile.many_members_zip(), "There are too many files in bomb.zip"),
    ],
    ids=["10 MB bomb", "1 GB once unzipped", "60,000 files"],
)
def test_a_zip_over_the_limits_is_refused_on_the_field_without_being_unzipped(
    client, world, district_admin, make, words
):
    response = _upload(client, district_admin, make(), name="bomb.zip")

    assert response.status_code == 200
    [message] = response.context["form"].errors["snapshot_file"]
    assert words in message and "bomb.zip" in message
    assert not SyncSource.objects.exists()


@pytest.mark.parametrize(
    "folder",
    [
        "oneroster-moodle-enrol-fixtures/v1p1-bulk-full",
        "oneroster-moodle-enrol-fixtures/v1p1-bulk-minimal",
        "oneroster-moodle-enrol-fixtures/v1p2-bulk",
        "oneroster-moodle-enrol-fixtures/v1p2-delta",
        "oneroster-oat-sa-v1p1-base",
    ],
)
def test_real_oneroster_exports_are_accepted(client, world, district_admin, folder):
    from rostering.oneroster import load_files, zip_files
    from tests.sync.engine.test_real_sets import DATA

    response = _upload(client, district_admin, zip_files(load_files(DATA / folder)), "sis.zip")

    assert response.status_code == 302, _errors(response)
    assert SyncSource.objects.get(district=world.district).uploaded_name == "sis.zip"


def test_a_folder_whose_users_csv_is_not_oneroster_is_refused(
    client, world, district_admin, maple_home
):
    (maple_home / "users.csv").write_text("hello,world\n1,2\n")

    response = _save(
        client, district_admin, source_type="oneroster_folder", folder_path=str(maple_home)
    )

    assert _errors(response) == NOT_ONEROSTER_USERS.replace("junk.zip", f"The folder {maple_home}")
