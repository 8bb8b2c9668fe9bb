import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rostering import services
from rostering.models import ClassProduct, ClassStudent, Origin
from tests import factories


def test_manual_membership_in_a_synced_class_is_refused(world, teacher):
    synced = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    student = factories.StudentFactory(school=world.school)
    with pytest.raises(ValidationError) as exc:
        services.class_group_add_students(actor=teacher, class_group=synced, students=[student])
    assert "synced from your SIS" in exc.value.message_dict["students"][0]
    assert not ClassStudent.objects.exists()


def test_teacher_adds_students_to_a_manual_class_once(world, teacher):
    group = factories.ClassGroupFactory(school=world.school)
    students = factories.StudentFactory.create_batch(3, school=world.school)
    assert services.class_group_add_students(actor=teacher, class_group=group, students=students) == 3
    assert services.class_group_add_students(actor=teacher, class_group=group, students=students) == 0
    assert group.students.count() == 3


def test_student_of_another_district_cannot_join_a_class(world, support):
    group = factories.ClassGroupFactory(school=world.school)
    outsider = factories.StudentFactory(school=world.outsider_school)
    with pytest.raises(ValidationError):
        services.class_group_add_students(actor=support, class_group=group, students=[outsider])
    assert not group.students.exists()


def test_teacher_cannot_touch_another_schools_class(world, teacher):
    group = factories.ClassGroupFactory(school=world.other_school)
    with pytest.raises(PermissionDenied):
        services.class_group_update(actor=teacher, class_group=group, name="Mine now")
    group.refresh_from_db()
    assert group.name != "Mine now"


def test_synced_class_name_is_locked_but_products_are_editable(world, teacher):
    group = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED, name="Math 3")
    product = factories.ProductFactory()
    with pytest.raises(ValidationError):
        services.class_group_update(actor=teacher, class_group=group, name="Math Three")
    link = services.class_group_add_product(actor=teacher, class_group=group, product=product)
    assert link.origin == Origin.MANUAL
    assert services.class_group_remove_product(actor=teacher, class_group=group, product=product)
    assert not ClassProduct.objects.exists()


def test_sync_adopts_a_manual_product_link_it_also_sends(world):
    group = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    link = factories.ClassProductFactory(class_group=group)
    services.class_group_add_product(
        actor=None, class_group=group, product=link.product, channel="sync"
    )
    link.refresh_from_db()
    assert link.origin == Origin.SYNCED


def test_product_setting_value_is_checked_against_allowed_values(world, teacher):
    student = factories.StudentFactory(school=world.school, origin=Origin.SYNCED)
    setting = factories.ProductSettingFactory()
    with pytest.raises(ValidationError) as exc:
        services.student_set_product_setting(
            actor=teacher, student=student, setting=setting, value="Klingon"
        )
    assert "English, Spanish" in exc.value.message_dict["value"][0]
    row = services.student_set_product_setting(
        actor=teacher, student=student, setting=setting, value="spanish"
    )
    assert row.value == "Spanish"  # a synced student's settings stay editable
