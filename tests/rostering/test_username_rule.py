"""DESIGN.md: a username is unique platform-wide, ignoring upper and lower case.

The same input on every channel — a new student "Ana.Lopez" in Maple while Oak already has
"ana.lopez" — gets the same verdict in the same words, each in its channel's own place: a form
field, a row and column, a SIS record. Matching by username ignores case too: "KID1" from the
SIS is Maple's "kid1", never a second student beside her.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering import usernames
from rostering.imports import engine
from rostering.models import Educator, Origin, Student
from rostering.sync.engine import run_sync
from rostering.sync.models import SyncRun, SyncSource
from tests import factories
from tests.admin.conftest import change_form_data
from tests.oneroster.csvset import set_files, zip_set

REFUSAL = (
    'The username "Ana.Lopez" is already taken (by "ana.lopez"). Usernames are unique ignoring '
    "upper and lower case: choose another."
)


@pytest.fixture
def oak_ana(world):
    return factories.StudentFactory(school=world.outsider_school, username="ana.lopez")


@pytest.fixture
def north(world):
    world.school.external_id = "N1"  # as the OneRoster sets below name it
    world.school.save()
    return world.school


def _maple(world):
    return Student.objects.filter(district=world.district)


# ---- the same new student through every channel -------------------------------------------


def via_form(client, world, teacher, **_):
    client.force_login(teacher)
    data = {
        "first_name": "Ana",
        "last_name": "Lopez",
        "username": "Ana.Lopez",
        "schools": [world.school.pk],
        "save": "Save",
    }
    response = client.post(reverse("rostering:student_add"), data)
    assert response.status_code == 200
    return response.context["form"].errors["username"]


def via_admin(client, world, support, **_):
    client.force_login(support)
    url = reverse("admin:rostering_student_add")
    data = change_form_data(client.get(url))
    data.update(
        {
            "first_name": "Ana",
            "last_name": "Lopez",
            "username": "Ana.Lopez",
            "schools": [str(world.school.pk)],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    return response.context["adminform"].form.errors["username"]


def _template(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


ANA_ROW = {
    "First Name": "Ana",
    "Last Name": "Lopez",
    "Username": "Ana.Lopez",
    "Organizations": "North Elementary",
}


def via_template_import(world, district_admin, **_):
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=_template([ANA_ROW]),
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "Username")]
    return [plan.errors[0].message]


ORGS = [
    {"sourcedId": "d1", "name": "Maple District", "type": "district"},
    {
        "sourcedId": "s1",
        "name": "North Elementary",
        "type": "school",
        "identifier": "N1",
        "parentSourcedId": "d1",
    },
]


def sis_user(n: int, username: str, role: str = "student", **extra) -> dict:
    return {
        "sourcedId": f"u{n}",
        "orgSourcedIds": "s1",
        "role": role,
        "username": username,
        "givenName": "Ana" if n == 1 else f"Kid{n}",
        "familyName": "Lopez",
        "identifier": f"00012{n}",
        **extra,
    }


def via_oneroster_import(world, district_admin, **_):
    files = set_files(orgs=ORGS, users=[sis_user(1, "Ana.Lopez")])
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="oneroster",
        file_name="maple.zip",
        content=zip_set(files),
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "users.csv")]
    prefix = "u1 (Username): "
    assert plan.errors[0].message.startswith(prefix)
    return [plan.errors[0].message.removeprefix(prefix)]


def sync(world, tmp_path, users: list[dict]) -> SyncRun:
    SyncSource.objects.get_or_create(district=world.district)
    snapshot = tmp_path / "maple-sis.zip"
    snapshot.write_bytes(zip_set(set_files(orgs=ORGS, users=users)))
    run = run_sync(
        district=world.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(snapshot)
    )
    assert run.status != SyncRun.Status.FAILED, run.failure_reason
    return run


def via_sync(world, tmp_path, **_):
    # A second student, so that the run rosters most of what it was sent and does not fail.
    run = sync(world, tmp_path, [sis_user(1, "Ana.Lopez"), sis_user(2, "kid2")])
    [problem] = [e for e in run.errors if e["record"] == "u1"]
    assert (problem["file"], problem["row"]) == ("users.csv", 2)
    prefix, suffix = "Ana Lopez (Ana.Lopez): ", " Skipped."
    assert problem["message"].startswith(prefix) and problem["message"].endswith(suffix)
    assert _maple(world).filter(username="kid2").exists()
    return [problem["message"].removeprefix(prefix).removesuffix(suffix)]


CHANNELS = {
    "portal form": via_form,
    "admin": via_admin,
    "template import": via_template_import,
    "OneRoster import": via_oneroster_import,
    "sync": via_sync,
}


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_username_differing_only_in_case_is_refused_in_the_same_words_everywhere(
    channel, client, world, north, oak_ana, teacher, district_admin, support, tmp_path
):
    messages = CHANNELS[channel](
        client=client,
        world=world,
        teacher=teacher,
        district_admin=district_admin,
        support=support,
        tmp_path=tmp_path,
    )

    assert messages == [REFUSAL]
    assert not _maple(world).filter(username__iexact="ana.lopez").exists()
    oak_ana.refresh_from_db()
    assert oak_ana.username == "ana.lopez" and oak_ana.district == world.other_district


def test_the_same_username_exactly_is_refused_in_the_same_words(client, world, teacher):
    factories.StudentFactory(school=world.outsider_school, username="Ana.Lopez")
    assert via_form(client, world, teacher) == [
        'The username "Ana.Lopez" is already taken. Usernames are unique ignoring upper and '
        "lower case: choose another."
    ]


def test_the_database_refuses_a_case_duplicate_written_past_the_rules(world, oak_ana):
    with pytest.raises(IntegrityError), transaction.atomic():
        Student.objects.create(
            district=world.district, first_name="Ana", last_name="Lopez", username="ANA.LOPEZ"
        )


# ---- matching by username ignores case ------------------------------------------------------


def test_the_sync_takes_over_kid1_for_KID1_and_takes_the_sis_value(world, north, tmp_path):
    kid1 = factories.StudentFactory(school=north, username="kid1", external_id=None)

    run = sync(world, tmp_path, [sis_user(1, "KID1"), sis_user(2, "kid2")])

    assert not [e for e in run.errors if e["record"] == "u1"]
    assert _maple(world).filter(username__iexact="kid1").count() == 1
    kid1.refresh_from_db()
    assert (kid1.username, kid1.origin, kid1.sis_sourced_id) == ("KID1", Origin.SYNCED, "u1")


def test_two_sis_records_differing_only_in_case_are_one_username(world, north, tmp_path):
    run = sync(world, tmp_path, [sis_user(1, "kid1"), sis_user(2, "KID1"), sis_user(3, "kid3")])

    [problem] = [e for e in run.errors if e["record"] == "u2"]
    assert "username KID1 is also used by SIS record u1" in problem["message"]
    assert list(
        _maple(world).filter(username__iexact="kid1").values_list("username", flat=True)
    ) == ["kid1"]


def test_a_template_row_matches_its_student_ignoring_case(world, north, district_admin):
    ana = factories.StudentFactory(school=north, username="ana.lopez", external_id=None)
    content = _template([{**ANA_ROW, "Username": "ANA.LOPEZ"}])

    result = engine.commit_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=content,
    )

    assert (result.created, result.updated) == (0, 1)  # her, written as the file has it
    assert list(_maple(world).values_list("pk", "username")) == [(ana.pk, "ANA.LOPEZ")]


def test_a_rename_matched_by_student_id_to_another_districts_username_is_refused(
    world, north, oak_ana, district_admin
):
    factories.StudentFactory(school=north, username="ana.l", external_id="000121")
    row = {**ANA_ROW, "Student ID": "000121"}
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=_template([row]),
    )
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(2, "Username", REFUSAL)]


# ---- educators: the same rule, portal sign-ins included -------------------------------------

RIVERA = (
    'The username "Ms.Rivera" is already taken (by "ms.rivera"). Usernames are unique ignoring '
    "upper and lower case: choose another."
)


def test_an_educator_username_differing_only_in_case_is_refused_everywhere(
    client, world, north, district_admin, tmp_path
):
    factories.EducatorFactory(organization=world.outsider_school, username="ms.rivera")
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:educator_add"),
        {
            "first_name": "Rosa",
            "last_name": "Rivera",
            "username": "Ms.Rivera",
            "educator_type": "teacher",
            "organizations": [north.pk],
        },
    )
    assert response.context["form"].errors["username"] == [RIVERA]

    row = {
        "First Name": "Rosa",
        "Last Name": "Rivera",
        "Username": "Ms.Rivera",
        "Educator Type": "Teacher",
        "Organizations": "North Elementary",
    }
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="educators",
        file_name="educators.csv",
        content=_template([row]),
    )
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(2, "Username", RIVERA)]

    run = sync(world, tmp_path, [sis_user(1, "Ms.Rivera", role="teacher"), sis_user(2, "kid2")])
    [problem] = [e for e in run.errors if e["record"] == "u1"]
    assert RIVERA in problem["message"]
    assert not Educator.objects.filter(district=world.district, username__iexact="ms.rivera")


def test_an_educator_cannot_take_a_portal_sign_in_differing_only_in_case(
    client, world, district_admin, support
):
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:educator_add"),
        {
            "first_name": "Sky",
            "last_name": "Blue",
            "username": "SKY",
            "educator_type": "teacher",
            "organizations": [world.school.pk],
        },
    )
    assert response.context["form"].errors["username"] == [
        'The username "SKY" is already taken (by "sky"). Usernames are unique ignoring upper '
        "and lower case: choose another."
    ]


# ---- the lookup is set-based ----------------------------------------------------------------


def test_looking_up_thousands_of_usernames_takes_as_few_queries_as_one(world, oak_ana):
    others = Student.objects.exclude(district=world.district)
    with CaptureQueriesContext(connection) as one:
        assert usernames.holders(others, ["ANA.LOPEZ"])["ana.lopez"].username == "ana.lopez"
    many = [f"kid{n}" for n in range(usernames.CHUNK)] + ["Ana.Lopez"]
    with CaptureQueriesContext(connection) as thousands:
        assert set(usernames.holders(others, many)) == {"ana.lopez"}
    assert len(one) == 1 and len(thousands) <= 2  # one per CHUNK names at most


# ---- beyond ASCII: Unicode's lower case, the same in Python and in both databases -----------


@pytest.mark.parametrize(
    ("held", "sent"), [("ärzte.kind", "Ärzte.Kind"), ("Ärzte.Kind", "ärzte.kind")]
)
def test_a_sis_username_differing_from_another_only_in_a_non_ascii_letters_case_is_refused(
    world, north, tmp_path, held, sent
):
    factories.StudentFactory(school=world.outsider_school, username=held)

    run = sync(world, tmp_path, [sis_user(1, sent), sis_user(2, "kid2")])

    [problem] = [e for e in run.errors if e["record"] == "u1"]
    assert f'The username "{sent}" is already taken (by "{held}")' in problem["message"]
    assert not _maple(world).filter(username=sent).exists()


def test_the_database_folds_non_ascii_letters_as_the_rule_does(world):
    factories.StudentFactory(school=world.outsider_school, username="ÇELİK")
    others = Student.objects.all()

    assert usernames.holders(others, ["çeli̇k"]) == {
        "çeli̇k": usernames.Holder("ÇELİK", others.get().pk)
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Student.objects.create(
            district=world.district, first_name="Can", last_name="Çelik", username="çeli̇k"
        )


def test_the_migration_to_unicode_keys_names_usernames_it_would_make_one(world):
    """A database whose old index (SQLite's LOWER folded ASCII only) let "Ärzte" and "ärzte"
    both in: migration 0024 stops before building the new index, naming both."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("rostering.migrations.0024_username_key_unicode")
    with connection.cursor() as cursor:  # as before the migration: no index on the key
        cursor.execute("DROP INDEX student_username_ignoring_case")
    factories.StudentFactory(school=world.school, username="Ärzte")
    factories.StudentFactory(school=world.outsider_school, username="ärzte")

    with pytest.raises(RuntimeError) as refused:
        migration.refuse_new_duplicates(apps, None)

    message = str(refused.value)
    assert message.startswith("These usernames differ only in upper and lower case")
    assert '"Ärzte"' in message and '"ärzte"' in message and "Rename one of each" in message
