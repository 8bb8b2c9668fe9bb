"""Writes to portal users that are not roster records: making a member of support staff."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import SUPPORT_GROUP

# The group's model permissions: app label -> model -> actions. Roster records change through
# the services, which keep every rule; support staff never delete a roster record (the portal
# deactivates instead). Memberships and links are added and removed through the services.
# accounts/migrations/0002_support_staff_group.py made the group with a frozen copy of this.
SUPPORT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "rostering": {
        "organization": ("view", "add", "change"),
        "student": ("view", "add", "change"),
        "educator": ("view", "add", "change"),
        "classgroup": ("view", "add", "change"),
        "classstudent": ("view", "add", "change", "delete"),
        "classeducator": ("view", "add", "change", "delete"),
        "classproduct": ("view", "add", "change", "delete"),
        "studentproduct": ("view", "add", "change", "delete"),
        "studentproductsetting": ("view", "add", "change", "delete"),
        "product": ("view", "add", "change"),
        "productsetting": ("view", "add", "change"),
        "syncconfiguration": ("view", "change"),
    },
    "imports": {
        "importjob": ("view",),
        "assistedsubmission": ("view", "change"),
        "submissionfile": ("view",),
    },
    "sync": {
        "syncsource": ("view", "change"),
        "syncrun": ("view", "change"),
        "productrule": ("view", "add", "change", "delete"),
        "settingrule": ("view", "add", "change", "delete"),
    },
    "accounts": {"user": ("view",)},
    # Sign-in locks (django-axes): deleting an access attempt lifts its lock.
    "axes": {
        "accessattempt": ("view", "delete"),
        "accesslog": ("view",),
        "accessfailurelog": ("view",),
    },
    # Districts' single sign-on (saved through accounts.sso.services.sign_on_update).
    "sso": {"signonconfiguration": ("view", "add", "change")},
}


def support_group() -> Group:
    """The "Support staff" group with its model permissions (made again if it was removed)."""
    group, _ = Group.objects.get_or_create(name=SUPPORT_GROUP)
    wanted = Q(pk__in=[])
    for app_label, models in SUPPORT_PERMISSIONS.items():
        for model, actions in models.items():
            wanted |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def is_support_staff(user) -> bool:
    """True for an active member of the Support staff group (what opens the admin)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name=SUPPORT_GROUP).exists()


@transaction.atomic
def make_support_staff(user):
    """Give ``user`` support staff's rights: the group's model permissions in the admin, staff
    status (Django's admin needs it) and the support role in the portal. Never superuser."""
    user.is_support = True
    user.is_staff = True
    user.save(update_fields=["is_support", "is_staff"])
    user.groups.add(support_group())
    return user
