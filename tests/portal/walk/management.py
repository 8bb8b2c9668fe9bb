"""The Management pages: Students, Classes/Groups, Educators."""

from rostering.models import Educator
from tests import factories

from . import (
    ADMIN_PAGE,
    ADMIN_RECORD,
    OWN_RECORD,
    PAGE,
    POST_ONLY,
    POST_ONLY_ADMIN,
    POST_ONLY_LIST,
)

EXPECTED = {
    "rostering:student_list": (None, PAGE),
    "rostering:student_export": (None, PAGE),
    "rostering:student_add": (None, PAGE),
    "rostering:student_bulk_add": (None, PAGE),
    "rostering:student_bulk": (None, POST_ONLY_LIST),
    "rostering:undo": (None, POST_ONLY_LIST),  # test_bulk_undo.py tries the POST
    "rostering:student_detail": ("student", OWN_RECORD),
    "rostering:student_classes": ("student", OWN_RECORD),
    "rostering:student_class_remove": ("student", POST_ONLY),
    "rostering:student_products": ("student", OWN_RECORD),
    "rostering:student_product_remove": ("student", POST_ONLY),
    "rostering:student_settings": ("student", OWN_RECORD),
    "rostering:student_password": ("student", OWN_RECORD),
    "rostering:student_login_card": ("student", OWN_RECORD),
    "rostering:student_deactivate": ("student", POST_ONLY),
    "rostering:student_reactivate": ("student", POST_ONLY),
    "rostering:class_list": (None, PAGE),
    "rostering:class_add": (None, PAGE),
    "rostering:class_login_cards_chosen": (None, POST_ONLY_LIST),
    "rostering:class_detail": ("class", OWN_RECORD),
    "rostering:class_products": ("class", OWN_RECORD),
    "rostering:class_product_remove": ("class", POST_ONLY),
    "rostering:class_students": ("class", OWN_RECORD),
    "rostering:class_student_remove": ("class", POST_ONLY),
    "rostering:class_educators": ("class", OWN_RECORD),
    "rostering:class_educator_remove": ("class", POST_ONLY),
    "rostering:class_login_cards": ("class", OWN_RECORD),
    "rostering:educator_list": (None, ADMIN_PAGE),
    "rostering:educator_add": (None, ADMIN_PAGE),
    "rostering:educator_detail": ("educator", ADMIN_RECORD),
    "rostering:educator_classes": ("educator", ADMIN_RECORD),
    "rostering:educator_class_remove": ("educator", POST_ONLY_ADMIN),
    "rostering:educator_set_active": ("educator", POST_ONLY_ADMIN),
}


def targets(world, people):
    school = world.school
    return {
        "student": factories.StudentFactory(school=school),
        "class": factories.ClassGroupFactory(school=school),
        "educator": factories.EducatorFactory(
            organization=school, educator_type=Educator.EducatorType.TEACHER
        ),
    }
