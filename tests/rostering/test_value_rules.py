"""DESIGN.md: a value refused by one channel is refused by all, in the same words.

One verdict per value, from the field registry (rostering.registry): a bad email, a grade
outside the vocabulary and a value too long for its field get the same message through the
portal form, the admin, the template import, the OneRoster import and the sync, each in its
own place (form field; row and column; SIS record); a class/group's too, through its
Details form, the Classes/Groups template, the OneRoster import and the sync. The sync and the OneRoster import refuse
the record: nothing is blanked, truncated or dropped silently.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from rostering.imports import engine
from rostering.models import ClassGroup, Grade, Student
from rostering.ownership import LOCKED_FIELDS
from rostering.registry.normalisers import grade
from rostering.sync.engine import run_sync
from rostering.sync.models import ProductRule, SyncRun, SyncSource
from tests import factories
from tests.admin.conftest import change_form_data
from tests.oneroster.csvset import HEADERS, set_files, zip_set

LONG_NAME = "A" * 200
GRADE_WORDS = (
    '"7th" is not a grade. Type K, 1 to 12, PK or TK (or a OneRoster grade: '
    + ", ".join(Grade.values)
    + ")."
)
# rule: (form field, template column, OneRoster users.csv column, bad value, message)
RULES = {
    "bad email": (
        "email",
        "Email",
        "email",
        "ana@",
        '"ana@" is not an email address. Correct it (name@example.org) or leave it blank.',
    ),
    "grade 7th": ("grade", "Grade", "grades", "7th", GRADE_WORDS),
    "200-character name": (
        "first_name",
        "First Name",
        "givenName",
        LONG_NAME,
        "First name is 200 characters long; at most 100 fit. Shorten it.",
    ),
    "200-character preferred name": (
        "preferred_first_name",
        "Preferred First Name",
        "preferredGivenName",  # OneRoster 1.2's, not a 1.1 column (set_files adds it)
        LONG_NAME,
        "Preferred first name is 200 characters long; at most 100 fit. Shorten it.",
    ),
}


@pytest.fixture
def north(world):
    world.school.external_id = "N1"  # as the OneRoster sets below name it
    world.school.save()
    return world.school


def _maple(world):
    return Student.objects.filter(district=world.district)


ANA = {"first_name": "Ana", "last_name": "Lopez", "username": "ana.lopez"}


def via_form(client, world, teacher, field, value, **_):
    client.force_login(teacher)
    data = {**ANA, field: value, "schools": [world.school.pk], "save": "Save"}
    response = client.post(reverse("rostering:student_add"), data)
    assert response.status_code == 200
    return response.context["form"].errors[field]


def via_admin(client, world, support, field, value, **_):
    client.force_login(support)
    url = reverse("admin:rostering_student_add")
    data = change_form_data(client.get(url))
    data.update({**ANA, field: value, "schools": [str(world.school.pk)]})
    response = client.post(url, data)
    assert response.status_code == 200
    return response.context["adminform"].form.errors[field]


def _template(row: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def _template_errors(world, district_admin, kind: str, row: dict, column: str) -> list[str]:
    """The messages of checking a ``kind`` template of one ``row``, whose one error must be
    at row 2, ``column``."""
    plan = engine.check_file(
        actor=district_admin,
        district=world.district,
        kind=kind,
        file_name=f"{kind}.csv",
        content=_template(row),
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, column)]
    return [plan.errors[0].message]


def via_template_import(world, district_admin, column, value, **_):
    row = {
        "First Name": "Ana",
        "Last Name": "Lopez",
        "Username": "ana.lopez",
        "Organizations": "North Elementary",
        column: value,
    }
    return _template_errors(world, district_admin, "students", row, column)


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


def sis_user(n: int, **extra) -> dict:
    return {
        "sourcedId": f"u{n}",
        "orgSourcedIds": "s1",
        "role": "student",
        "username": "ana.lopez" if n == 1 else f"kid{n}",
        "givenName": "Ana" if n == 1 else f"Kid{n}",
        "familyName": "Lopez",
        "identifier": f"00012{n}",
        **extra,
    }


def _users_header(sis_column: str) -> tuple[str, ...]:
    """The users.csv columns beyond 1.1's a set needs to send ``sis_column``."""
    return () if sis_column in HEADERS["users"] else (sis_column,)


def _oneroster_plan(world, district_admin, **tables):
    """The OneRoster import's check of a set of ``tables`` (ORGS beside them)."""
    return engine.check_file(
        actor=district_admin,
        district=world.district,
        kind="oneroster",
        file_name="maple.zip",
        content=zip_set(set_files(orgs=ORGS, **tables)),
    )


