"""SIS folders on disk for the fence's tests: SYNC_FOLDER_ROOT with Maple's folder and Oak's
(each holding its district's OneRoster set), and a set outside the root, plus one helper per
channel that saves or reads a folder (the Sync page, the service, the support admin, the
engine at run time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from rostering.models import Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from rostering.sync.services import sync_settings_save
from tests.oneroster.csvset import set_files
from tests.sync.views.conftest import ORGS, sis_student

SETTINGS = {
    "external_id_field": "identifier",
    "username_field": "username",
    "schedule": "off",
    "weekday": "0",
    "time_of_day": "02:00",
    "hold_threshold_percent": "10",
}


@dataclass
class Drop:
    root: Path  # SYNC_FOLDER_ROOT
    maple: Path  # Maple's own folder: <root>/maple, holding Maple's set
    oak: Path  # Oak's folder: <root>/oak, holding Oak's students
    outside: Path  # a folder outside the root, holding a set too


def write_set(folder: Path, username_prefix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    users = [sis_student(n, username=f"{username_prefix}{n}") for n in (1, 2)]
    for name, text in set_files(orgs=ORGS, users=users).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def drop(world, tmp_path, settings) -> Drop:
    root = tmp_path / "drop"
    settings.SYNC_FOLDER_ROOT = str(root)
    return Drop(
        root=root,
        maple=write_set(root / world.district.slug, "maplekid"),
        oak=write_set(root / world.other_district.slug, "oakkid"),
        outside=write_set(tmp_path / "elsewhere", "outsidekid"),
    )


@pytest.fixture
def support_client(support):
    """The support admin, in a browser of its own (beside ``client``)."""
    browser = Client()
    browser.force_login(support)
    return browser


def read_by_others() -> set[str]:
    """Usernames of students made from files that are not Maple's."""
    return set(
        Student.objects.exclude(username__startswith="maplekid").values_list("username", flat=True)
    )


# ---- the channels: each returns the sentence it refused with ("" when it accepted) ----------


def through_page(client, user, folder: str) -> str:
    client.force_login(user)
    response = client.post(
        reverse("sync:settings"),
        {**SETTINGS, "source_type": "oneroster_folder", "folder_path": folder},
    )
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    form = response.context["form"]
    return " ".join(" ".join(errors) for errors in form.errors.values())


def through_service(district, actor, folder: str) -> str:
    try:
        sync_settings_save(
            actor=actor,
            district=district,
            values={"source_type": "oneroster_folder", "folder_path": folder},
            shared_fields={},
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def through_admin(client, district, folder: str) -> str:
    from tests.admin.conftest import admin_url, change_form_data

    source, _ = SyncSource.objects.get_or_create(district=district)
    url = admin_url(source)
    data = change_form_data(client.get(url))
    response = client.post(url, {**data, "source_type": "oneroster_folder", "folder_path": folder})
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    form = response.context["adminform"].form
    return " ".join(" ".join(errors) for errors in form.errors.values())


def through_engine(district, folder: str) -> str:
    """Run a sync of a folder source saved without any check (as an older version saved it,
    or as it was before the folder changed on disk)."""
    SyncSource.objects.update_or_create(
        district=district,
        defaults={"source_type": "oneroster_folder", "folder_path": folder},
    )
    run = run_sync(district=district, trigger=SyncRun.Trigger.MANUAL)
    if run.status == SyncRun.Status.FAILED:
        return run.failure_reason
    return ""
