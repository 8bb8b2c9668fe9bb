"""Undo in the success message of a bulk action or a removal from a class/group's tab: it puts
back exactly what the action changed, only while nothing changed since, and only for
someone who may still change those records."""

import html
import re

from django.contrib.messages import get_messages
from django.urls import reverse

from rostering import services
from rostering.models import ClassStudent, Origin, Student, StudentProduct
from tests import factories

BULK = reverse("rostering:student_bulk")
UNDO = reverse("rostering:undo")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _token(response) -> str:
    """The Undo form's note, from the newest success message that offers one."""
    found = [re.search(r'name="token" value="([^"]+)"', m) for m in _messages(response)]
    found = [f for f in found if f]
    assert found, f"no Undo offered in {_messages(response)}"
    return html.unescape(found[-1].group(1))


def _undo(client, token, back="/students/"):
    return client.post(UNDO, {"token": token, "next": back})


def _members(group) -> set[int]:
    return set(ClassStudent.objects.filter(class_group=group).values_list("student", flat=True))


def test_undo_of_add_to_class_takes_out_only_the_students_it_added(client, world, teacher):
    group = factories.ClassGroupFactory(school=world.school, name="Robins", origin=Origin.MANUAL)
    ana, ben, was_in = (factories.StudentFactory(school=world.school) for _ in range(3))
    factories.ClassStudentFactory(class_group=group, student=was_in)
    client.force_login(teacher)
    response = client.post(
        BULK,
        {"action": "add_class", "class_group": group.pk, "student": [ana.pk, ben.pk, was_in.pk]},
    )
    assert _members(group) == {ana.pk, ben.pk, was_in.pk}

    undone = _undo(client, _token(response))
    assert _members(group) == {was_in.pk}  # already in before: stays
    assert any("taken out of Robins again" in m for m in _messages(undone))


def test_undo_is_refused_when_a_student_changed_since(client, world, teacher):
    group = factories.ClassGroupFactory(school=world.school, name="Robins", origin=Origin.MANUAL)
    ana, ben = (factories.StudentFactory(school=world.school, first_name=n) for n in ("Ana", "Ben"))
    client.force_login(teacher)
    response = client.post(
        BULK, {"action": "add_class", "class_group": group.pk, "student": [ana.pk, ben.pk]}
    )
    services.class_group_remove_students(actor=teacher, class_group=group, students=[ben])
    services.class_group_add_students(actor=teacher, class_group=group, students=[ben])

    undone = _undo(client, _token(response))
    assert _members(group) == {ana.pk, ben.pk}  # nothing put back
    text = " ".join(_messages(undone))
    assert "Not undone" in text and "Ben" in text and "changed since" in text


def test_undo_twice_is_refused_the_second_time(client, world, teacher):
    ana = factories.StudentFactory(school=world.school)
    client.force_login(teacher)
    response = client.post(BULK, {"action": "deactivate", "student": [ana.pk]})
    token = _token(response)
    _undo(client, token)
    assert Student.objects.get(pk=ana.pk).is_active
    again = _undo(client, token)
    assert any("Not undone" in m for m in _messages(again))
    assert Student.objects.get(pk=ana.pk).is_active


def test_undo_of_bulk_deactivate_reactivates_the_students(client, world, teacher):
    ana, ben = (factories.StudentFactory(school=world.school) for _ in range(2))
    client.force_login(teacher)
    response = client.post(BULK, {"action": "deactivate", "student": [ana.pk, ben.pk]})
    assert not Student.objects.filter(pk__in=[ana.pk, ben.pk], is_active=True).exists()
    _undo(client, _token(response))
    assert Student.objects.filter(pk__in=[ana.pk, ben.pk], is_active=True).count() == 2


def test_undo_of_remove_product_gives_it_back_and_of_assign_takes_it_away(client, world, teacher):
    product = factories.ProductFactory(name="Reading Path")
    ana = factories.StudentFactory(school=world.school)
    factories.StudentProductFactory(student=ana, product=product)
    client.force_login(teacher)
    removed = client.post(
        BULK, {"action": "remove_product", "product": product.pk, "student": [ana.pk]}
    )
    assert not StudentProduct.objects.filter(student=ana).exists()
    _undo(client, _token(removed))
    assert StudentProduct.objects.filter(student=ana, product=product).exists()

    ben = factories.StudentFactory(school=world.school)
    added = client.post(BULK, {"action": "add_product", "product": product.pk, "student": [ben.pk]})
    assert StudentProduct.objects.filter(student=ben, product=product).exists()
    undone = _undo(client, _token(added))
    assert any("removed again" in m for m in _messages(undone)), _messages(undone)
    assert not StudentProduct.objects.filter(student=ben).exists()
    assert StudentProduct.objects.filter(student=ana, product=product).exists()


