from django.urls import reverse

from tests import factories


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_teacher_home_shows_district_method_and_counts_of_their_schools(client, world, teacher):
    factories.StudentFactory.create_batch(3, school=world.school)
    factories.StudentFactory.create_batch(2, school=world.other_school)
    client.force_login(teacher)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "Maple District" in body
    assert "Self-managed" in body
    assert response.context["counts"].students == 3  # not the other school's two


def test_district_admin_counts_cover_every_school(client, world, district_admin):
    factories.StudentFactory.create_batch(3, school=world.school)
    factories.StudentFactory.create_batch(2, school=world.other_school)
    factories.StudentFactory(school=world.outsider_school)
    client.force_login(district_admin)
    assert client.get(reverse("home")).context["counts"].students == 5


def test_support_home_lists_every_district(client, world, support):
    client.force_login(support)
    body = client.get(reverse("home")).content.decode()
    assert "Maple District" in body and "Oak District" in body


def test_password_change_page_works_for_an_educator(client, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "homeroom-test",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password("a-new-long-passphrase")


def test_the_synced_students_card_opens_the_list_filtered_to_synced(client, world, teacher):
    client.force_login(teacher)
    html = client.get("/").content.decode()
    assert 'href="/manage/students/?origin=synced"' in html
    assert 'rel="icon"' in html  # the favicon
