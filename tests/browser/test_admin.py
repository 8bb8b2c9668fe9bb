"""Support staff in the Django admin: find a student of the demo district, open a synced
record, work the assisted queue. Screenshots kept."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from rostering.demo import DEMO_PASSWORD
from rostering.imports.models import AssistedSubmission, SubmissionFile
from rostering.models import Origin, Student
from rostering.registry.normalisers import grade_label

from .conftest import screenshot


def _admin_sign_in(page):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("demo-support")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def test_support_finds_a_synced_student_by_id_and_sees_locked_fields(transactional_db, page):
    call_command("seed_demo", verbosity=0)
    synced = Student.objects.filter(origin=Origin.SYNCED).exclude(external_id=None).first()
    _admin_sign_in(page)
    expect(page.get_by_role("link", name="Students", exact=True)).to_be_visible()
    screenshot(page, "admin-index")

    page.goto("/admin/rostering/student/")
    expect(page.get_by_role("img", name="Synced from the SIS").first).to_be_visible()
    screenshot(page, "admin-students-list")

    page.get_by_role("textbox").first.fill(synced.external_id)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody tr a").first.click()
    expect(
        page.get_by_text("Synced from your SIS: this must be changed in your SIS.")
    ).to_be_visible()
    expect(page.locator("input[name=first_name]")).to_have_count(0)  # shown as text
    expect(page.locator("select[name=grade]")).to_be_enabled()  # shared: editable
    screenshot(page, "admin-student-synced")

    # Fix a shared field, then read who changed what in the record's history.
    grade = page.locator("select[name=grade]")
    old_grade = grade.input_value()
    new_grade = "05" if old_grade != "05" else "06"
    grade.select_option(new_grade)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name="History").click()
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("admin")
    was, now = grade_label(old_grade), grade_label(new_grade)  # "Grade 2 → Grade 5", not codes
    expect(latest).to_contain_text(re.compile(rf"Grade:\s*{was}\s*→\s*{now}"))
    expect(latest).to_contain_text("Sky Support")
    screenshot(page, "admin-student-history")


def test_support_checks_a_submission_from_the_queue(transactional_db, page):
    call_command("seed_demo", verbosity=0)
    district = Student.objects.first().district
    submission = AssistedSubmission.objects.create(
        district=district, note="Our 40 summer-school students, please"
    )
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="summer.csv", content=b"x\r\n"
    )
    _admin_sign_in(page)
    page.goto("/admin/imports/assistedsubmission/")
    expect(page.get_by_text("Our 40 summer-school students, please")).to_be_visible()
    screenshot(page, "admin-assisted-queue")
    page.goto(f"/admin/imports/assistedsubmission/{submission.pk}/change/")
    expect(page.get_by_text("Not checked yet.")).to_be_visible()
    screenshot(page, "admin-assisted-submission")


def test_support_runs_the_checks_in_the_background_and_opens_the_preview(
    transactional_db, page
):
    from django.contrib.auth import get_user_model
    from django.test import override_settings

    from rostering.imports import submissions
    from rostering.models import Organization

    call_command("seed_demo", verbosity=0)
    district = Organization.objects.get(slug="demo")
    school = Organization.objects.filter(district=district).exclude(pk=district.pk).first()
    submission = AssistedSubmission.objects.create(district=district, note="Two new pupils")
    content = (
        "First Name,Last Name,Username,Organizations,Grade\r\n"
        f"Ana,Lopez,ana.bg,{school.name},03\r\n"
        f"Ben,Kim,,{school.name},03\r\n"
    ).encode()
    SubmissionFile.objects.create(
        submission=submission, kind="students", file_name="pupils.csv", content=content
    )
    support = get_user_model().objects.get(username="demo-support")
    _admin_sign_in(page)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        page.goto("/admin/imports/assistedsubmission/")
        page.locator(f"input[name=_selected_action][value='{submission.pk}']").check()
        page.locator("select[name=action]").select_option("run_checks")
        page.get_by_role("button", name="Go").click()
        expect(page.locator(".messagelist")).to_contain_text("queued for checking")

        page.goto(f"/admin/imports/assistedsubmission/{submission.pk}/change/")
        expect(page.get_by_text("Being checked by the background worker")).to_be_visible()
        screenshot(page, "admin-assisted-being-checked")

        submissions.submission_check_run(submission.pk, support.pk)  # what the worker does

    # The page reloads itself until the worker is done.
    expect(page.get_by_text("Has errors: nothing can be imported yet")).to_be_visible()
    page.get_by_text("1 error(s)").click()  # every error, unfolded (an empty cell is told once)
    expect(page.get_by_text("Row 3, Username:").first).to_be_visible()
    screenshot(page, "admin-assisted-checked")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == "pupils.csv"

    page.get_by_role("link", name="Open the full preview").click()
    expect(page.locator("#job-summary")).to_contain_text(f"for {district.name}")
    expect(page.locator("#import-errors")).to_contain_text("Username")
    # The file is imported from its submission, not from here; the portal's upload is not
    # support's.
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    expect(page.get_by_role("link", name="Upload another file")).to_have_count(0)
    screenshot(page, "admin-assisted-preview")
    page.get_by_role("link", name=f"assisted submission #{submission.pk}").click()
    expect(page).to_have_url(re.compile(f"/admin/imports/assistedsubmission/{submission.pk}/"))


def test_support_reads_who_removed_a_student_from_a_class_in_its_history(transactional_db, page):
    from rostering.models import ClassGroup, ClassStudent

    call_command("seed_demo", verbosity=0)
    klass = ClassGroup.objects.filter(origin=Origin.MANUAL, classstudent__isnull=False).first()
    member = ClassStudent.objects.filter(class_group=klass).order_by("pk").first()
    _admin_sign_in(page)
    page.goto(f"/admin/rostering/classgroup/{klass.pk}/change/")
    page.wait_for_load_state("networkidle")  # the admin's inline and autocomplete scripts
    page.locator("input[name='classstudent_set-0-DELETE']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.get_by_role("link", name="History").click()
    section = page.get_by_role("region", name="Schools, classes and products")
    latest = section.locator("tbody tr").first
    expect(latest).to_contain_text(f"removed from class/group {klass.name}")
    expect(latest).to_contain_text(str(member.student))
    expect(latest).to_contain_text("Sky Support")
    expect(latest).to_contain_text("admin")
    screenshot(page, "admin-class-history-memberships")

    page.goto(f"/admin/rostering/student/{member.student_id}/history/")
    expect(page.get_by_role("region", name="Schools, classes and products")).to_contain_text(
        f"removed from class/group {klass.name}"
    )
    screenshot(page, "admin-student-history-memberships")


def test_support_compares_two_versions_of_a_student(transactional_db, page):
    from django.contrib.auth import get_user_model

    from rostering import services

    call_command("seed_demo", verbosity=0)
    support = get_user_model().objects.get(username="demo-support")
    student = Student.objects.filter(origin=Origin.MANUAL).first()
    first_name = student.first_name
    services.student_update(actor=support, student=student, first_name="Renamed")
    services.student_update(actor=support, student=student, grade="05")
    _admin_sign_in(page)
    page.goto(f"/admin/rostering/student/{student.pk}/history/")
    older = page.get_by_role("radio", name=re.compile("^Compare from")).last
    older.check()  # the first version; the newest is chosen as "to" already
    screenshot(page, "admin-history-choose-versions")
    page.get_by_role("button", name="Compare the chosen versions").click()
    table = page.get_by_role("table", name="Fields that differ between the two versions")
    expect(table.get_by_role("row", name=re.compile("First name"))).to_contain_text(first_name)
    expect(table.get_by_role("row", name=re.compile("First name"))).to_contain_text("Renamed")
    expect(table.get_by_role("row", name=re.compile("Grade"))).to_contain_text("Grade 5")
    screenshot(page, "admin-history-compare")


def test_support_adds_a_school_through_a_named_search_box(transactional_db, page):
    call_command("seed_demo", verbosity=0)
    student = Student.objects.filter(origin=Origin.MANUAL, schools__name="Lincoln Elementary")[0]
    _admin_sign_in(page)
    page.goto(f"/admin/rostering/student/{student.pk}/change/")
    page.wait_for_load_state("networkidle")  # the autocomplete scripts

    search = page.get_by_role("searchbox", name="Search schools")
    search.fill("Roose")
    page.get_by_role("option", name="Roosevelt Middle School").click()
    # Still named once a school is chosen, and no stray "remove all" inside the chosen list
    # (axe checks the page as it is now).
    expect(page.get_by_role("searchbox", name="Search schools")).to_be_attached()
    expect(page.locator(".select2-selection__clear")).to_have_count(0)
    screenshot(page, "admin-student-schools-autocomplete")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert sorted(student.schools.values_list("name", flat=True)) == [
        "Lincoln Elementary",
        "Roosevelt Middle School",
    ]

    # A single choice's box is named after its field, empty (an add page) or not, and so is
    # an inline row's added later.
    page.goto("/admin/rostering/classgroup/add/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("combobox", name=re.compile("^School"))).to_be_visible()
    screenshot(page, "admin-class-add-school-autocomplete")
    klass = student.classstudent_set.filter(class_group__origin=Origin.MANUAL)[0].class_group
    page.goto(f"/admin/rostering/classgroup/{klass.pk}/change/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Add another Student", exact=True).click()
    added = page.locator("#classstudent_set-group tr.dynamic-classstudent_set")
    expect(added.get_by_role("combobox", name="Student, new row")).to_be_visible()
    screenshot(page, "admin-class-inline-row-added")


def test_an_operator_edits_a_sign_in_on_an_accessible_page(transactional_db, page):
    from tests.factories import UserFactory

    UserFactory(username="operator", is_staff=True, is_superuser=True)
    staff = UserFactory(username="helper", is_staff=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill("homeroom-test")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/accounts/user/{staff.pk}/change/")

    # Groups and permissions are plain lists with their labels; the sign-in dates are shown,
    # not edited (axe checks the page when it loads).
    expect(page.get_by_role("listbox", name="Groups")).to_be_visible()
    expect(page.locator("input[name='last_login_0']")).to_have_count(0)
    screenshot(page, "admin-user-change")
    page.get_by_label("First name").fill("Helen")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    staff.refresh_from_db()
    assert staff.first_name == "Helen"

    page.goto("/admin/auth/group/add/")  # a group's permissions: a plain labelled list too
    expect(page.get_by_role("listbox", name="Permissions")).to_be_visible()
    screenshot(page, "admin-group-add")
