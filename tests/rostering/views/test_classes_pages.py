"""Adding a class/group and its tabs; every locked or out-of-scope change is refused."""

import pytest
from django.urls import reverse

from rostering.models import ClassEducator, ClassGroup, ClassProduct, ClassStudent, Origin
from tests import factories


def url(name, cg):
    return reverse(f"rostering:{name}", args=[cg.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def product(db):
    return factories.ProductFactory(name="Lexia Core5", code="core5")


# ---- add ---------------------------------------------------------------------------------------


def test_teacher_adds_a_class_with_products_in_their_school(client, world, teacher, product):
    client.force_login(teacher)
    response = client.post(
        reverse("rostering:class_add"),
        {"name": " Room 7 readers ", "school": world.school.pk, "products": [product.pk]},
    )
    cg = ClassGroup.objects.get()
    assert response.status_code == 302
    assert response.url == url("class_students", cg)
    assert (cg.name, cg.school, cg.district, cg.origin) == (
        "Room 7 readers",
        world.school,
        world.district,
        Origin.MANUAL,
    )
    assert cg.external_id is None
    assert list(cg.products.all()) == [product]
    assert ClassProduct.objects.get().origin == Origin.MANUAL


def test_add_form_offers_only_the_teachers_schools(client, world, teacher):
    client.force_login(teacher)
    response = client.get(reverse("rostering:class_add"))
    schools = list(response.context["form"].fields["school"].queryset)
    assert schools == [world.school]
    body = response.content.decode()
    assert "South Elementary" not in body
    assert 'for="id_name"' in body  # every input has a label


def test_teacher_cannot_add_a_class_in_another_school(client, world, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("rostering:class_add"), {"name": "Sneaky", "school": world.other_school.pk}
    )
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not ClassGroup.objects.exists()


def test_add_without_a_name_says_so_next_to_the_field(client, world, teacher):
    client.force_login(teacher)
    response = client.post(reverse("rostering:class_add"), {"name": "", "school": world.school.pk})
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not ClassGroup.objects.exists()


def test_duplicate_external_id_is_refused_and_nothing_is_written(client, world, teacher, product):
    factories.ClassGroupFactory(school=world.school, external_id="SEC-9")
    client.force_login(teacher)
    response = client.post(
        reverse("rostering:class_add"),
        {
            "name": "Copy",
            "school": world.school.pk,
            "external_id": "SEC-9",
            "products": [product.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert ClassGroup.objects.count() == 1
    assert not ClassProduct.objects.exists()


# ---- visibility ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tab", ["class_detail", "class_products", "class_students", "class_educators"]
)
def test_another_schools_class_is_not_found_for_a_teacher(client, world, teacher, tab):
    cg = factories.ClassGroupFactory(school=world.other_school)
    client.force_login(teacher)
    assert client.get(url(tab, cg)).status_code == 404


@pytest.mark.parametrize(
    "tab", ["class_detail", "class_products", "class_students", "class_educators"]
)
def test_outsider_district_gets_404_on_every_tab(client, world, outsider, tab):
    cg = factories.ClassGroupFactory(school=world.school)
    client.force_login(outsider)
    assert client.get(url(tab, cg)).status_code == 404
    assert client.post(url(tab, cg), {"name": "Taken over"}).status_code == 404
    cg.refresh_from_db()
    assert cg.name != "Taken over"


@pytest.mark.parametrize(
    "tab", ["class_detail", "class_products", "class_students", "class_educators"]
)
def test_teacher_opens_every_tab_of_their_class(client, world, teacher, tab):
    cg = factories.ClassGroupFactory(school=world.school)
    client.force_login(teacher)
    response = client.get(url(tab, cg))
    assert response.status_code == 200
    assert cg.name in response.content.decode()


# ---- details --------------------------------------------------------------------------------


def test_teacher_renames_a_manual_class(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, name="Old name")
    client.force_login(teacher)
    response = client.post(
        url("class_detail", cg),
        {
            "name": "New name",
            "school": world.school.pk,
            "external_id": cg.external_id,
            "is_active": "on",
        },
        follow=True,
    )
    cg.refresh_from_db()
    assert cg.name == "New name"
    assert "Saved the details of “New name”." in messages_of(response)
    assert cg.history.first().history_channel == "form"


def test_synced_class_details_are_disabled_with_lock_and_hover_text(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.get(url("class_detail", cg))
    form = response.context["form"]
    assert all(field.disabled for field in form.fields.values())
    body = response.content.decode()
    assert "must be changed in your SIS" in body
    assert "bi-lock-fill" in body
    assert "disabled" in body and "Save details" not in body


def test_crafted_post_cannot_rename_a_synced_class(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, name="SIS name", origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.post(
        url("class_detail", cg),
        {"name": "Hacked", "school": world.other_school.pk, "external_id": "X", "is_active": ""},
        follow=True,
    )
    cg.refresh_from_db()
    assert (cg.name, cg.school, cg.is_active) == ("SIS name", world.school, True)
    assert any("Nothing was changed" in m for m in messages_of(response))


def test_teacher_cannot_move_a_class_to_another_school(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    client.force_login(teacher)
    response = client.post(
        url("class_detail", cg), {"name": cg.name, "school": world.other_school.pk}
    )
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    cg.refresh_from_db()
    assert cg.school == world.school


# ---- products -------------------------------------------------------------------------------


def test_products_tab_shows_each_links_origin(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    factories.ClassProductFactory(class_group=cg, product__name="From SIS", origin=Origin.SYNCED)
    factories.ClassProductFactory(class_group=cg, product__name="By hand")
    client.force_login(teacher)
    body = client.get(url("class_products", cg)).content.decode()
    assert "From the SIS" in body and "Added by hand" in body
    assert "comes back at the next sync" in body


def test_products_can_be_added_to_a_synced_class(client, world, teacher, product):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.post(url("class_products", cg), {"product": product.pk}, follow=True)
    link = ClassProduct.objects.get(class_group=cg)
    assert (link.product, link.origin) == (product, Origin.MANUAL)
    assert "Lexia Core5 added to" in messages_of(response)[0]


def test_removing_an_sis_product_warns_it_comes_back(client, world, teacher, product):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    factories.ClassProductFactory(class_group=cg, product=product, origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.post(url("class_product_remove", cg), {"product": product.pk}, follow=True)
    assert not ClassProduct.objects.filter(class_group=cg).exists()
    assert "the next sync adds it back" in messages_of(response)[0]


def test_removing_a_product_of_another_class_is_not_found(client, world, teacher, product):
    mine = factories.ClassGroupFactory(school=world.school)
    theirs = factories.ClassGroupFactory(school=world.other_school)
    factories.ClassProductFactory(class_group=theirs, product=product)
    client.force_login(teacher)
    assert (
        client.post(url("class_product_remove", theirs), {"product": product.pk}).status_code == 404
    )
    assert (
        client.post(url("class_product_remove", mine), {"product": product.pk}).status_code == 404
    )
    assert ClassProduct.objects.filter(class_group=theirs).exists()


# ---- students -------------------------------------------------------------------------------


def test_teacher_adds_several_students_of_their_school(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    a, b, c = factories.StudentFactory.create_batch(3, school=world.school)
    client.force_login(teacher)
    page = client.get(url("class_students", cg))
    offered = {s.pk for s in page.context["candidates"]}
    assert offered == {a.pk, b.pk, c.pk}
    response = client.post(url("class_students", cg), {"students": [a.pk, b.pk]}, follow=True)
    assert set(cg.students.all()) == {a, b}
    assert "Added 2 students to" in messages_of(response)[0]


def test_the_student_picker_shows_grade_labels(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    factories.StudentFactory(school=world.school, grade="KG")
    factories.StudentFactory(school=world.school, grade="02")
    client.force_login(teacher)
    html = client.get(url("class_students", cg)).content.decode()
    assert "· Kindergarten" in html and "· Grade 2" in html
    assert "grade KG" not in html and "grade 02" not in html


def test_student_search_narrows_the_candidates(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    factories.StudentFactory(school=world.school, first_name="Ximena", last_name="Ortiz")
    factories.StudentFactory(school=world.school, first_name="Bob", last_name="Smith")
    client.force_login(teacher)
    response = client.get(url("class_students", cg), {"q": "xim"})
    assert [s.first_name for s in response.context["candidates"]] == ["Ximena"]


def test_adding_a_student_to_a_synced_class_is_refused(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    student = factories.StudentFactory(school=world.school)
    client.force_login(teacher)
    page = client.get(url("class_students", cg))
    assert "candidates" not in page.context  # read-only tab
    assert "set by the SIS sync" in page.content.decode()
    response = client.post(url("class_students", cg), {"students": [student.pk]})
    assert response.status_code == 200
    assert any("synced from your SIS" in m for m in messages_of(response))
    assert not ClassStudent.objects.exists()


def test_removing_a_student_from_a_synced_class_is_refused(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    member = factories.ClassStudentFactory(class_group=cg, origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.post(
        url("class_student_remove", cg), {"student": member.student_id}, follow=True
    )
    assert ClassStudent.objects.filter(pk=member.pk).exists()
    assert any("synced from your SIS" in m for m in messages_of(response))


def test_student_of_another_school_cannot_be_added(client, world, district_admin):
    cg = factories.ClassGroupFactory(school=world.school)
    elsewhere = factories.StudentFactory(school=world.other_school)
    client.force_login(district_admin)
    response = client.post(url("class_students", cg), {"students": [elsewhere.pk]})
    assert response.status_code == 200
    # The membership rule's sentence (rostering.memberships), as on every channel.
    wanted = f"{elsewhere.full_name} is not at North Elementary, where “{cg.name}” is"
    assert any(m.startswith(wanted) for m in messages_of(response))
    assert not ClassStudent.objects.exists()


def test_student_of_another_district_cannot_be_added(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    mine = factories.StudentFactory(school=world.school)
    outsider_student = factories.StudentFactory(school=world.outsider_school)
    client.force_login(teacher)
    response = client.post(url("class_students", cg), {"students": [mine.pk, outsider_student.pk]})
    assert response.status_code == 200
    assert not ClassStudent.objects.exists()  # nothing half-written


def test_teacher_removes_a_student_from_a_manual_class(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    member = factories.ClassStudentFactory(class_group=cg)
    client.force_login(teacher)
    response = client.post(
        url("class_student_remove", cg), {"student": member.student_id}, follow=True
    )
    assert not ClassStudent.objects.exists()
    assert "removed from" in messages_of(response)[0]


def test_removing_a_student_via_another_schools_class_is_not_found(client, world, teacher):
    theirs = factories.ClassGroupFactory(school=world.other_school)
    member = factories.ClassStudentFactory(class_group=theirs)
    client.force_login(teacher)
    response = client.post(url("class_student_remove", theirs), {"student": member.student_id})
    assert response.status_code == 404
    assert ClassStudent.objects.filter(pk=member.pk).exists()


# ---- educators ------------------------------------------------------------------------------


def test_educators_of_the_school_can_be_added_and_removed(client, world, school_admin):
    cg = factories.ClassGroupFactory(school=world.school)
    colleague = factories.EducatorFactory(organization=world.school, first_name="Cora")
    factories.EducatorFactory(organization=world.other_school, first_name="Nope")
    client.force_login(school_admin)
    page = client.get(url("class_educators", cg))
    names = [e.first_name for e in page.context["candidates"]]
    assert "Cora" in names and "Nope" not in names
    client.post(url("class_educators", cg), {"educators": [colleague.pk]})
    assert list(cg.educators.all()) == [colleague]
    client.post(url("class_educator_remove", cg), {"educator": colleague.pk})
    assert not cg.educators.exists()


def test_teacher_who_creates_a_class_becomes_one_of_its_educators(client, world, teacher):
    client.force_login(teacher)
    client.post(reverse("rostering:class_add"), {"name": "Room 9", "school": world.school.pk})
    cg = ClassGroup.objects.get(name="Room 9")
    assert [e.user for e in cg.educators.all()] == [teacher]


def test_administrator_who_creates_a_class_is_not_made_its_teacher(client, world, school_admin):
    client.force_login(school_admin)
    client.post(reverse("rostering:class_add"), {"name": "Room 9", "school": world.school.pk})
    assert not ClassGroup.objects.get(name="Room 9").educators.exists()


def test_teacher_sees_the_educators_but_no_picker_and_cannot_post_one(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    cora = factories.EducatorFactory(organization=world.school, first_name="Cora")
    dan = factories.EducatorFactory(organization=world.school, first_name="Dan")
    ClassEducator.objects.create(class_group=cg, educator=cora)
    client.force_login(teacher)
    page = client.get(url("class_educators", cg))
    assert [m.educator for m in page.context["members"]] == [cora]
    assert "candidates" not in page.context and b"Dan" not in page.content
    assert b"Administrators add and remove the educators" in page.content
    assert client.post(url("class_educators", cg), {"educators": [dan.pk]}).status_code == 403
    assert client.post(url("class_educator_remove", cg), {"educator": cora.pk}).status_code == 403
    assert list(cg.educators.all()) == [cora]


def test_educator_of_another_school_cannot_be_posted_in(client, world, district_admin):
    cg = factories.ClassGroupFactory(school=world.school)
    stranger = factories.EducatorFactory(organization=world.other_school)
    client.force_login(district_admin)
    response = client.post(url("class_educators", cg), {"educators": [stranger.pk]})
    assert response.status_code == 200
    assert not ClassEducator.objects.exists()


def test_synced_class_educators_tab_is_read_only_and_refuses_posts(client, world, school_admin):
    cg = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    colleague = factories.EducatorFactory(organization=world.school)
    client.force_login(school_admin)
    page = client.get(url("class_educators", cg))
    assert "candidates" not in page.context
    client.post(url("class_educators", cg), {"educators": [colleague.pk]})
    assert not ClassEducator.objects.exists()
