from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import screenshot, sign_in


def test_demo_teacher_signs_in_and_sees_home_page(transactional_db, page):
    call_command("seed_demo", verbosity=0)
    sign_in(page, "demo-teacher", "homeroom-demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Unified School District")
    expect(page.get_by_test_id("rostering-method")).to_contain_text("Automated")
    expect(page.get_by_text("You are signed in as a teacher")).to_be_visible()
    screenshot(page, "home-demo-teacher")


def test_wrong_password_is_refused_with_a_message(transactional_db, page):
    call_command("seed_demo", verbosity=0)
    sign_in(page, "demo-teacher", "not-the-password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    screenshot(page, "sign-in-refused")
