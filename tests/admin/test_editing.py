"""Editing in the admin keeps the portal's rules: locked fields of a synced record are
read-only and refused when posted by hand; edits go through the services and show in the
record's history with the channel "admin"."""

from django.urls import reverse

from rostering.models import ClassGroup, ClassStudent, Origin, Student
from tests import factories

from .conftest import _field_values, admin_url, change_form_data


def _synced_student(world, **extra):
    return factories.StudentFactory(
        school=world.school, origin=Origin.SYNCED, first_name="Tim", email="", **extra
    )


def test_locked_fields_of_a_synced_student_are_read_only_with_a_note(support_client, world):
    student = _synced_student(world)
    response = support_client.get(admin_url(student))
    form = response.context["adminform"].form
    assert "first_name" not in form.fields and "username" not in form.fields
    assert "grade" in form.fields  # shared in the factory's configuration, or local
    page = response.content.decode()
    assert "Synced from your SIS: this must be changed in your SIS." in page
    assert 'aria-label="Synced from the SIS"' in page


def test_a_locked_field_posted_by_hand_is_refused_and_nothing_changes(support_client, world):
    student = _synced_student(world, grade="03")
    url = admin_url(student)
    data = change_form_data(support_client.get(url))
    data.update({"first_name": "Timothy", "grade": "04"})

    response = support_client.post(url, data)

    assert response.status_code == 200  # the form again, with the refusal
    assert "First name: Synced from your SIS" in response.content.decode()
    student.refresh_from_db()
    assert (student.first_name, student.grade) == ("Tim", "03")
    assert student.history.count() == 1


def test_an_admin_edit_appears_in_history_with_channel_admin(support_client, support, world):
    student = factories.StudentFactory(school=world.school, first_name="Timothy", grade="03")
    url = admin_url(student)
    data = change_form_data(support_client.get(url))
    data.update({"first_name": "Tim", "grade": "04"})

    response = support_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    student.refresh_from_db()
    assert (student.first_name, student.grade) == ("Tim", "04")
    latest = student.history.latest()
    assert latest.history_channel == "admin" and latest.history_user == support
    history = " ".join(support_client.get(admin_url(student, "history")).content.decode().split())
    assert '<th scope="col">channel</th>' in history and "<td>admin</td>" in history
    # The version compared with the one before it, field by field.
    assert "<strong>First name:</strong> Timothy &nbsp;&rarr;&nbsp;&nbsp;Tim" in history
    assert "<strong>Grade:</strong> Grade 3 &nbsp;&rarr;&nbsp;&nbsp;Grade 4" in history


def test_reverting_to_an_old_version_puts_it_back_through_the_services(
    support_client, support, world
):
    student = factories.StudentFactory(school=world.school, first_name="Timothy", grade="03")
    url = admin_url(student)
    data = change_form_data(support_client.get(url))
    support_client.post(url, {**data, "first_name": "Tim", "grade": "04"})
    first = student.history.earliest()
    version_url = reverse(
        "admin:rostering_student_simple_history", args=[student.pk, first.history_id]
    )
    version = support_client.get(version_url)
    assert version.context["adminform"].form["first_name"].value() == "Timothy"

    response = support_client.post(version_url, _field_values(version.context["adminform"].form))

    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.first_name, student.grade) == ("Timothy", "03")
    latest = student.history.latest()
    assert (latest.history_channel, latest.history_user) == ("admin", support)


def test_a_rule_the_service_keeps_is_shown_on_the_form(support_client, world):
    factories.StudentFactory(school=world.school, external_id="S-1")
    student = factories.StudentFactory(school=world.school, external_id="S-2")
    url = admin_url(student)
    data = change_form_data(support_client.get(url))
    data["external_id"] = "S-1"

    response = support_client.post(url, data)

    assert response.status_code == 200
    assert "already has the External Assigned ID" in response.content.decode()
    student.refresh_from_db()
    assert student.external_id == "S-2"


def test_a_school_of_another_district_is_refused(support_client, world):
    student = factories.StudentFactory(school=world.school)
    url = admin_url(student)
    data = change_form_data(support_client.get(url))
    data["schools"] = [str(world.outsider_school.pk)]

    response = support_client.post(url, data)

    assert response.status_code == 200
    assert "is not in this district" in response.content.decode()
    assert list(student.schools.all()) == [world.school]


