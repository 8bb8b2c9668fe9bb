"""One search rule (rostering.selectors.search, the registry's ``Field.searched``): a word is
looked for inside the names, the name a person goes by, the username and the IDs. Mary Jones
goes by "MJ" and Ted Reed by "Teddy"; every place that looks for students or educators (the
Students and Educators lists, a class/group's pickers, the admin) finds them by it, and by
nothing that is not theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rostering.models import Educator, Student
from tests import factories
from tests.admin.conftest import admin_url


@pytest.fixture
def people(world):
    group = factories.ClassGroupFactory(school=world.school, name="Room 4")
    mary = factories.StudentFactory(
        school=world.school, first_name="Mary", last_name="Jones", preferred_first_name="MJ"
    )
    factories.StudentFactory(school=world.school, first_name="Jon", last_name="Major")
    ted = factories.EducatorFactory(
        organization=world.school,
        first_name="Edward",
        last_name="Reed",
        username="e.reed",
        preferred_first_name="Teddy",
    )
    return {"group": group, "mary": mary, "ted": ted}


def _students_list(client, people, word):
    response = client.get(reverse("rostering:student_list"), {"q": word})
    return [row.record.pk for row in response.context["table"].page.object_list]


def _educators_list(client, people, word):
    response = client.get(reverse("rostering:educator_list"), {"q": word})
    return [row.record.pk for row in response.context["table"].page.object_list]


def _students_picker(client, people, word):
    url = reverse("rostering:class_students", args=[people["group"].pk])
    return [s.pk for s in client.get(url, {"q": word}).context["candidates"]]


def _educators_picker(client, people, word):
    url = reverse("rostering:class_educators", args=[people["group"].pk])
    return [e.pk for e in client.get(url, {"q": word}).context["candidates"]]


def _admin(model):
    def search(client, people, word):
        response = client.get(admin_url(model, "changelist"), {"q": word})
        return [record.pk for record in response.context["cl"].result_list]

    return search


STUDENT_SEARCHES = {
    "Students list": _students_list,
    "Students picker": _students_picker,
    "admin": _admin(Student),
}
EDUCATOR_SEARCHES = {
    "Educators list": _educators_list,
    "Educators picker": _educators_picker,
    "admin": _admin(Educator),
}


@pytest.mark.parametrize("place", STUDENT_SEARCHES)
def test_a_student_is_found_by_the_name_she_goes_by(
    client, district_admin, support, people, place
):
    client.force_login(support if place == "admin" else district_admin)
    search = STUDENT_SEARCHES[place]
    assert search(client, people, "mj") == [people["mary"].pk]
    assert search(client, people, "MJ Jones") == [people["mary"].pk]  # every word matches
    assert search(client, people, "MJX") == []


@pytest.mark.parametrize("place", EDUCATOR_SEARCHES)
def test_an_educator_is_found_by_the_name_he_goes_by(
    client, district_admin, support, people, place
):
    client.force_login(support if place == "admin" else district_admin)
    search = EDUCATOR_SEARCHES[place]
    assert search(client, people, "teddy") == [people["ted"].pk]
    assert search(client, people, "Teddyx") == []
