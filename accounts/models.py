"""Portal users. Roles come from the user's Educator record, or from support-staff status."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from rostering.usernames import validate_sis_username

SUPPORT_GROUP = "Support staff"


class User(AbstractUser):
    """Somebody who signs in to the portal: an educator, or a member of support staff.

    Students never sign in to the portal; their accounts live on rostering.Student.
    """

    # What the roster engine accepts (rostering.usernames): an educator the SIS calls
    # "Mary Archer" has that sign-in, so the admin's form must not refuse it (Django's own
    # validator allows letters, digits and @.+-_ only).
    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text="Required. 150 characters or fewer, as the educator's username: printable, "
        "spaces allowed (a SIS may send “Mary Archer”), no tabs or line breaks.",
        validators=[validate_sis_username],
        error_messages={"unique": "A user with that username already exists."},
    )
    is_support = models.BooleanField(
        "support staff",
        default=False,
        help_text="Technical Services / Data Integration: the Django admin, every district.",
    )

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