def test_students_are_added_to_a_manual_class_through_the_service(support_client, world):
    klass = factories.ClassGroupFactory(school=world.school, district=world.district)
    student = factories.StudentFactory(school=world.school)
    url = admin_url(klass)
    data = change_form_data(support_client.get(url))
    prefix = "classstudent_set"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-student"] = str(student.pk)
    data[f"{prefix}-{total}-class_group"] = str(klass.pk)

    response = support_client.post(url, data)

    assert response.status_code == 302
    membership = ClassStudent.objects.get(class_group=klass)
    assert membership.student == student and membership.origin == Origin.MANUAL


def test_a_synced_class_roster_is_read_only_but_its_products_are_editable(support_client, world):
    klass = factories.ClassGroupFactory(
        school=world.school, district=world.district, origin=Origin.SYNCED
    )
    response = support_client.get(admin_url(klass))
    inlines = {i.formset.prefix: i for i in response.context["inline_admin_formsets"]}
    assert not inlines["classstudent_set"].has_add_permission
    assert inlines["product_links"].has_add_permission


def test_deactivate_action_refuses_synced_students_and_deactivates_manual_ones(
    support_client, world
):
    manual = factories.StudentFactory(school=world.school)
    synced = _synced_student(world)
    response = support_client.post(
        admin_url(Student, "changelist"),
        {"action": "deactivate", "_selected_action": [manual.pk, synced.pk]},
        follow=True,
    )
    manual.refresh_from_db()
    synced.refresh_from_db()
    assert not manual.is_active and synced.is_active
    page = response.content.decode()
    assert f"Deactivated 1 student: {manual.full_name}." in page
    assert f"Not changed, {synced.full_name}: " in page and "must be changed in your SIS" in page
    assert manual.history.latest().history_channel == "admin"


def test_reset_password_action_shows_the_new_password(support_client, world):
    from rostering.passwords import decrypt_password

    student = factories.StudentFactory(school=world.school, username="kid.one")
    response = support_client.post(
        admin_url(Student, "changelist"),
        {"action": "reset_password", "_selected_action": [student.pk]},
        follow=True,
    )
    student.refresh_from_db()
    password = decrypt_password(student.password_encrypted)
    assert password != "tiger42"
    assert f"(kid.one): {password}" in response.content.decode()


def test_search_by_external_id_finds_a_student_of_any_district(support_client, world):
    factories.StudentFactory(school=world.school, external_id="778899", last_name="Maple")
    oak = factories.StudentFactory(school=world.outsider_school, external_id="445566")
    response = support_client.get(admin_url(Student, "changelist"), {"q": "445566"})
    assert list(response.context["cl"].result_list) == [oak]


def test_search_by_name_and_username(support_client, world):
    ana = factories.StudentFactory(
        school=world.school, first_name="Ana", last_name="Lopez", username="ana.l"
    )
    factories.StudentFactory(school=world.school, first_name="Ben", last_name="Lopez")
    url = admin_url(Student, "changelist")
    assert list(support_client.get(url, {"q": "ana lopez"}).context["cl"].result_list) == [ana]
    assert list(support_client.get(url, {"q": "ana.l"}).context["cl"].result_list) == [ana]


def test_filters_by_district_and_origin(support_client, world):
    maple = factories.StudentFactory(school=world.school, origin=Origin.SYNCED)
    factories.StudentFactory(school=world.outsider_school, origin=Origin.SYNCED)
    factories.StudentFactory(school=world.school)
    response = support_client.get(
        admin_url(Student, "changelist"), {"district": world.district.pk, "origin": "synced"}
    )
    assert list(response.context["cl"].result_list) == [maple]


def test_class_list_shows_a_lock_with_a_text_alternative(support_client, world):
    factories.ClassGroupFactory(
        school=world.school, district=world.district, origin=Origin.SYNCED, name="Math 3"
    )
    page = support_client.get(reverse("admin:rostering_classgroup_changelist")).content.decode()
    assert 'aria-label="Synced from the SIS"' in page and "Math 3" in page
    assert ClassGroup.objects.count() == 1


def test_history_reads_a_password_reset_as_such_and_hides_an_empty_reason_column(
    support_client, world, teacher
):
    from rostering import services

    student = factories.StudentFactory(school=world.school, first_name="Timothy")
    services.student_set_password(actor=teacher, student=student, password="lion77")
    history = " ".join(support_client.get(admin_url(student, "history")).content.decode().split())
    assert "<li>password reset</li>" in history
    student.refresh_from_db()
    # Never the encrypted token, nor its mac.
    assert student.password_encrypted.rsplit("$", 1)[1] not in history
    assert student.password_encrypted.split("$")[2] not in history
    assert "Change reason" not in history  # no version has one
