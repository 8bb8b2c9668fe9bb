"""Without SYNC_FOLDER_ROOT (the default) there is no folder source: the page does not offer
it and says how to enable it, every channel refuses it with the same sentence whatever the
path, and uploads work as before."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rostering.models import Student
from rostering.sync.folders import UNAVAILABLE
from rostering.sync.models import SyncSource
from tests.sync.views.conftest import sis_zip

from .conftest import SETTINGS, through_admin, through_engine, through_page, through_service

SENTENCE = (
    "The SIS folder source is turned off on this server: the operator must set "
    "SYNC_FOLDER_ROOT to enable it. Upload the roster as a zip (OneRoster or Clever files) instead."
)


@pytest.fixture
def no_root(settings):
    settings.SYNC_FOLDER_ROOT = ""


@pytest.fixture
def paths(tmp_path) -> list[str]:
    from .conftest import write_set

    return [str(write_set(tmp_path / "sis", "kid")), str(tmp_path / "missing"), "/etc", ""]


def test_the_page_does_not_offer_a_folder_and_says_how_to_enable_it(
    client, world, district_admin, no_root
):
    client.force_login(district_admin)
    html = client.get(reverse("sync:settings")).content.decode()
    assert 'value="oneroster_folder"' not in html and 'name="folder_path"' not in html
    assert "can be used once the server's operator sets SYNC_FOLDER_ROOT." in html
    assert UNAVAILABLE == SENTENCE


def test_every_channel_refuses_a_folder_with_one_sentence(
    client, support_client, world, district_admin, no_root, paths
):
    for folder in paths:
        assert through_page(client, district_admin, folder) == SENTENCE
        assert through_service(world.district, district_admin, folder) == SENTENCE
        assert through_admin(support_client, world.district, folder) == SENTENCE
    assert SyncSource.objects.get(district=world.district).source_type == "oneroster_upload"


def test_the_engine_refuses_a_folder_source_saved_before(world, no_root, paths):
    for folder in paths:
        assert through_engine(world.district, folder) == SENTENCE
    assert not Student.objects.exists()


def test_uploads_still_work(client, world, district_admin, no_root):
    client.force_login(district_admin)
    response = client.post(
        reverse("sync:settings"),
        {
            **SETTINGS,
            "source_type": "oneroster_upload",
            "snapshot_file": SimpleUploadedFile("maple.zip", sis_zip()),
        },
    )
    assert response.status_code == 302
    assert SyncSource.objects.get(district=world.district).uploaded_name == "maple.zip"
