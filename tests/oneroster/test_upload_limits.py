"""Issue 9, finding 2, OneRoster sets: zips are judged from their directory before anything is
decompressed (how many files, how large once unzipped, how much each expands) and again while
reading; a cell past csv's field limit names its file and row. Each refusal is a SnapshotError
with a sentence, so the import writes nothing and the sync run fails with the reason.
(Memory is measured in tests/rostering/test_upload_memory.py.)"""

from __future__ import annotations

import os
import zipfile

import pytest
from django.test import override_settings

from rostering.imports.engine import ImportRejected
from rostering.models import Organization, Student
from rostering.oneroster import SnapshotError, load_files, read_snapshot
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from tests import factories
from tests import hostile_files as hostile
from tests.imports.engine.conftest import check, commit


def refusal(source) -> str:
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(load_files(source))
    return str(caught.value)


def test_a_1_mb_zip_expanding_to_1_gb_is_refused_from_its_directory():
    content = hostile.oneroster_expanding_zip()
    assert len(content) < 1.5 * 1024 * 1024

    assert refusal(content).startswith(
        "enrollments.csv in the uploaded file expands more than 100 times when unzipped"
    )


def test_a_10_mb_zip_bomb_is_refused_from_its_directory():
    assert "(it looks like a zip bomb)" in refusal(hostile.zip_bomb())


@pytest.mark.parametrize("declared", [None, 3], ids=["honest", "end-record-says-3"])
def test_a_zip_of_60000_files_is_refused(declared):
    message = refusal(hostile.many_members_zip(declared_count=declared))

    assert message.startswith("There are too many files in the uploaded file: more than 500")


def test_a_member_holding_more_than_its_header_says_is_refused_while_reading():
    message = refusal(hostile.oneroster_lying_zip())

    assert message.startswith("enrollments.csv in the uploaded file is damaged")


def test_a_member_in_an_unsupported_compression_is_a_sentence_not_a_traceback():
    members = hostile.oneroster_members()
    users = members[2]
    members[2] = hostile.Member(users.name, users.compressed, users.size, users.crc, method=9)

    assert refusal(hostile.raw_zip(members)).startswith(
        "users.csv in the uploaded file is damaged, protected by a password or compressed in a way"
    )


@override_settings(UPLOAD_MAX_IMPORT_MB=1)
def test_a_set_over_the_import_size_setting_is_refused_before_it_is_unzipped():
    users = hostile.USERS_HEADER + "".join(
        f"u{n},,,true,sch-1,student,{os.urandom(8).hex()},Ana,Lopez\r\n" for n in range(40_000)
    )
    content = hostile.raw_zip(hostile.oneroster_members(users))

    message = refusal(content)

    assert message.startswith(
        "The files in the uploaded file would take 3 MB once unzipped; at most 1 MB can be read."
    )


@override_settings(UPLOAD_MAX_IMPORT_MB=1)
def test_a_folder_over_the_import_size_setting_is_refused_before_it_is_read(tmp_path):
    (tmp_path / "users.csv").write_text(hostile.USERS_HEADER + hostile.USER * 30_000)

    assert f"The folder {tmp_path} holds 2 MB of files; at most 1 MB can be read." in (
        refusal(tmp_path)
    )


@override_settings(UPLOAD_MAX_ZIP_MEMBERS=3)
def test_a_folder_of_more_csv_files_than_the_setting_is_refused(tmp_path):
    for name in ("users", "orgs", "classes", "enrollments"):
        (tmp_path / f"{name}.csv").write_text("sourcedId\r\n")

    assert "holds 4 CSV files" in refusal(tmp_path)


@pytest.mark.parametrize("row", [1, 2], ids=["header", "record"])
def test_a_cell_past_the_csv_field_limit_names_its_file_and_row(row):
    giant = "L" * 200_000
    users = hostile.USERS_HEADER + hostile.USER
    users = users.replace("familyName", giant) if row == 1 else users.replace("Lopez", giant)

    message = refusal(hostile.raw_zip(hostile.oneroster_members(users)))

    assert message.startswith(f"users.csv, row {row}: a cell holds more than 131,072 characters")


def test_a_damaged_zip_is_still_not_a_zip():
    content = hostile.raw_zip(hostile.oneroster_members())[:-30]

    assert "is not a zip file" in refusal(content)


def test_the_real_sets_still_read_within_the_limits(moodle_as_exported):
    from tests.oneroster.test_reader import DATA

    for folder in ("oneroster-oat-sa-v1p1-base", "oneroster-moodle-enrol-fixtures/v1p2-bulk"):
        assert read_snapshot(DATA / folder).users


# ---- through the import and the sync: nothing written ----------------------------------------


def test_a_zip_bomb_uploaded_as_a_oneroster_import_writes_nothing(db):
    district = factories.DistrictFactory()
    before = Organization.objects.count()

    plan = check(district, hostile.zip_bomb(), kind="oneroster", name="bomb.zip")
    with pytest.raises(ImportRejected):
        commit(district, hostile.zip_bomb(), kind="oneroster", name="bomb.zip")

    assert "(it looks like a zip bomb)" in plan.errors[0].message
    assert Organization.objects.count() == before and not Student.objects.exists()


def test_a_sync_of_an_expanding_zip_fails_with_the_reason_and_writes_nothing(db, tmp_path):
    district = factories.DistrictFactory()
    SyncSource.objects.create(district=district)
    path = tmp_path / "set.zip"
    path.write_bytes(hostile.oneroster_expanding_zip())

    run = run_sync(district=district, trigger=SyncRun.Trigger.COMMAND, source_path=str(path))

    assert run.status == SyncRun.Status.FAILED
    assert "set.zip expands more than 100 times" in run.failure_reason
    assert not Student.objects.exists()
    assert zipfile.is_zipfile(path)
