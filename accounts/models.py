"""Portal users. Roles come from the user's Educator record, or from support-staff status."""

from django.contrib.auth.models import AbstractUser
from django.db import models

SUPPORT_GROUP = "Support staff"


class User(AbstractUser):
    """Somebody who signs in to the portal: an educator, or a member of support staff.

    Students never sign in to the portal; their accounts live on rostering.Student.
    """

    is_support = models.BooleanField(
        "support staff",
        default=False,
        help_text="Technical Services / Data Integration: the Django admin, every district.",
    )

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
