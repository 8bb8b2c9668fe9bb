from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from rostering.engine.people import FOLLOWED

from .models import SUPPORT_GROUP, User
from .services import make_support_staff


def _signs_in_an_educator(user) -> bool:
    return user is not None and hasattr(user, "educator")


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
    actions = ["make_support"]

    # An educator's sign-in follows the educator (rostering.engine.people): what it follows is
    # changed on the educator's page, through the services, and the sign-in goes with the
    # educator; deleting it here would unlink the educator past the engine and its history.
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, *FOLLOWED) if _signs_in_an_educator(obj) else fields

    def has_delete_permission(self, request, obj=None):
        if obj is None or _signs_in_an_educator(obj):  # None: no bulk delete, each is asked
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description=f"Make support staff (the {SUPPORT_GROUP} group)", permissions=["change"]
    )
    def make_support(self, request, queryset):
        for user in queryset:
            make_support_staff(user)
        messages.success(request, f"{queryset.count()} user(s) are now support staff.")
