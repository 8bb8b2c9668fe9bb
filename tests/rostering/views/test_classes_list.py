"""The Classes/Groups list: scope, search, filters, lock icons, CSV export, query count."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rostering.models import Origin
from tests import factories

URL = reverse("rostering:class_list")


def _names(response) -> list[str]:
    return [cg.name for cg in response.context["table"].page.object_list.data]


def _rows(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_teacher_sees_only_the_classes_of_their_school(client, world, teacher):
    factories.ClassGroupFactory(school=world.school, name="Room 12 Reading")
    factories.ClassGroupFactory(school=world.other_school, name="South Math")
    factories.ClassGroupFactory(school=world.outsider_school, name="Oak Science")
    client.force_login(teacher)
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == ["Room 12 Reading"]
    assert "South Math" not in response.content.decode()
    assert "Oak Science" not in response.content.decode()


def test_district_admin_sees_every_school_but_not_another_district(client, world, district_admin):
    factories.ClassGroupFactory(school=world.school, name="A North")
    factories.ClassGroupFactory(school=world.other_school, name="B South")
    factories.ClassGroupFactory(school=world.outsider_school, name="C Oak")
    client.force_login(district_admin)
    response = client.get(URL)
    assert _rows(response) == ["A North", "B South"]
    assert 'data-testid="result-count"' in response.content.decode()
    assert "<strong>2</strong> classes/groups" in response.content.decode()


def test_search_matches_name_or_external_assigned_id(client, world, district_admin):
    factories.ClassGroupFactory(school=world.school, name="Grade 3 Reading", external_id="SEC-1")
    factories.ClassGroupFactory(school=world.school, name="Math club", external_id="SEC-777")
    client.force_login(district_admin)
    assert _rows(client.get(URL, {"q": "reading"})) == ["Grade 3 Reading"]
    assert _rows(client.get(URL, {"q": "sec-777"})) == ["Math club"]


def test_filters_by_school_origin_and_status(client, world, district_admin):
    factories.ClassGroupFactory(school=world.school, name="North manual")
    factories.ClassGroupFactory(school=world.school, name="North synced", origin=Origin.SYNCED)
    factories.ClassGroupFactory(school=world.other_school, name="South old", is_active=False)
    client.force_login(district_admin)
    assert _rows(client.get(URL, {"school": world.school.pk})) == ["North manual", "North synced"]
    assert _rows(client.get(URL, {"origin": "synced"})) == ["North synced"]
    assert _rows(client.get(URL, {"status": "inactive"})) == ["South old"]


def test_teacher_cannot_filter_by_a_school_outside_their_scope(client, world, teacher):
    factories.ClassGroupFactory(school=world.other_school, name="South Math")
    client.force_login(teacher)
    response = client.get(URL, {"school": world.other_school.pk})
    assert response.status_code == 200
    assert _rows(response) == []
    assert "South Math" not in response.content.decode()


def test_sort_by_school_then_descending_name(client, world, district_admin):
    factories.ClassGroupFactory(school=world.other_school, name="Alpha")  # South
    factories.ClassGroupFactory(school=world.school, name="Beta")  # North
    client.force_login(district_admin)
    assert _rows(client.get(URL, {"sort": "school"})) == ["Beta", "Alpha"]
    assert _rows(client.get(URL, {"sort": "-name"})) == ["Beta", "Alpha"]


def test_list_paginates_25_a_page(client, world, district_admin):
    for i in range(30):
        factories.ClassGroupFactory(school=world.school, name=f"Group {i:02d}")
    client.force_login(district_admin)
    assert len(_rows(client.get(URL))) == 25
    assert _rows(client.get(URL, {"page": 2})) == [f"Group {i}" for i in range(25, 30)]


def test_synced_class_has_a_lock_left_of_its_name(client, world, teacher):
    synced = factories.ClassGroupFactory(school=world.school, name="SIS Reading", origin="synced")
    factories.ClassGroupFactory(school=world.school, name="Hand Made")
    client.force_login(teacher)
    body = client.get(URL).content.decode()
    lock = 'title="Created by your SIS sync"'
    synced_link = f'<a href="{synced.get_absolute_url()}">SIS Reading</a>'
    assert body.count(lock) == 1
    assert body.index(lock) < body.index(synced_link)


def test_counts_and_products_shown_per_class(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, name="Room 5")
    factories.ClassStudentFactory.create_batch(3, class_group=cg)
    factories.ClassProductFactory(class_group=cg, product__name="Lexia Reading")
    client.force_login(teacher)
    response = client.get(URL)
    record = response.context["table"].page.object_list.data[0]
    assert record.student_count == 3
    assert "Lexia Reading" in response.content.decode()


def test_list_runs_the_same_number_of_queries_for_5_or_25_rows(client, world, district_admin):
    def make(n, prefix):
        for i in range(n):
            cg = factories.ClassGroupFactory(school=world.school, name=f"{prefix}{i:02d}")
            factories.ClassStudentFactory(class_group=cg)
            factories.ClassEducatorFactory(class_group=cg)
            factories.ClassProductFactory(class_group=cg)

    client.force_login(district_admin)
    make(5, "a")
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(URL))) == 5
    make(25, "b")
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(URL))) == 25
    assert len(few) == len(many)
    assert len(many) <= 10


def test_csv_export_follows_the_filter_and_neutralises_formulas(client, world, district_admin):
    cg = factories.ClassGroupFactory(school=world.school, name='=HYPERLINK("x")', external_id="1")
    factories.ClassProductFactory(class_group=cg, product__name="Reading Plus")
    factories.ClassProductFactory(class_group=cg, product__name="Math Lab")
    factories.ClassGroupFactory(school=world.other_school, name="South class")
    client.force_login(district_admin)
    response = client.get(URL, {"school": world.school.pk, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Class/Group Name", "Organization", "External Assigned ID"]
    assert len(rows) == 2  # the South class is filtered out
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert rows[1][1] == "North Elementary"
    assert rows[1][-1] == "Math Lab; Reading Plus"


def test_csv_export_of_a_teacher_holds_only_their_school(client, world, teacher):
    factories.ClassGroupFactory(school=world.school, name="Mine")
    factories.ClassGroupFactory(school=world.other_school, name="Not mine")
    client.force_login(teacher)
    response = client.get(URL, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Mine" in text and "Not mine" not in text


def test_the_sorted_column_says_so_with_aria_sort_and_an_arrow(client, world, teacher):
    factories.ClassGroupFactory(school=world.school, name="Robins")
    client.force_login(teacher)
    html = client.get(reverse("rostering:class_list"), {"sort": "-name"}).content.decode()
    heading = html.split('aria-sort="descending"')[1].split("</th>")[0]
    assert "Class/Group name" in heading and "&#9660;" in heading
    assert html.count("aria-sort=") == 1  # only the sorted column
