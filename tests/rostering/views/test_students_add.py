"""Management > Students > Add (one, with "Save and add another"), and Add several (up to 50)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rostering.models import ClassStudent, Origin, Student
from rostering.passwords import decrypt_password
from tests import factories

ADD = reverse("rostering:student_add")
BULK = reverse("rostering:student_bulk_add")


def student_data(school, **extra) -> dict:
    data = {
        "first_name": "Nia",
        "last_name": "Ndiaye",
        "username": "nia.n",
        "grade": "02",
        "schools": [school.pk],
        "save": "Save",
    }
    data.update(extra)
    return data


def test_teacher_adds_a_student_with_a_generated_password(client, teacher, world):
    client.force_login(teacher)
    response = client.post(ADD, student_data(world.school))
    student = Student.objects.get(username="nia.n")
    assert response.status_code == 302
    assert response["Location"] == student.get_absolute_url()
    assert student.origin == Origin.MANUAL
    assert list(student.schools.all()) == [world.school]
    password = decrypt_password(student.password_encrypted)
    assert len(password) >= 4
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(password in m and "nia.n" in m for m in shown)


def test_save_and_add_another_keeps_school_and_class(client, teacher, world):
    group = factories.ClassGroupFactory(school=world.school, name="Robins")
    client.force_login(teacher)
    data = student_data(world.school, class_group=group.pk, password="otter77", add_another="1")
    del data["save"]
    response = client.post(ADD, data)
    assert response.status_code == 302
    assert response["Location"].startswith(ADD)
    follow = client.get(response["Location"])
    form = follow.context["form"]
    assert [int(pk) for pk in form.initial["schools"]] == [world.school.pk]
    assert int(form.initial["class_group"]) == group.pk
    student = Student.objects.get(username="nia.n")
    assert ClassStudent.objects.filter(student=student, class_group=group).exists()
    assert decrypt_password(student.password_encrypted) == "otter77"
    html = follow.content.decode()
    assert re.search(rf'<input[^>]*value="{world.school.pk}"[^>]*checked', html)


def test_required_fields_are_explained_next_to_the_field(client, teacher, world):
    client.force_login(teacher)
    response = client.post(ADD, {"save": "Save"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter the student's first name."]
    assert errors["username"] == ["Enter a username: the student signs in to products with it."]
    assert errors["schools"] == ["Choose at least one school."]
    assert Student.objects.count() == 0
    assert "Enter the student&#x27;s first name." in response.content.decode()


def test_taken_username_is_refused_with_a_plain_message(client, teacher, world):
    factories.StudentFactory(school=world.other_school, username="nia.n")
    client.force_login(teacher)
    response = client.post(ADD, student_data(world.school))
    assert response.status_code == 200
    assert "already taken" in " ".join(response.context["form"].errors["username"])
    assert Student.objects.filter(username="nia.n").count() == 1


def test_teacher_cannot_add_a_student_to_another_school(client, teacher, world):
    client.force_login(teacher)
    response = client.post(ADD, student_data(world.other_school))
    assert response.status_code == 200
    assert "schools" in response.context["form"].errors
    assert not Student.objects.filter(username="nia.n").exists()


def test_synced_class_is_not_offered_and_refused_when_posted(client, teacher, world):
    synced = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    client.force_login(teacher)
    form = client.get(ADD).context["form"]
    assert synced not in form.fields["class_group"].queryset
    response = client.post(ADD, student_data(world.school, class_group=synced.pk))
    assert response.status_code == 200
    assert "class_group" in response.context["form"].errors
    assert not Student.objects.filter(username="nia.n").exists()
    assert not ClassStudent.objects.filter(class_group=synced).exists()


def test_class_of_another_school_than_the_student_is_refused(client, district_admin, world):
    group = factories.ClassGroupFactory(school=world.other_school)
    client.force_login(district_admin)
    response = client.post(ADD, student_data(world.school, class_group=group.pk))
    assert "class_group" in response.context["form"].errors
    assert not Student.objects.filter(username="nia.n").exists()


# ---- Add several -----------------------------------------------------------------------


def bulk_data(school, rows: list[dict], class_group=None, total: int = 10) -> dict:
    data = {
        "school": school.pk,
        "class_group": class_group.pk if class_group else "",
        "rows-TOTAL_FORMS": str(total),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "50",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = value
    return data


def row(n: int, **extra) -> dict:
    values = {"first_name": f"Kid{n}", "last_name": "Bulk", "username": f"kid{n}.bulk"}
    values.update(extra)
    return values


def test_teacher_adds_several_students_to_a_class_at_once(client, teacher, world):
    group = factories.ClassGroupFactory(school=world.school)
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, [row(i) for i in range(3)], group))
    assert response.status_code == 302
    created = Student.objects.filter(last_name="Bulk")
    assert created.count() == 3
    assert all(s.has_password for s in created)
    assert ClassStudent.objects.filter(class_group=group).count() == 3


def test_an_error_in_row_seven_saves_nothing_and_marks_that_row(client, teacher, world):
    factories.StudentFactory(school=world.school, username="taken")
    rows = [row(i) for i in range(10)]
    rows[6]["username"] = "taken"
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, rows))
    assert response.status_code == 200
    assert Student.objects.filter(last_name="Bulk").count() == 0
    formset = response.context["formset"]
    assert "already taken" in " ".join(formset.forms[6].errors["username"])
    assert not any(f.errors for i, f in enumerate(formset.forms) if i != 6)
    assert "Nothing was saved" in response.content.decode()


def test_a_username_repeated_within_the_page_is_an_error_on_the_later_row(client, teacher, world):
    rows = [row(1), row(2, username="kid1.bulk")]
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, rows))
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["username"] == [
        "Row 1 already uses this value."
    ]
    assert not Student.objects.filter(last_name="Bulk").exists()


def test_a_half_filled_row_is_named_and_nothing_is_saved(client, teacher, world):
    rows = [row(1), {"first_name": "Only"}]
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, rows))
    errors = response.context["formset"].forms[1].errors
    assert errors["last_name"] == ["Enter the student's last name."]
    assert not Student.objects.filter(last_name="Bulk").exists()


def test_more_than_fifty_rows_are_refused(client, teacher, world):
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, [row(i) for i in range(51)], total=51))
    assert response.status_code == 200
    assert not Student.objects.filter(last_name="Bulk").exists()


def test_blank_page_asks_for_a_row(client, teacher, world):
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, []))
    assert response.status_code == 200
    assert "Fill in at least one row." in response.content.decode()


def test_bulk_add_refuses_another_school_for_a_teacher(client, teacher, world):
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.other_school, [row(1)]))
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not Student.objects.filter(last_name="Bulk").exists()


@pytest.mark.parametrize("rows", [10, 25, 50])
def test_bulk_page_shows_the_rows_asked_for(client, teacher, world, rows):
    client.force_login(teacher)
    response = client.get(BULK, {"rows": rows})
    assert response.context["formset"].total_form_count() == rows
    assert response.context["form"].initial["school"] == world.school.pk


def test_every_problem_of_every_row_shows_at_once(client, teacher, world):
    """A missing name, a repeated username and a username already taken are all reported on
    the first save, not one kind per round."""
    factories.StudentFactory(school=world.school, username="taken")
    rows = [
        row(1),
        {"first_name": "Only", "username": "only.one"},  # no last name
        row(3, username="kid1.bulk"),  # repeats row 1
        row(4, username="taken"),  # another student has it
    ]
    client.force_login(teacher)
    response = client.post(BULK, bulk_data(world.school, rows))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[1].errors["last_name"] == ["Enter the student's last name."]
    assert forms[2].errors["username"] == ["Row 1 already uses this value."]
    assert "already taken" in " ".join(forms[3].errors["username"])
    assert not forms[0].errors
    assert not Student.objects.filter(last_name="Bulk").exists()


def test_rows_are_checked_by_the_service_even_when_the_school_is_missing(client, teacher, world):
    data = bulk_data(world.school, [row(1), {"first_name": "Only"}])
    data["school"] = ""
    client.force_login(teacher)
    response = client.post(BULK, data)
    assert response.context["form"].errors["school"] == ["Choose the students' school."]
    assert response.context["formset"].forms[1].errors["last_name"]
    assert not Student.objects.filter(last_name="Bulk").exists()


def test_changing_the_number_of_rows_keeps_what_was_typed(client, teacher, world):
    group = factories.ClassGroupFactory(school=world.school)
    typed = [row(1, grade="KG", external_id="007"), {}, row(3)]
    data = bulk_data(world.school, typed, group)
    data["rows"] = "25"
    client.force_login(teacher)
    response = client.post(BULK, data)
    assert response.status_code == 200
    assert not Student.objects.filter(last_name="Bulk").exists()
    formset = response.context["formset"]
    assert formset.total_form_count() == 25
    html = response.content.decode()
    assert 'value="Kid1"' in html and 'value="007"' in html and 'value="kid3.bulk"' in html
    assert '<option value="KG" selected>' in html
    assert f'<option value="{group.pk}" selected>' in html
    assert "is-invalid" not in html  # nothing is checked while resizing
    # The refilled page saves as typed (blank rows skipped).
    saved = bulk_data(world.school, [row(1, grade="KG", external_id="007"), row(3)], group, 25)
    response = client.post(BULK, saved)
    assert response.status_code == 302
    assert Student.objects.get(username="kid1.bulk").grade == "KG"


def test_fewer_rows_than_were_typed_keeps_every_typed_row(client, teacher, world):
    data = bulk_data(world.school, [row(i) for i in range(12)], total=25)
    data["rows"] = "10"
    client.force_login(teacher)
    response = client.post(BULK, data)
    assert response.context["formset"].total_form_count() == 12
    assert 'value="kid11.bulk"' in response.content.decode()
