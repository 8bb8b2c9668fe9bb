"""A bulk action's outcome reads the same on the Students list and in the admin: the same
selection (one to deactivate, one already inactive, one synced) gets the same sentences."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from rostering.models import Origin, Student
from tests import factories
from tests.admin.conftest import admin_url


def _selection(world) -> list[Student]:
    return [
        factories.StudentFactory(school=world.school, first_name="Mia", last_name="Manual"),
        factories.StudentFactory(
            school=world.school, first_name="Ivy", last_name="Inactive", is_active=False
        ),
        factories.StudentFactory(
            school=world.school, first_name="Sam", last_name="Synced", origin=Origin.SYNCED
        ),
    ]


def _said(response) -> list[str]:
    # The list's success message carries an Undo button after its sentence.
    return [str(m).split(" <form", 1)[0] for m in get_messages(response.wsgi_request)]


def test_deactivating_reads_the_same_on_the_students_list_and_in_the_admin(
    client, world, district_admin, support
):
    on_list, in_admin = _selection(world), _selection(world)

    client.force_login(district_admin)
    listed = client.post(
        reverse("rostering:student_bulk"),
        {"action": "deactivate", "student": [s.pk for s in on_list]},
    )
    admin_client = Client()  # its own messages
    admin_client.force_login(support)
    admin = admin_client.post(
        admin_url(Student, "changelist"),
        {"action": "deactivate", "_selected_action": [s.pk for s in in_admin]},
    )

    said = _said(listed)
    assert said[:2] == [
        "Deactivated 1 student: Mia Manual.",
        "1 already deactivated: Ivy Inactive.",
    ]
    assert said[2].startswith("Not changed, Sam Synced: ") and len(said) == 3
    assert _said(admin) == said
