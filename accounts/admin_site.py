"""The Django admin is support staff's: only members of the Support staff group (and
superusers) reach it. District and school administrators and teachers use the portal."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SupportAdminSite(admin.AdminSite):
    site_header = "Homeroom support"
    site_title = "Homeroom support"
    index_title = "Every district's rosters"
    # Wide lists (name, IDs, district, schools) need the room more than the side menu.
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        from .services import is_support_staff

        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or is_support_staff(user)


class SupportAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SupportAdminSite"
