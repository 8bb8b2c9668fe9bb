"""The Students list writes its page of rows in Python (rostering.tables.base.QuickRowsMixin):
every cell, link, lock, badge and escaped name is what django-tables2's own template writes,
whatever the sort, and a search without matches says so."""

from __future__ import annotations

import re

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django_tables2 import RequestConfig

from rostering.models import Origin
from rostering.selectors import students as selectors
from rostering.tables.students import StudentTable
from tests import factories


class TemplateRowsTable(StudentTable):
    """The same table, its rows written cell by cell by django-tables2's template."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, template_name="django_tables2/homeroom.html", **kwargs)


def _body(table_class, user, query: dict) -> str:
    request = RequestFactory().get("/manage/students/", query)
    request.user = user
    table = table_class.for_page(selectors.student_list(user))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    html = get_template(table.template_name).render({"table": table, "request": request}, request)
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()


@pytest.mark.parametrize("sort", ["", "-name", "grade", "-is_active"])
def test_rows_are_the_cells_django_tables2_writes(district_admin, world, sort):
    for n in range(30):
        factories.StudentFactory(
            school=world.school if n % 3 else world.other_school,
            first_name=f"A<b>{n}",
            origin=Origin.SYNCED if n % 2 else Origin.MANUAL,
            is_active=n % 3 != 0,
            grade="KG" if n % 4 else "05",
            external_id=None if n % 5 == 0 else f"x{n}",
        )
    query = {"sort": sort} if sort else {}
    quick = _body(StudentTable, district_admin, query)
    assert quick == _body(TemplateRowsTable, district_admin, query)
    assert quick.count("<tr ") == 25 and quick.count("<td ") == 25 * 7
    assert "A&lt;b&gt;" in quick and "bi-lock-fill" in quick and "Inactive" in quick


def test_an_empty_page_says_no_students_match(district_admin, world):
    # The table's empty text, in one row across every column (django-tables2's own template,
    # as extended here, left the body empty).
    assert _body(StudentTable, district_admin, {}) == (
        '<tbody ><tr><td colspan="7">No students match. Clear the search or filters to see '
        "every student.</td></tr>"
    )
