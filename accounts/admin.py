from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import format_html

from rostering.engine.people import FOLLOWED
from rostering.models import Educator

from .models import SUPPORT_GROUP, User
from .services import make_support_staff

ROSTER_PERSON_NOTE = (
    "This user is the portal sign-in of a roster educator: its username, names, email and "
    "status follow the educator. Change them on the educator's page, where the SIS's "
    "ownership, the username rule and the history apply."
)


def educator_of(user) -> Educator | None:
    """The roster educator ``user`` signs in as, or None (staff and support accounts)."""
    if user is None or user.pk is None:
        return None
    try:
        return user.educator
    except Educator.DoesNotExist:
        return None


PLAIN_LISTS = ()  # no two-box filters (see UserAdmin)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    filter_horizontal = PLAIN_LISTS  # a group's permissions: a plain list, as a user's


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_support",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_support", "is_staff", "is_active", "groups")
    search_fields = ("^username", "^first_name", "^last_name", "^email")
    fieldsets = BaseUserAdmin.fieldsets + (("Homeroom", {"fields": ("is_support",)}),)
    # Plain lists rather than Django's two-box filter, whose filter icons carry an ARIA label
    # their element may not have (axe); the dates are the sign-in's record, not for editing
    # (and their split date and time boxes have no labels of their own).
    filter_horizontal = PLAIN_LISTS
    readonly_fields = ("last_login", "date_joined")
    actions = ["make_support"]

    # A roster educator's sign-in follows the educator (rostering.engine.people): what it
    # follows is read-only here, so a hand-posted value is ignored, and the page points to the
    # educator's, where the change goes through the services and the engine.
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if educator_of(obj) is None:
            return fields
        return (*fields, "roster_person", *FOLLOWED)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if educator_of(obj) is None:
            return fieldsets
        note = {"fields": ("roster_person",), "description": ROSTER_PERSON_NOTE}
        return (("Roster educator", note), *fieldsets)

    @admin.display(description="educator")
    def roster_person(self, obj):
        educator = educator_of(obj)
        url = reverse("admin:rostering_educator_change", args=[educator.pk])
        return format_html('<a href="{}">{}</a> (change it there)', url, educator)

    # Deleting the sign-in would unlink the educator past the engine and its history.
    def has_delete_permission(self, request, obj=None):
        if educator_of(obj) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """The bulk "delete selected" refuses a selection that holds an educator's sign-in
        (listed as protected, so nothing is deleted)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        signing_in = list(Educator.objects.filter(user__in=objs).select_related("user"))
        if signing_in and super().has_delete_permission(request):
            # Say why rather than "no permission to delete users" (has_delete_permission).
            perms_needed = perms_needed - {str(self.opts.verbose_name)}
        protected = [
            *protected,
            *(
                f"{e.user.username}: the sign-in of educator {e}; change it on the educator's page"
                for e in signing_in
            ),
        ]
        return deleted, counts, perms_needed, protected

    @admin.action(
        description=f"Make support staff (the {SUPPORT_GROUP} group)", permissions=["change"]
    )
    def make_support(self, request, queryset):
        for user in queryset:
            make_support_staff(user)
        messages.success(request, f"{queryset.count()} user(s) are now support staff.")
