"""Management > Organization: who sees which part of the tree, who edits and adds what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.models import Organization
from tests import factories

HOME = reverse("rostering:organization")
ADD = reverse("rostering:organization_add")


def edit(org):
    return reverse("rostering:organization_edit", args=[org.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def tree_names(response) -> list[str]:
    def walk(node):
        yield node.org.name
        for child in node.children:
            yield from walk(child)

    return list(walk(response.context["tree"]))


def post_edit(client, org, **changes):
    data = {
        "name": org.name,
        "external_id": org.external_id or "",
        "parent": org.parent_id or "",
        **changes,
    }
    return client.post(edit(org), data)


# ---- the tree -------------------------------------------------------------------------------


def test_district_admin_sees_the_whole_district_as_a_tree(client, world, district_admin):
    annex = factories.SchoolFactory(
        district=world.district, parent=world.school, name="North Annex"
    )
    factories.StudentFactory(school=world.school)
    client.force_login(district_admin)
    response = client.get(HOME)
    assert response.status_code == 200
    tree = response.context["tree"]
    assert tree.org == world.district
    assert [c.org.name for c in tree.children] == ["North Elementary", "South Elementary"]
    north = tree.children[0]
    assert [c.org for c in north.children] == [annex]
    assert north.org.student_count == 1
    assert all(node.can_change for node in (tree, north, north.children[0]))
    assert "Oak" not in response.content.decode()


def test_school_admin_sees_their_school_under_the_district_and_edits_only_it(
    client, world, school_admin
):
    client.force_login(school_admin)
    response = client.get(HOME)
    assert tree_names(response) == ["Maple District", "North Elementary"]
    tree = response.context["tree"]
    assert tree.can_change is False
    assert tree.children[0].can_change is True
    body = response.content.decode()
    assert edit(world.school) in body
    assert edit(world.district) not in body
    assert "South Elementary" not in body


def test_teacher_sees_their_school_read_only(client, world, teacher):
    client.force_login(teacher)
    response = client.get(HOME)
    assert response.status_code == 200
    assert tree_names(response) == ["Maple District", "North Elementary"]
    body = response.content.decode()
    assert edit(world.school) not in body
    assert ADD not in body
    assert reverse("rostering:rostering_method") not in body
    assert "Self-managed" in body  # the district's method is shown to everyone


def test_outsider_sees_only_their_own_district(client, world, outsider):
    client.force_login(outsider)
    response = client.get(HOME)
    assert tree_names(response) == ["Oak District", "Oak Middle"]
    assert "Maple" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_support_staff_are_pointed_to_the_admin(client, support):
    assert client.get(HOME).status_code == 302
    client.force_login(support)
    assert client.get(HOME).status_code == 403


def test_the_tree_runs_a_fixed_number_of_queries_however_many_schools(
    client, world, district_admin
):
    client.force_login(district_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    before = queries()
    for n in range(8):
        school = factories.SchoolFactory(district=world.district, name=f"School {n}")
        factories.StudentFactory(school=school)
    assert queries() == before


def test_add_menu_links_to_bulk_create_students_and_adding_a_school(client, world, district_admin):
    client.force_login(district_admin)
    body = client.get(HOME).content.decode()
    assert reverse("imports:bulk_students") in body
    assert ADD in body


def test_sync_link_shows_for_an_automated_district_only(client, world, district_admin):
    client.force_login(district_admin)
    assert reverse("sync:home") not in client.get(HOME).content.decode().split("</nav>", 1)[1]
    Organization.objects.filter(pk=world.district.pk).update(rostering_method="automated")
    body = client.get(HOME).content.decode().split("</nav>", 1)[1]
    assert reverse("sync:home") in body


# ---- editing ---------------------------------------------------------------------------------


def test_school_admin_renames_their_school(client, world, school_admin):
    client.force_login(school_admin)
    response = post_edit(client, world.school, name="North Elementary School")
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.name == "North Elementary School"
    assert "Saved North Elementary School." in messages_of(client.get(HOME))
    assert world.school.history.latest().history_user == school_admin


def test_the_district_form_no_longer_switches_single_sign_on(client, world, district_admin):
    """Single sign-on is turned on with its provider (Single sign-on settings), not here."""
    Organization.objects.filter(pk=world.district.pk).update(rostering_method="automated")
    client.force_login(district_admin)
    response = client.post(
        edit(world.district), {"name": "Maple District", "external_id": "", "sso_enabled": "on"}
    )
    assert response.status_code == 302
    world.district.refresh_from_db()
    assert world.district.sso_enabled is False


def test_district_admin_moves_a_school_below_another(client, world, district_admin):
    client.force_login(district_admin)
    post_edit(client, world.other_school, parent=world.school.pk)
    world.other_school.refresh_from_db()
    assert world.other_school.parent == world.school


def test_a_school_cannot_be_placed_below_itself(client, world, district_admin):
    annex = factories.SchoolFactory(district=world.district, parent=world.school)
    client.force_login(district_admin)
    response = post_edit(client, world.school, parent=annex.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    world.school.refresh_from_db()
    assert world.school.parent == world.district


def test_teacher_is_refused_editing_their_own_school(client, world, teacher):
    client.force_login(teacher)
    assert client.get(edit(world.school)).status_code == 403
    response = post_edit(client, world.school, name="Hacked")
    assert response.status_code == 403
    world.school.refresh_from_db()
    assert world.school.name == "North Elementary"


@pytest.mark.parametrize("role", ["school_admin", "outsider"])
def test_another_schools_edit_page_is_not_found(client, world, people, role):
    target = world.other_school
    client.force_login(people[role])
    assert client.get(edit(target)).status_code == 404
    assert post_edit(client, target, name="Hacked").status_code == 404
    target.refresh_from_db()
    assert target.name == "South Elementary"


def test_school_admin_cannot_edit_the_district(client, world, school_admin):
    client.force_login(school_admin)
    response = client.post(
        edit(world.district), {"name": "Hacked District", "external_id": "", "sso_enabled": "on"}
    )
    assert response.status_code == 403
    world.district.refresh_from_db()
    assert (world.district.name, world.district.sso_enabled) == ("Maple District", False)


def test_school_admin_cannot_move_their_school_into_another_school(client, world, school_admin):
    client.force_login(school_admin)
    response = post_edit(client, world.school, parent=world.other_school.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    world.school.refresh_from_db()
    assert world.school.parent == world.district


def test_district_admin_cannot_move_a_school_into_another_district(client, world, district_admin):
    client.force_login(district_admin)
    response = post_edit(client, world.school, parent=world.outsider_school.pk)
    assert response.status_code == 200
    world.school.refresh_from_db()
    assert world.school.parent == world.district


def test_a_synced_schools_locked_fields_are_disabled_and_a_crafted_post_changes_nothing(
    client, world, district_admin
):
    synced = factories.SchoolFactory(
        district=world.district, name="Synced High", origin="synced", external_id="SH-1"
    )
    client.force_login(district_admin)
    form = client.get(edit(synced)).context["form"]
    assert form.fields["name"].disabled and form.fields["parent"].disabled
    body = client.get(edit(synced)).content.decode()
    assert "this must be changed in your SIS" in body
    response = post_edit(
        client, synced, name="Renamed by hand", external_id="X-9", parent=world.school.pk
    )
    assert response.status_code == 302
    synced.refresh_from_db()
    assert (synced.name, synced.external_id, synced.parent) == (
        "Synced High",
        "SH-1",
        world.district,
    )


# ---- adding a school ---------------------------------------------------------------------------


def test_district_admin_adds_a_school(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        ADD,
        {"name": "West Middle", "org_type": "school", "parent": world.district.pk},
    )
    assert response.status_code == 302
    west = Organization.objects.get(name="West Middle")
    assert (west.district, west.parent, west.origin) == (world.district, world.district, "manual")
    assert "West Middle added to Maple District." in messages_of(client.get(HOME))


def test_adding_a_school_whose_name_the_district_has_is_refused(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(
        ADD, {"name": "north elementary ", "org_type": "school", "parent": world.district.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Maple District already has an organization named “North Elementary”: choose another "
        "name (for example, add the town or the level)."
    ]
    assert Organization.objects.filter(name__iexact="north elementary").count() == 1


def test_renaming_a_school_to_another_schools_name_is_refused(client, world, district_admin):
    client.force_login(district_admin)
    response = post_edit(client, world.school, name=world.other_school.name)
    assert response.status_code == 200
    world.school.refresh_from_db()
    assert world.school.name == "North Elementary"


def test_adding_a_school_without_a_name_says_so(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(ADD, {"name": "", "org_type": "school", "parent": world.district.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Organization.objects.filter(district=world.district).count() == 2


@pytest.mark.parametrize("role", ["teacher", "school_admin"])
def test_only_district_admins_add_schools(client, world, people, role):
    client.force_login(people[role])
    assert client.get(ADD).status_code == 403
    response = client.post(ADD, {"name": "Rogue", "org_type": "school", "parent": world.school.pk})
    assert response.status_code == 403
    assert not Organization.objects.filter(name="Rogue").exists()


def test_outsider_cannot_add_a_school_to_another_district(client, world, outsider):
    client.force_login(outsider)
    response = client.post(ADD, {"name": "Rogue", "org_type": "school", "parent": world.school.pk})
    assert response.status_code == 200  # Maple's school is not a choice: a form error
    assert response.context["form"].errors["parent"]
    assert not Organization.objects.filter(name="Rogue").exists()
