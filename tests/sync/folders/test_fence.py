"""A district administrator (or support, or a stored source) cannot make the sync read
another district's folder, or anything outside the district's own folder under
SYNC_FOLDER_ROOT, however the path is spelled: refused on the Sync page, by the service, in
the support admin, and by the engine when it reads the folder at run time."""

from __future__ import annotations

import os

import pytest

from rostering.models import Student
from rostering.sync.models import SyncSource

from .conftest import (
    read_by_others,
    through_admin,
    through_engine,
    through_page,
    through_service,
)


def _link(drop, name: str, target) -> str:
    link = drop.maple / name
    os.symlink(target, link)
    return str(link)


# Each spelling: (how to make the path from the drop, what the refusal says about it).
SPELLINGS = {
    "trailing slash": lambda d: f"{d.oak}/",
    "double slash": lambda d: f"{d.root}//oak",
    "dot": lambda d: f"{d.root}/./oak",
    "dot-dot back into oak": lambda d: f"{d.oak}/../oak",
    "dot-dot out of maple": lambda d: f"{d.maple}/../oak",
    "proc self root": lambda d: f"/proc/self/root{d.oak}",
    "proc self root of maple": lambda d: f"/proc/self/root{d.maple}",
    "link to oak's folder": lambda d: _link(d, "sis", d.oak),
    "link to a folder outside the root": lambda d: _link(d, "sis", d.outside),
    "folder outside the root": lambda d: str(d.outside),
}


def _outside_sentence(folder: str, drop) -> str:
    return f"{folder} is not your district's SIS folder. Give {drop.maple} or a folder inside it."


def _linked_users(drop) -> str:
    """A folder inside Maple's holding Maple's files, but users.csv links to a file outside
    the root."""
    folder = drop.maple / "linked"
    folder.mkdir()
    (folder / "orgs.csv").write_text((drop.maple / "orgs.csv").read_text())
    os.symlink(drop.outside / "users.csv", folder / "users.csv")
    return str(folder)


def _linked_users_sentence(folder: str) -> str:
    return (
        f"users.csv in {folder} is a link to a file outside your district's SIS folder; the "
        "sync reads only files inside it. Put the file itself there."
    )


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_sync_page_refuses_a_folder_that_is_not_the_districts(
    client, world, district_admin, drop, spelling
):
    folder = SPELLINGS[spelling](drop)

    message = through_page(client, district_admin, folder)

    assert message == _outside_sentence(folder.strip(), drop)
    assert not SyncSource.objects.filter(district=world.district).exists()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_service_refuses_a_folder_that_is_not_the_districts(
    world, district_admin, drop, spelling
):
    folder = SPELLINGS[spelling](drop)

    message = through_service(world.district, district_admin, folder)

    assert message == _outside_sentence(folder, drop)
    assert not SyncSource.objects.filter(district=world.district).exists()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_support_admin_refuses_a_folder_that_is_not_the_districts(
    support_client, world, drop, spelling
):
    folder = SPELLINGS[spelling](drop)

    message = through_admin(support_client, world.district, folder)

    assert message == _outside_sentence(folder, drop)
    assert SyncSource.objects.get(district=world.district).folder_path == ""


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_engine_does_not_read_a_folder_that_is_not_the_districts(world, drop, spelling):
    folder = SPELLINGS[spelling](drop)

    message = through_engine(world.district, folder)

    assert message == _outside_sentence(folder, drop)
    assert not Student.objects.exists()


def test_a_users_csv_linking_outside_the_root_is_not_read_by_any_channel(
    client, support_client, world, district_admin, drop
):
    folder = _linked_users(drop)
    expected = _linked_users_sentence(folder)

    assert through_page(client, district_admin, folder) == expected
    assert through_service(world.district, district_admin, folder) == expected
    assert through_admin(support_client, world.district, folder) == expected
    assert through_engine(world.district, folder) == expected
    assert not Student.objects.exists()


def test_a_file_linking_inside_the_districts_folder_is_read(client, world, district_admin, drop):
    folder = drop.maple / "today"
    folder.mkdir()
    for name in ("orgs.csv", "users.csv", "classes.csv", "enrollments.csv"):
        os.symlink(drop.maple / name, folder / name)

    assert through_page(client, district_admin, str(folder)) == ""
    assert through_engine(world.district, str(folder)) == ""
    assert set(Student.objects.values_list("username", flat=True)) == {"maplekid1", "maplekid2"}


def test_the_districts_own_folder_is_saved_and_synced(client, world, district_admin, drop):
    assert through_page(client, district_admin, f"{drop.maple}/") == ""
    assert SyncSource.objects.get(district=world.district).folder_path == str(drop.maple)

    assert through_engine(world.district, str(drop.maple)) == ""
    assert set(Student.objects.values_list("username", flat=True)) == {"maplekid1", "maplekid2"}
    assert not read_by_others()


def test_the_districts_folder_itself_being_a_link_to_oaks_is_refused(world, drop):
    real = drop.maple.rename(drop.root / "maple-real")
    os.symlink(drop.oak, drop.maple)

    assert through_engine(world.district, str(drop.maple)) == _outside_sentence(
        str(drop.maple), drop
    )
    assert not Student.objects.exists()
    assert real.exists()


def test_a_fifo_named_users_csv_is_refused_not_waited_on(client, world, district_admin, drop):
    (drop.maple / "users.csv").unlink()
    os.mkfifo(drop.maple / "users.csv")

    expected = f"users.csv in {drop.maple} is not a regular file."
    assert through_page(client, district_admin, str(drop.maple)) == expected
    assert through_engine(world.district, str(drop.maple)) == expected


def test_the_command_line_reads_only_files_inside_the_folder_it_is_given(world, drop):
    from rostering.oneroster import SnapshotError
    from rostering.sync.folders import read_operator_folder

    folder = _linked_users(drop)
    with pytest.raises(SnapshotError, match="users.csv in .* is a link to a file outside"):
        read_operator_folder(folder)
    assert set(read_operator_folder(drop.oak)) == {p.name for p in drop.oak.glob("*.csv")}


def test_a_file_larger_than_the_import_limit_is_refused_before_it_is_read(world, drop, settings):
    settings.UPLOAD_MAX_IMPORT_MB = 100
    os.truncate(drop.maple / "users.csv", 150 * 1024 * 1024)  # sparse: no disk used

    message = through_engine(world.district, str(drop.maple))

    assert message == f"users.csv in {drop.maple} is too large to read."
    assert not Student.objects.exists()