def test_undo_of_remove_product_puts_each_link_back_with_the_origin_it_had(client, world, teacher):
    product = factories.ProductFactory(name="Reading Path")
    sent, typed = (factories.StudentFactory(school=world.school) for _ in range(2))
    factories.StudentProductFactory(student=sent, product=product, origin=Origin.SYNCED)
    factories.StudentProductFactory(student=typed, product=product, origin=Origin.MANUAL)
    client.force_login(teacher)
    removed = client.post(
        BULK, {"action": "remove_product", "product": product.pk, "student": [sent.pk, typed.pk]}
    )
    assert not StudentProduct.objects.filter(product=product).exists()

    _undo(client, _token(removed))
    origins = dict(StudentProduct.objects.filter(product=product).values_list("student", "origin"))
    # The SIS's link comes back as the SIS's (the sync still owns it), not as a manual one.
    assert origins == {sent.pk: Origin.SYNCED, typed.pk: Origin.MANUAL}


def test_undo_of_a_removal_from_the_class_students_tab_adds_the_student_back(
    client, world, teacher
):
    group = factories.ClassGroupFactory(school=world.school, name="Robins", origin=Origin.MANUAL)
    ana = factories.StudentFactory(school=world.school)
    factories.ClassStudentFactory(class_group=group, student=ana)
    client.force_login(teacher)
    url = reverse("rostering:class_student_remove", args=[group.pk])
    response = client.post(url, {"student": ana.pk})
    assert _members(group) == set()
    back = reverse("rostering:class_students", args=[group.pk])
    undone = _undo(client, _token(response), back=back)
    assert _members(group) == {ana.pk}
    assert undone.url == back


def test_another_districts_admin_cannot_use_the_undo(client, world, teacher, outsider):
    ana = factories.StudentFactory(school=world.school)
    client.force_login(teacher)
    token = _token(client.post(BULK, {"action": "deactivate", "student": [ana.pk]}))
    client.force_login(outsider)
    response = _undo(client, token)
    assert not Student.objects.get(pk=ana.pk).is_active
    assert any("Not undone" in m for m in _messages(response))


def test_a_teacher_cannot_undo_for_students_outside_their_school(
    client, world, district_admin, teacher
):
    theirs = factories.StudentFactory(school=world.other_school)
    client.force_login(district_admin)
    token = _token(client.post(BULK, {"action": "deactivate", "student": [theirs.pk]}))
    client.force_login(teacher)
    _undo(client, token)
    assert not Student.objects.get(pk=theirs.pk).is_active


def test_a_forged_undo_changes_nothing(client, world, teacher):
    ana = factories.StudentFactory(school=world.school, is_active=False)
    client.force_login(teacher)
    response = _undo(client, "not-a-real-note")
    assert any("not valid" in m for m in _messages(response))
    assert not Student.objects.get(pk=ana.pk).is_active


def test_undo_never_redirects_off_site(client, world, teacher):
    ana = factories.StudentFactory(school=world.school)
    client.force_login(teacher)
    token = _token(client.post(BULK, {"action": "deactivate", "student": [ana.pk]}))
    response = _undo(client, token, back="https://evil.example/")
    assert response.url == reverse("rostering:student_list")


def test_undo_of_removing_an_educator_is_refused_to_a_teacher_and_works_for_an_admin(
    client, world, school_admin, teacher
):
    from rostering.models import ClassEducator

    group = factories.ClassGroupFactory(school=world.school, name="Robins", origin=Origin.MANUAL)
    ed = factories.EducatorFactory(organization=world.school, first_name="Eli")
    factories.ClassEducatorFactory(class_group=group, educator=ed)
    client.force_login(school_admin)
    url = reverse("rostering:class_educator_remove", args=[group.pk])
    token = _token(client.post(url, {"educator": ed.pk}))
    assert not ClassEducator.objects.filter(class_group=group).exists()

    client.force_login(teacher)  # teachers see a class's educators but do not change them
    refused = _undo(client, token)
    assert any("Not undone" in m for m in _messages(refused))
    assert not ClassEducator.objects.filter(class_group=group).exists()

    client.force_login(school_admin)
    _undo(client, token)
    assert ClassEducator.objects.filter(class_group=group, educator=ed).exists()
