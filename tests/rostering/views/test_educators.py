"""Educators pages: administrators only; scope, locked fields and district staff protected."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.models import ClassEducator, Educator, Origin
from tests import factories

LIST = reverse("rostering:educator_list")
ADD = reverse("rostering:educator_add")


def detail(e):
    return reverse("rostering:educator_detail", args=[e.pk])


def classes(e):
    return reverse("rostering:educator_classes", args=[e.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _rows(response) -> list[str]:
    return [row.record.username for row in response.context["table"].page.object_list]


# ---- teachers are refused -------------------------------------------------------------------


def test_teacher_has_no_educators_menu_entry(client, teacher):
    client.force_login(teacher)
    body = client.get(reverse("home")).content.decode()
    assert LIST not in body


@pytest.mark.parametrize("name", ["educator_detail", "educator_classes"])
def test_teacher_is_refused_every_educator_page(client, world, teacher, name):
    colleague = factories.EducatorFactory(organization=world.school)
    client.force_login(teacher)
    assert client.get(LIST).status_code == 403
    assert client.get(LIST, {"export": "csv"}).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.get(reverse(f"rostering:{name}", args=[colleague.pk])).status_code == 403


def test_teacher_cannot_create_or_deactivate_an_educator_by_post(client, world, teacher):
    colleague = factories.EducatorFactory(organization=world.school)
    client.force_login(teacher)
    response = client.post(
        ADD,
        {
            "first_name": "Eve",
            "last_name": "Il",
            "username": "eve",
            "educator_type": "administrator",
            "organizations": [world.district.pk],
        },
    )
    assert response.status_code == 403
    assert not Educator.objects.filter(username="eve").exists()
    set_active = reverse("rostering:educator_set_active", args=[colleague.pk])
    assert client.post(set_active, {"active": "0"}).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


def test_outsider_district_gets_404_for_our_educators(client, world, outsider):
    colleague = factories.EducatorFactory(organization=world.school)
    client.force_login(outsider)
    assert client.get(detail(colleague)).status_code == 404
    assert client.post(detail(colleague), {"first_name": "X"}).status_code == 404
    assert client.get(classes(colleague)).status_code == 404


# ---- list -----------------------------------------------------------------------------------


def test_school_admin_lists_the_educators_of_their_school_only(client, world, school_admin):
    factories.EducatorFactory(organization=world.school, username="north-t")
    factories.EducatorFactory(organization=world.other_school, username="south-t")
    factories.EducatorFactory(organization=world.outsider_school, username="oak-t")
    client.force_login(school_admin)
    assert sorted(_rows(client.get(LIST))) == ["north-t", "sam"]


def test_search_by_name_username_or_id_and_filters(client, world, district_admin):
    factories.EducatorFactory(
        organization=world.school, username="mrs.k", first_name="Karen", external_id="T-77"
    )
    factories.EducatorFactory(
        organization=world.other_school,
        username="synced.s",
        first_name="Sol",  # a name no search below may match (Faker once gave "Karen")
        last_name="Sands",
        origin=Origin.SYNCED,
        educator_type=Educator.EducatorType.ADMINISTRATOR,
        is_active=False,
    )
    client.force_login(district_admin)
    assert _rows(client.get(LIST, {"q": "karen"})) == ["mrs.k"]
    assert _rows(client.get(LIST, {"q": "mrs.k"})) == ["mrs.k"]
    assert _rows(client.get(LIST, {"q": "t-77"})) == ["mrs.k"]
    assert _rows(client.get(LIST, {"organization": world.other_school.pk})) == ["synced.s"]
    assert _rows(client.get(LIST, {"origin": "synced"})) == ["synced.s"]
    assert _rows(client.get(LIST, {"status": "inactive"})) == ["synced.s"]
    assert "synced.s" not in _rows(client.get(LIST, {"educator_type": "teacher"}))


def test_synced_educator_has_a_lock_in_the_list(client, world, district_admin):
    factories.EducatorFactory(organization=world.school, origin=Origin.SYNCED)
    client.force_login(district_admin)
    assert client.get(LIST).content.decode().count('title="Created by your SIS sync"') == 1


def test_educator_list_query_count_does_not_grow_with_rows(client, world, district_admin):
    client.force_login(district_admin)
    factories.EducatorFactory.create_batch(3, organization=world.school)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(LIST))) == 4
    factories.EducatorFactory.create_batch(20, organization=world.other_school)
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(LIST))) == 24
    assert len(few) == len(many)


def test_csv_export_is_formula_safe_and_scoped(client, world, school_admin):
    factories.EducatorFactory(organization=world.school, username="plain", first_name="+SUM(A1)")
    factories.EducatorFactory(organization=world.other_school, username="elsewhere")
    client.force_login(school_admin)
    response = client.get(LIST, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["First Name", "Last Name", "Username"]
    usernames = {r[2] for r in rows[1:]}
    assert usernames == {"plain", "sam"}
    assert ["'+SUM(A1)"] == [r[0] for r in rows[1:] if r[2] == "plain"]


# ---- add ------------------------------------------------------------------------------------


def test_district_admin_adds_an_educator_who_can_sign_in(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        ADD,
        {
            "first_name": "Nora",
            "last_name": "New",
            "username": "nora.new",
            "email": "nora@example.org",
            "educator_type": "teacher",
            "organizations": [world.school.pk, world.other_school.pk],
            "password": "a-long-passphrase-42",
        },
    )
    nora = Educator.objects.get(username="nora.new")
    assert response.status_code == 302 and response.url == detail(nora)
    assert nora.district == world.district and nora.origin == Origin.MANUAL
    assert set(nora.organizations.all()) == {world.school, world.other_school}
    assert nora.user.check_password("a-long-passphrase-42")
    client.logout()
    assert client.login(username="nora.new", password="a-long-passphrase-42")


def test_school_admin_cannot_add_a_district_wide_educator(client, world, school_admin):
    client.force_login(school_admin)
    page = client.get(ADD)
    offered = list(page.context["form"].fields["organizations"].queryset)
    assert offered == [world.school]
    response = client.post(
        ADD,
        {
            "first_name": "Ann",
            "last_name": "D",
            "username": "ann.d",
            "educator_type": "administrator",
            "organizations": [world.district.pk],
        },
    )
    assert response.status_code == 200
    assert "organizations" in response.context["form"].errors
    assert not Educator.objects.filter(username="ann.d").exists()


def test_add_with_a_taken_username_or_weak_password_says_which_field(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        ADD,
        {
            "first_name": "Dup",
            "last_name": "D",
            "username": "dana",
            "educator_type": "teacher",
            "organizations": [world.school.pk],
            "password": "123",
        },
    )
    errors = response.context["form"].errors
    assert "password" in errors
    response = client.post(
        ADD,
        {
            "first_name": "Dup",
            "last_name": "D",
            "username": "dana",
            "educator_type": "teacher",
            "organizations": [world.school.pk],
        },
    )
    assert "username" in response.context["form"].errors
    assert Educator.objects.filter(username="dana").count() == 1


# ---- details --------------------------------------------------------------------------------


def test_school_admin_edits_a_teacher_of_their_school(client, world, school_admin):
    t = factories.EducatorFactory(organization=world.school, first_name="Old")
    client.force_login(school_admin)
    response = client.post(
        detail(t),
        {
            "first_name": "Newer",
            "last_name": t.last_name,
            "username": t.username,
            "email": t.email,
            "educator_type": "teacher",
            "organizations": [world.school.pk],
            "external_id": t.external_id,
        },
        follow=True,
    )
    t.refresh_from_db()
    assert t.first_name == "Newer"
    assert t.user.first_name == "Newer"
    assert "Saved" in messages_of(response)[0]


def test_school_admin_cannot_edit_a_district_administrator(client, world, school_admin):
    boss = factories.EducatorFactory(
        organizations=[world.district, world.school],
        organization=world.school,
        educator_type=Educator.EducatorType.ADMINISTRATOR,
        first_name="Boss",
    )
    client.force_login(school_admin)
    page = client.get(detail(boss))
    assert page.status_code == 200  # visible (they share North), read-only
    assert all(f.disabled for f in page.context["form"].fields.values())
    response = client.post(
        detail(boss),
        {
            "first_name": "Demoted",
            "last_name": "X",
            "username": boss.username,
            "educator_type": "teacher",
            "organizations": [world.school.pk],
        },
    )
    assert response.status_code == 403
    set_active = reverse("rostering:educator_set_active", args=[boss.pk])
    assert client.post(set_active, {"active": "0"}).status_code == 403
    boss.refresh_from_db()
    assert (boss.first_name, boss.educator_type, boss.is_active) == ("Boss", "administrator", True)


def test_school_admin_does_not_see_district_only_staff(client, world, school_admin, district_admin):
    dana = district_admin.educator
    client.force_login(school_admin)
    assert client.get(detail(dana)).status_code == 404


def test_synced_educator_locked_fields_are_disabled_and_posts_ignored(
    client, world, district_admin
):
    t = factories.EducatorFactory(
        organization=world.school, origin=Origin.SYNCED, first_name="Sis", email="a@x.org"
    )
    client.force_login(district_admin)
    page = client.get(detail(t))
    form = page.context["form"]
    for name in ("first_name", "last_name", "username", "educator_type", "organizations"):
        assert form.fields[name].disabled, name
    assert not form.fields["email"].disabled  # shared: editable, the sync puts it back
    assert "bi-lock-fill" in page.content.decode()
    client.post(
        detail(t),
        {
            "first_name": "Hacked",
            "last_name": "H",
            "username": "hacked",
            "educator_type": "administrator",
            "organizations": [world.other_school.pk],
            "email": "b@x.org",
        },
    )
    t.refresh_from_db()
    assert (t.first_name, t.username, t.educator_type) == ("Sis", t.username, "teacher")
    assert t.username != "hacked"
    assert list(t.organizations.all()) == [world.school]
    assert t.email == "b@x.org"


def test_deactivate_and_reactivate(client, world, district_admin):
    t = factories.EducatorFactory(organization=world.school)
    url = reverse("rostering:educator_set_active", args=[t.pk])
    client.force_login(district_admin)
    client.post(url, {"active": "0"})
    t.refresh_from_db()
    t.user.refresh_from_db()
    assert not t.is_active and not t.user.is_active
    client.post(url, {"active": "1"})
    t.refresh_from_db()
    assert t.is_active


def test_admin_cannot_deactivate_themself(client, world, district_admin):
    me = district_admin.educator
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:educator_set_active", args=[me.pk]), {"active": "0"}, follow=True
    )
    me.refresh_from_db()
    assert me.is_active
    assert "your own account" in messages_of(response)[0]


def test_synced_educator_cannot_be_deactivated_by_hand(client, world, district_admin):
    t = factories.EducatorFactory(organization=world.school, origin=Origin.SYNCED)
    client.force_login(district_admin)
    client.post(reverse("rostering:educator_set_active", args=[t.pk]), {"active": "0"})
    t.refresh_from_db()
    assert t.is_active


# ---- classes tab ----------------------------------------------------------------------------


def test_classes_tab_offers_only_manual_classes_of_their_schools(client, world, district_admin):
    t = factories.EducatorFactory(organization=world.school)
    manual = factories.ClassGroupFactory(school=world.school, name="Manual")
    synced = factories.ClassGroupFactory(school=world.school, name="Synced", origin=Origin.SYNCED)
    factories.ClassGroupFactory(school=world.other_school, name="South")
    client.force_login(district_admin)
    page = client.get(classes(t))
    offered = list(page.context["form"].fields["class_groups"].queryset)
    assert offered == [manual]
    response = client.post(classes(t), {"class_groups": [synced.pk]})
    assert response.status_code == 200
    assert not ClassEducator.objects.exists()
    client.post(classes(t), {"class_groups": [manual.pk]})
    assert list(t.class_groups.all()) == [manual]
    client.post(reverse("rostering:educator_class_remove", args=[t.pk]), {"class_group": manual.pk})
    assert not t.class_groups.exists()


def test_synced_membership_cannot_be_removed_from_the_educator_page(client, world, district_admin):
    t = factories.EducatorFactory(organization=world.school)
    synced = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    ClassEducator.objects.create(class_group=synced, educator=t, origin=Origin.SYNCED)
    client.force_login(district_admin)
    response = client.post(
        reverse("rostering:educator_class_remove", args=[t.pk]),
        {"class_group": synced.pk},
        follow=True,
    )
    assert ClassEducator.objects.filter(class_group=synced, educator=t).exists()
    assert any("synced from your SIS" in m for m in messages_of(response))
