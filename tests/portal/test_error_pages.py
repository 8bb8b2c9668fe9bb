from django.urls import reverse

from tests import factories


def test_record_outside_your_schools_shows_a_friendly_404_in_the_portal_shell(
    client, world, teacher
):
    other = factories.StudentFactory(school=world.outsider_school)
    client.force_login(teacher)
    response = client.get(reverse("rostering:student_detail", args=[other.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn't find that" in body
    assert "Homeroom" in body and other.last_name not in body


def test_teacher_refused_educators_sees_a_friendly_403(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("rostering:educator_list"))
    assert response.status_code == 403
    assert "You can't do that here" in response.content.decode()


def test_the_403_page_gives_the_reason_in_one_sentence(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("rostering:educator_list"))
    reason = response.content.decode().split('data-testid="forbidden-reason">')[1].split("</p>")[0]
    assert reason == (
        "Your role does not allow this: ask your district administrator if you need more access."
    )
