"""Bulk actions on the Students list: each chosen student gets the service's verdict, so the
rules of one change hold for many; the page reports what was done and what was refused."""

from django.contrib.messages import get_messages
from django.urls import reverse

from rostering.models import ClassStudent, Origin, StudentProduct
from tests import factories

BULK = reverse("rostering:student_bulk")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_teacher_adds_chosen_students_to_a_manual_class(client, world, teacher):
    group = factories.ClassGroupFactory(school=world.school, name="Robins", origin=Origin.MANUAL)
    ana, ben, cid = (factories.StudentFactory(school=world.school) for _ in range(3))
    client.force_login(teacher)
    response = client.post(
        BULK,
        {"action": "add_class", "class_group": group.pk, "student": [ana.pk, ben.pk]},
    )
    assert response.status_code == 302
    assert set(ClassStudent.objects.filter(class_group=group).values_list("student", flat=True)) == {
        ana.pk,
        ben.pk,
    }
    assert any("Added 2 students to Robins" in m for m in _messages(response))
    assert cid.pk not in group.students.values_list("pk", flat=True)


def test_students_of_another_school_are_never_touched(client, world, teacher):
    group = factories.ClassGroupFactory(school=world.school, name="Robins")
    mine = factories.StudentFactory(school=world.school)
    theirs = factories.StudentFactory(school=world.other_school)
    outsider = factories.StudentFactory(school=world.outsider_school)
    client.force_login(teacher)
    client.post(
        BULK,
        {
            "action": "add_class",
            "class_group": group.pk,
            "student": [mine.pk, theirs.pk, outsider.pk],
        },
    )
    assert list(group.students.values_list("pk", flat=True)) == [mine.pk]


def test_synced_students_are_refused_deactivation_with_the_reason(client, world, teacher):
    manual = factories.StudentFactory(school=world.school, first_name="Mia", last_name="Manual")
    synced = factories.StudentFactory(
        school=world.school, first_name="Sam", last_name="Synced", origin=Origin.SYNCED
    )
    client.force_login(teacher)
    response = client.post(BULK, {"action": "deactivate", "student": [manual.pk, synced.pk]})
    manual.refresh_from_db()
    synced.refresh_from_db()
    assert manual.is_active is False and synced.is_active is True
    texts = _messages(response)
    assert any("Deactivated 1 student: Mia Manual" in m for m in texts)
    assert any(m.startswith("Not changed, Sam Synced:") for m in texts)


def test_assign_then_remove_a_product_for_every_matching_student(client, world, teacher):
    product = factories.ProductFactory(name="Reading Rocket")
    a = factories.StudentFactory(school=world.school, last_name="Zed", grade="02")
    b = factories.StudentFactory(school=world.school, last_name="Zed", grade="02")
    other_grade = factories.StudentFactory(school=world.school, last_name="Zed", grade="05")
    client.force_login(teacher)
    response = client.post(
        BULK,
        {"action": "add_product", "product": product.pk, "all_matching": "1", "query": "grade=02"},
    )
    assert set(StudentProduct.objects.values_list("student", flat=True)) == {a.pk, b.pk}
    assert response["Location"].endswith("?grade=02")  # back to the same filtered list
    assert other_grade.pk not in StudentProduct.objects.values_list("student", flat=True)
    client.post(BULK, {"action": "remove_product", "product": product.pk, "student": [a.pk]})
    assert list(StudentProduct.objects.values_list("student", flat=True)) == [b.pk]


def test_an_action_that_needs_a_class_says_so(client, world, teacher):
    student = factories.StudentFactory(school=world.school)
    client.force_login(teacher)
    response = client.post(BULK, {"action": "add_class", "student": [student.pk]})
    assert "Choose the class/group to add the students to." in _messages(response)


def test_printing_chosen_students_shows_only_theirs(client, world, teacher):
    ana = factories.StudentFactory(school=world.school, username="ana.print")
    theirs = factories.StudentFactory(school=world.outsider_school, username="not.yours")
    client.force_login(teacher)
    response = client.post(BULK, {"action": "print", "student": [ana.pk, theirs.pk]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "ana.print" in body and "not.yours" not in body
    assert body.count('class="signin-card"') == 1


def test_bulk_is_post_only_and_needs_a_role(client, world):
    assert client.get(BULK).status_code in (302, 405)
    client.force_login(factories.UserFactory())
    student = factories.StudentFactory(school=world.school)
    response = client.post(BULK, {"action": "deactivate", "student": [student.pk]})
    assert response.status_code in (403, 404)
    student.refresh_from_db()
    assert student.is_active
