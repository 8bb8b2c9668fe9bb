"""The page shell: the footer closes every page, with no blank band below it, at desk and
phone widths (issue 13 saw one under the Students tab)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rostering.models import ClassGroup, Student

from .conftest import sign_in

FOOTER = """() => {
  const f = document.querySelector("footer").getBoundingClientRect();
  return {bottom: Math.round(f.bottom + window.scrollY),
          page: document.documentElement.scrollHeight, window: window.innerHeight};
}"""


@pytest.mark.parametrize("width", ["page", "phone_page"])
def test_the_footer_ends_the_students_pages(transactional_db, request, width):
    page = request.getfixturevalue(width)
    call_command("seed_demo", verbosity=0)
    student = Student.objects.filter(schools__name__startswith="Lincoln").order_by("pk").first()
    room = ClassGroup.objects.filter(school__name__startswith="Lincoln").order_by("pk").first()
    sign_in(page, "demo-teacher", "homeroom-demo")

    for path in (
        "/manage/students/",
        student.get_absolute_url(),
        f"{student.get_absolute_url()}classes/",
        f"{student.get_absolute_url()}products/",
        f"/manage/classes/{room.pk}/students/",
        "/manage/classes/",
        "/manage/educators/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.title() != "Not found · Homeroom", path
        shell = page.evaluate(FOOTER)
        assert shell["bottom"] >= shell["window"], (path, shell)  # short pages fill the window
        assert shell["page"] - shell["bottom"] <= 1, (path, shell)  # nothing below the footer
