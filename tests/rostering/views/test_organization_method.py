"""Management > Organization > Rostering method: the chooser, and who may change the method."""

import pytest
from django.urls import reverse

from rostering.models import Organization

METHOD = reverse("rostering:rostering_method")
SMALL_DISTRICT = {
    "head_count": "under_50",
    "mobility": "rarely",
    "updates": "as_needed",
    "current_method": "by_hand",
}
BIG_SIS_DISTRICT = {
    "head_count": "over_200",
    "mobility": "often",
    "updates": "daily_or_weekly",
    "current_method": "sis",
}


def method_of(district) -> str:
    district.refresh_from_db()
    return district.rostering_method


def test_district_admin_answers_the_four_questions_and_gets_a_recommendation_with_reasons(
    client, world, district_admin
):
    client.force_login(district_admin)
    response = client.get(METHOD, BIG_SIS_DISTRICT)
    assert response.status_code == 200
    body = response.content.decode()
    assert "We recommend: Automated" in body
    assert "More than 200 accounts are best kept by your SIS" in body
    assert "Daily or weekly updates need a scheduled sync" in body
    assert "Use Automated rostering" in body  # the district is self-managed today
    assert method_of(world.district) == "self_managed"  # nothing saved by answering


def test_the_chooser_asks_four_labelled_questions(client, world, district_admin):
    client.force_login(district_admin)
    body = client.get(METHOD).content.decode()
    for question in (
        "How many student and educator accounts",
        "How often do students move between schools",
        "How often does your roster need updating",
        "How do you keep rosters today",
    ):
        assert question in body
    assert "We recommend" not in body


def test_an_unanswered_question_is_pointed_out_and_nothing_is_recommended(
    client, world, district_admin
):
    client.force_login(district_admin)
    response = client.get(METHOD, {**SMALL_DISTRICT, "updates": ""})
    assert response.context["recommendation"] is None
    assert response.context["chooser"].errors["updates"] == [
        "Pick the answer closest to your district."
    ]


def test_a_recommendation_equal_to_the_current_method_says_so(client, world, district_admin):
    client.force_login(district_admin)
    body = client.get(METHOD, SMALL_DISTRICT).content.decode()
    assert "We recommend: Self-managed" in body
    assert "This is already your district's method." in body


def test_district_admin_applies_the_recommendation(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(METHOD, {"rostering_method": "automated"})
    assert response.status_code == 302
    assert method_of(world.district) == "automated"
    assert world.district.history.latest().history_user == district_admin
    home = client.get(reverse("rostering:organization"))
    assert "Maple District now uses Automated rostering." in [
        str(m) for m in home.context["messages"]
    ]
    assert reverse("sync:home") in home.content.decode().split("</nav>", 1)[1]


def test_leaving_automated_rostering_turns_single_sign_on_off_with_a_warning(
    client, world, district_admin
):
    Organization.objects.filter(pk=world.district.pk).update(
        rostering_method="automated", sso_enabled=True
    )
    client.force_login(district_admin)
    page = client.get(METHOD).content.decode()
    assert "choosing another method turns it off" in page
    response = client.post(METHOD, {"rostering_method": "assisted"}, follow=True)
    assert method_of(world.district) == "assisted"
    world.district.refresh_from_db()
    assert world.district.sso_enabled is False
    assert any(
        m.level_tag == "warning" and str(m).startswith("Single sign-on is now off")
        for m in response.context["messages"]
    )


def test_an_unknown_method_is_refused(client, world, district_admin):
    client.force_login(district_admin)
    response = client.post(METHOD, {"rostering_method": "carrier_pigeon"})
    assert response.status_code == 200
    assert response.context["method_form"].errors["rostering_method"]
    assert method_of(world.district) == "self_managed"


def test_school_admin_sees_the_recommendation_but_cannot_apply_it(client, world, school_admin):
    client.force_login(school_admin)
    response = client.get(METHOD, BIG_SIS_DISTRICT)
    assert response.status_code == 200
    body = response.content.decode()
    assert "We recommend: Automated" in body
    assert "Use Automated rostering" not in body
    assert "Your district administrator can apply it." in body


@pytest.mark.parametrize("role", ["school_admin", "teacher"])
def test_a_crafted_post_of_the_method_by_anyone_but_a_district_admin_is_refused(
    client, world, people, role
):
    client.force_login(people[role])
    response = client.post(METHOD, {"rostering_method": "automated"})
    assert response.status_code == 403
    assert method_of(world.district) == "self_managed"


def test_teacher_cannot_open_the_chooser(client, world, teacher):
    client.force_login(teacher)
    assert client.get(METHOD, SMALL_DISTRICT).status_code == 403


def test_outsider_changes_only_their_own_district(client, world, outsider):
    client.force_login(outsider)
    response = client.post(METHOD, {"rostering_method": "assisted"})
    assert response.status_code == 302
    assert method_of(world.other_district) == "assisted"
    assert method_of(world.district) == "self_managed"


def test_anonymous_post_changes_nothing(client, world):
    response = client.post(METHOD, {"rostering_method": "automated"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    assert method_of(world.district) == "self_managed"


def test_leaving_automated_rostering_warns_first_and_pauses_the_scheduled_sync(
    client, world, district_admin
):
    from rostering.sync.models import SyncSource

    Organization.objects.filter(pk=world.district.pk).update(rostering_method="automated")
    SyncSource.objects.update_or_create(
        district=world.district, defaults={"schedule": SyncSource.Schedule.DAILY}
    )
    client.force_login(district_admin)
    page = client.get(METHOD).content.decode()
    assert "Choosing another method pauses the scheduled SIS sync" in page
    response = client.post(METHOD, {"rostering_method": "self_managed"}, follow=True)
    assert method_of(world.district) == "self_managed"
    assert SyncSource.objects.get(district=world.district).schedule == SyncSource.Schedule.OFF
    assert any(
        m.level_tag == "warning" and str(m).startswith("The scheduled SIS sync is paused")
        for m in response.context["messages"]
    )


def test_the_method_form_names_the_choosers_recommendation(client, world, district_admin):
    client.force_login(district_admin)
    page = client.get(METHOD, BIG_SIS_DISTRICT).content.decode()
    assert 'data-testid="method-recommendation"' in page
    assert "Your answers above recommend <strong>Automated</strong>" in page
