from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import SUPPORT_GROUP, User
from .services import make_support_staff


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

    @admin.action(
        description=f"Make support staff (the {SUPPORT_GROUP} group)", permissions=["change"]
    )
    def make_support(self, request, queryset):
        for user in queryset:
            make_support_staff(user)
        messages.success(request, f"{queryset.count()} user(s) are now support staff.")