def _synced(world, tmp_path, record: str, **tables) -> dict:
    """The one problem of ``record`` when the sync reads a set of ``tables`` (ORGS beside
    them); the run itself must not fail."""
    SyncSource.objects.get_or_create(district=world.district)
    snapshot = tmp_path / "maple-sis.zip"
    snapshot.write_bytes(zip_set(set_files(orgs=ORGS, **tables)))
    run = run_sync(
        district=world.district, trigger=SyncRun.Trigger.COMMAND, source_path=str(snapshot)
    )
    assert run.status != SyncRun.Status.FAILED, run.failure_reason
    [problem] = [e for e in run.errors if e["record"] == record]
    return problem


def via_oneroster_import(world, district_admin, column, sis_column, value, **_):
    plan = _oneroster_plan(
        world,
        district_admin,
        extra_user_columns=_users_header(sis_column),
        users=[sis_user(1, **{sis_column: value})],
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "users.csv")]
    prefix = f"u1 ({column}): "  # the SIS record and the field
    assert plan.errors[0].message.startswith(prefix)
    return [plan.errors[0].message.removeprefix(prefix)]


def via_sync(world, tmp_path, field, sis_column, value, **_):
    SyncSource.objects.get_or_create(district=world.district)
    config = world.district.sync_configuration  # the sync writes (and checks) what it sends
    if field not in config.shared_for("student") | LOCKED_FIELDS["student"]:
        config.shared_fields["student"].append(field)
        config.save()
    # A second student, so that the run rosters most of what it was sent and does not fail.
    users = [sis_user(1, **{sis_column: value}), sis_user(2)]
    problem = _synced(
        world, tmp_path, "u1", extra_user_columns=_users_header(sis_column), users=users
    )
    assert (problem["file"], problem["row"]) == ("users.csv", 2)
    given = value if sis_column == "givenName" else "Ana"
    prefix, suffix = f"{given} Lopez (ana.lopez): ", " Skipped."
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
@pytest.mark.parametrize("rule", RULES)
def test_a_bad_value_is_refused_in_the_same_words_on_every_channel(
    rule, channel, client, world, north, teacher, district_admin, support, tmp_path
):
    field, column, sis_column, value, message = RULES[rule]

    messages = CHANNELS[channel](
        client=client,
        world=world,
        teacher=teacher,
        district_admin=district_admin,
        support=support,
        tmp_path=tmp_path,
        field=field,
        column=column,
        sis_column=sis_column,
        value=value,
    )

    assert messages == [message]
    assert not _maple(world).filter(username="ana.lopez").exists()  # never written


# ---- what SISes and people type that is not an error ------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("0", "KG"),
        ("00", "KG"),
        ("KG", "KG"),
        ("k", "KG"),
        ("Kindergarten", "KG"),
        ("07", "07"),
        ("7", "07"),
        ("Grade 7", "07"),
        ("grade 12", "12"),
        ("PK", "PK"),
        ("TK", "TK"),
        ("13", "13"),
        ("ps", "PS"),
        ("Postsecondary", "PS"),
        ("UG", "UG"),
        ("Ungraded", "UG"),
        ("other", "Other"),
    ],
)
def test_common_grade_spellings_are_the_grade_vocabulary(typed, stored):
    assert grade(typed) == stored


@pytest.mark.parametrize("typed", ["7th", "Year 3", "14", "Grade 0 7"])
def test_other_grades_are_refused(typed):
    with pytest.raises(Exception, match="is not a grade"):
        grade(typed)


def _add_ana_in_form_and_ben_by_import(client, world, teacher, district_admin, form, cells):
    """Ana through the portal form (with ``form`` fields), Ben through a template import (with
    ``cells``), both into Maple's North Elementary."""
    client.force_login(teacher)
    data = {**ANA, **form, "schools": [world.school.pk], "save": "Save"}
    client.post(reverse("rostering:student_add"), data)
    row = {
        "First Name": "Ben",
        "Last Name": "Kim",
        "Username": "ben.kim",
        "Organizations": "North Elementary",
        **cells,
    }
    engine.commit_file(
        actor=district_admin,
        district=world.district,
        kind="students",
        file_name="students.csv",
        content=_template(row),
    )


def test_grade_7_typed_in_the_form_and_the_import_is_grade_07(
    client, world, north, teacher, district_admin
):
    _add_ana_in_form_and_ben_by_import(
        client, world, teacher, district_admin, {"grade": "Grade 7"}, {"Grade": "Kindergarten"}
    )

    grades = dict(_maple(world).values_list("username", "grade"))
    assert grades == {"ana.lopez": "07", "ben.kim": "KG"}


def test_an_emails_domain_is_stored_in_lower_case_by_the_form_and_the_import(
    client, world, north, teacher, district_admin
):
    _add_ana_in_form_and_ben_by_import(
        client,
        world,
        teacher,
        district_admin,
        {"email": "Ana.Lopez@Maple.ORG"},
        {"Email": "Ben@MAPLE.org"},
    )

    emails = dict(_maple(world).values_list("username", "email"))
    assert emails == {"ana.lopez": "Ana.Lopez@maple.org", "ben.kim": "Ben@maple.org"}


