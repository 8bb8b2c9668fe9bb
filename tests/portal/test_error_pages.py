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


# ---- The same pages with DEBUG on (make run) -------------------------------------------------

ERROR_PAGES = "portal.error_pages.ProductErrorPagesMiddleware"


def debug_on():
    from django.conf import settings
    from django.test import override_settings

    return override_settings(
        DEBUG=True,
        ROOT_URLCONF="tests.portal.failing_urls",
        MIDDLEWARE=[ERROR_PAGES, *[m for m in settings.MIDDLEWARE if m != ERROR_PAGES]],
    )


def test_with_debug_on_a_missing_record_shows_the_product_404(client, world, teacher):
    other = factories.StudentFactory(school=world.outsider_school)
    client.force_login(teacher)
    with debug_on():
        response = client.get(reverse("rostering:student_detail", args=[other.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn't find that" in body and "DEBUG = True" not in body


def test_with_debug_on_an_unknown_address_shows_the_product_404(client, teacher):
    client.force_login(teacher)
    with debug_on():
        response = client.get("/no-such-page/")
        slash = client.get("/manage/students")
    assert response.status_code == 404
    assert "We couldn't find that" in response.content.decode()
    assert "DEBUG = True" not in response.content.decode()
    assert slash.status_code == 301  # APPEND_SLASH still redirects first


def test_with_debug_on_a_403_and_a_500_are_the_product_pages(client, teacher, caplog):
    from django.test import Client

    client.force_login(teacher)
    with debug_on():
        forbidden = client.get(reverse("rostering:educator_list"))
        broken = Client(raise_request_exception=False).get("/broken/")
    assert forbidden.status_code == 403
    assert "You can't do that here" in forbidden.content.decode()
    assert broken.status_code == 500
    body = broken.content.decode()
    assert "Something went wrong on our side" in body and "Traceback" not in body
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)
