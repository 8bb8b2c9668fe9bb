"""The portal's and the admin's writes to roster data: each service checks (locked fields,
memberships in synced classes, district boundaries, permissions) and hands its change to the
engine (writes.py; rostering.engine.apply), the one writer imports and the sync use too.
"""

from .classes import (
    class_group_add_educators,
    class_group_add_product,
    class_group_add_students,
    class_group_create,
    class_group_remove_educators,
    class_group_remove_product,
    class_group_remove_students,
    class_group_update,
)
from .educators import educator_create, educator_set_active, educator_update
from .orgs import (
    district_create,
    organization_create,
    organization_delete,
    organization_set_active,
    organization_update,
)
from .products import (
    student_add_product,
    student_remove_product,
    student_set_product_setting,
)
from .students import (
    student_create,
    student_set_active,
    student_set_password,
    student_update,
)

__all__ = [
    "class_group_add_educators",
    "class_group_add_product",
    "class_group_add_students",
    "class_group_create",
    "class_group_remove_educators",
    "class_group_remove_product",
    "class_group_remove_students",
    "class_group_update",
    "district_create",
    "educator_create",
    "educator_set_active",
    "educator_update",
    "organization_create",
    "organization_delete",
    "organization_set_active",
    "organization_update",
    "student_add_product",
    "student_create",
    "student_remove_product",
    "student_set_active",
    "student_set_password",
    "student_set_product_setting",
    "student_update",
]