@pytest.mark.parametrize(
    "value",
    [
        "ana@maple.org",
        "ben@maple.org",  # the same domain again: its remembered verdict
        "ana@-maple.org",
        "cleo@-maple.org",  # a refused domain stays refused the second time
        "ana@maple",
        "ana@[127.0.0.1]",
        "ana@[999.0.0.1]",
        "ana@localhost",
        "ana lopez@maple.org",
        "ana@ma ple.org",
        "ana@xn--mple-5qa.org",
        "ana@mäple.org",
    ],
)
def test_the_email_rule_gives_djangos_verdict_whatever_domain_came_before(value):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email as djangos

    from rostering.registry.normalisers import email

    def verdict(check):
        try:
            check(value)
        except ValidationError:
            return False
        return True

    assert verdict(email) == verdict(djangos)


# ---- a class/group's values: the same verdict from the template, OneRoster and the sync ----

# rule: (form field, template column, OneRoster classes.csv column, bad value, message)
CLASS_RULES = {
    "grade 7th": ("grades", "Grades", "grades", "7th", GRADE_WORDS),
    "201-character name": (
        "name",
        "Class/Group Name",
        "title",
        "R" * 201,
        "Class/Group name is 201 characters long; at most 200 fit. Shorten it.",
    ),
}


@pytest.fixture
def science(world):
    """A product, and the rule that gives it to Science classes (a OneRoster import leaves a
    class without a product out)."""
    product = factories.ProductFactory(name="Science Lab", code="science-lab")
    ProductRule.objects.create(
        district=world.district,
        match_field=ProductRule.MatchField.SUBJECT,
        pattern="Science",
        product=product,
    )
    return product


def _classes(world):
    return ClassGroup.objects.filter(district=world.district)


def class_via_form(client, world, district_admin, field, value, **_):
    """The Details form of Room 5, a class/group made by hand, given ``value``."""
    room = factories.ClassGroupFactory(school=world.school, name="Room 5")
    client.force_login(district_admin)
    data = {"name": room.name, "school": world.school.pk, "is_active": "on", field: value}
    response = client.post(reverse("rostering:class_detail", args=[room.pk]), data)
    assert response.status_code == 200
    room.refresh_from_db()
    assert (room.name, room.grades) == ("Room 5", "")  # nothing saved
    return response.context["form"].errors[field]


def class_via_template_import(world, district_admin, column, value, **_):
    row = {
        "Class/Group Name": "Room 4",
        "Organization": "North Elementary",
        "Product": "Science Lab",
        column: value,
    }
    return _template_errors(world, district_admin, "classes", row, column)


def _sis_class(n: int, **extra) -> dict:
    return {
        "sourcedId": f"c{n}",
        "title": "Room 4" if n == 1 else f"Room {n}",
        "schoolSourcedId": "s1",
        "subjects": "Science",
        **extra,
    }


def class_via_oneroster_import(world, district_admin, sis_column, value, **_):
    classes = [_sis_class(1, **{sis_column: value})]
    plan = _oneroster_plan(world, district_admin, users=[sis_user(1)], classes=classes)
    assert [(e.row, e.column, e.field) for e in plan.errors] == [(2, "classes.csv", sis_column)]
    prefix = "c1 ("  # the SIS record, then the template's column
    assert plan.errors[0].message.startswith(prefix)
    return [plan.errors[0].message.partition("): ")[2]]


def class_via_sync(world, tmp_path, sis_column, value, **_):
    classes = [_sis_class(1, **{sis_column: value}), _sis_class(2)]
    problem = _synced(world, tmp_path, "c1", users=[sis_user(1)], classes=classes)
    assert (problem["file"], problem["row"], problem["field"]) == ("classes.csv", 2, sis_column)
    title = value if sis_column == "title" else "Room 4"
    prefix, suffix = f"{title}: ", " Skipped."
    assert problem["message"].startswith(prefix) and problem["message"].endswith(suffix)
    assert _classes(world).filter(external_id="c2").exists()  # the other class is written
    return [problem["message"].removeprefix(prefix).removesuffix(suffix)]


CLASS_CHANNELS = {
    "portal form": class_via_form,
    "template import": class_via_template_import,
    "OneRoster import": class_via_oneroster_import,
    "sync": class_via_sync,
}


@pytest.mark.parametrize("channel", CLASS_CHANNELS)
@pytest.mark.parametrize("rule", CLASS_RULES)
def test_a_bad_class_value_is_refused_in_the_same_words_on_every_channel(
    rule, channel, client, world, north, science, district_admin, tmp_path
):
    field, column, sis_column, value, message = CLASS_RULES[rule]

    messages = CLASS_CHANNELS[channel](
        client=client,
        world=world,
        field=field,
        district_admin=district_admin,
        tmp_path=tmp_path,
        column=column,
        sis_column=sis_column,
        value=value,
    )

    assert messages == [message]
    assert not _classes(world).filter(name__in=["Room 4", value]).exists()  # never written
