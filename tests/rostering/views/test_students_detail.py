"""A student's page: Details with field ownership, Classes/Groups, Products, Product Settings,
status, password and login card. The server refuses what the page does not offer."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rostering.models import ClassStudent, Origin, StudentProduct, StudentProductSetting
from rostering.ownership import LOCKED_MESSAGE
from rostering.passwords import decrypt_password, encrypt_password
from tests import factories


def url(name: str, student) -> str:
    return reverse(f"rostering:{name}", args=[student.pk])


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def synced(world):
    """Tim, synced from the SIS; the district's SIS also sends grade and email (shared)."""
    return factories.StudentFactory(
        school=world.school,
        first_name="Tim",
        last_name="Berners",
        username="tim.b",
        external_id="S-200",
        grade="05",
        email="tim@example.org",
        origin=Origin.SYNCED,
        sis_values={"grade": "05", "email": "tim@example.org"},
    )


@pytest.fixture
def manual(world):
    return factories.StudentFactory(
        school=world.school, first_name="Ada", last_name="Lovelace", username="ada.l"
    )


def details(student, **changes) -> dict:
    data = {
        "first_name": student.first_name,
        "middle_name": student.middle_name,
        "last_name": student.last_name,
        "username": student.username,
        "email": student.email,
        "external_id": student.external_id or "",
        "alt_external_id": student.alt_external_id or "",
        "grade": student.grade,
        "schools": [s.pk for s in student.schools.all()],
    }
    data.update(changes)
    return data


# ---- Details ---------------------------------------------------------------------------


def test_locked_fields_of_a_synced_student_are_disabled_with_lock_and_hover(
    client, teacher, synced
):
    client.force_login(teacher)
    response = client.get(url("student_detail", synced))
    form = response.context["form"]
    for name in ("first_name", "last_name", "username", "external_id", "schools"):
        assert form.fields[name].disabled, name
    assert not form.fields["grade"].disabled and not form.fields["middle_name"].disabled
    html = response.content.decode()
    assert "bi-lock-fill" in html
    assert f'title="{LOCKED_MESSAGE}"' in html
    assert "the next sync will put back the SIS value" in html  # the shared-field note
    assert 'data-sis-value="05"' in html
    assert "js/shared-fields.js" in html


def test_crafted_post_changing_a_locked_field_changes_nothing(client, teacher, synced):
    client.force_login(teacher)
    data = details(synced, first_name="Timothy", username="hacked", external_id="X-1")
    response = client.post(url("student_detail", synced), data)
    assert response.status_code == 302
    synced.refresh_from_db()
    assert (synced.first_name, synced.username, synced.external_id) == ("Tim", "tim.b", "S-200")


def test_teacher_edits_a_manual_students_name(client, teacher, manual):
    client.force_login(teacher)
    response = client.post(url("student_detail", manual), details(manual, first_name="Augusta"))
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.first_name == "Augusta"
    assert "Saved Augusta Lovelace." in shown(response)


def test_shared_field_differing_from_sis_is_saved_with_a_warning(client, teacher, synced):
    client.force_login(teacher)
    response = client.post(url("student_detail", synced), details(synced, grade="06"))
    synced.refresh_from_db()
    assert synced.grade == "06"
    assert any('differs from the SIS value "Grade 5"' in m for m in shown(response))


def test_local_field_of_a_synced_student_is_saved_without_warning(client, teacher, synced):
    client.force_login(teacher)
    response = client.post(url("student_detail", synced), details(synced, middle_name="Jo"))
    synced.refresh_from_db()
    assert synced.middle_name == "Jo"
    assert not any("SIS value" in m for m in shown(response))


def test_invalid_email_is_shown_next_to_the_field(client, teacher, manual):
    client.force_login(teacher)
    response = client.post(url("student_detail", manual), details(manual, email="not-an-email"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_teacher_keeps_a_students_second_school_when_saving(client, teacher, world):
    student = factories.StudentFactory(
        school=world.school, schools=[world.school, world.other_school]
    )
    client.force_login(teacher)
    client.post(url("student_detail", student), details(student, first_name="Kept"))
    student.refresh_from_db()
    assert set(student.schools.all()) == {world.school, world.other_school}


def test_another_schools_student_is_404_for_a_teacher(client, teacher, world):
    other = factories.StudentFactory(school=world.other_school, first_name="Sofia")
    client.force_login(teacher)
    assert client.get(url("student_detail", other)).status_code == 404
    response = client.post(url("student_detail", other), details(other, first_name="Hacked"))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.first_name == "Sofia"


def test_outsider_district_student_is_404_on_every_page(client, outsider, manual):
    client.force_login(outsider)
    for name in (
        "student_detail",
        "student_classes",
        "student_products",
        "student_settings",
        "student_password",
        "student_login_card",
    ):
        assert client.get(url(name, manual)).status_code == 404, name
    assert client.post(url("student_deactivate", manual)).status_code == 404
    assert client.post(url("student_password", manual), {"password": "owned1"}).status_code == 404
    manual.refresh_from_db()
    assert manual.is_active and decrypt_password(manual.password_encrypted) == "tiger42"


# ---- Classes/Groups --------------------------------------------------------------------


def test_classes_tab_lists_and_offers_only_manual_classes(client, teacher, world, manual):
    mine = factories.ClassGroupFactory(school=world.school, name="Robins")
    other = factories.ClassGroupFactory(school=world.school, name="Owls")
    synced = factories.ClassGroupFactory(school=world.school, name="SIS Math", origin=Origin.SYNCED)
    ClassStudent.objects.create(class_group=mine, student=manual)
    ClassStudent.objects.create(class_group=synced, student=manual, origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.get(url("student_classes", manual))
    classes = response.context["classes"]
    assert [m.class_group for m in classes.manual] == [mine]
    assert classes.offered == [other]
    assert classes.synced_count == 1
    assert "SIS Math" not in response.content.decode()


def test_teacher_adds_and_removes_a_manual_class(client, teacher, world, manual):
    group = factories.ClassGroupFactory(school=world.school, name="Robins")
    client.force_login(teacher)
    client.post(url("student_classes", manual), {"class_group": group.pk})
    assert ClassStudent.objects.filter(class_group=group, student=manual).exists()
    client.post(url("student_class_remove", manual), {"class_group": group.pk})
    assert not ClassStudent.objects.filter(class_group=group, student=manual).exists()


def test_adding_a_student_to_a_synced_class_by_hand_is_refused(client, teacher, world, manual):
    synced = factories.ClassGroupFactory(school=world.school, name="SIS Math", origin=Origin.SYNCED)
    client.force_login(teacher)
    response = client.post(url("student_classes", manual), {"class_group": synced.pk})
    assert not ClassStudent.objects.filter(class_group=synced).exists()
    assert any("synced from your SIS" in m for m in shown(response))


def test_removing_a_student_from_a_synced_class_is_refused(client, teacher, world, synced):
    group = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    ClassStudent.objects.create(class_group=group, student=synced, origin=Origin.SYNCED)
    client.force_login(teacher)
    client.post(url("student_class_remove", synced), {"class_group": group.pk})
    assert ClassStudent.objects.filter(class_group=group, student=synced).exists()


def test_adding_to_another_schools_class_is_404(client, teacher, world, manual):
    theirs = factories.ClassGroupFactory(school=world.other_school)
    client.force_login(teacher)
    response = client.post(url("student_classes", manual), {"class_group": theirs.pk})
    assert response.status_code == 404
    assert not ClassStudent.objects.filter(class_group=theirs).exists()


# ---- Products and settings -------------------------------------------------------------


def test_products_tab_shows_origin_and_access_through_classes(client, teacher, world, manual):
    direct = factories.ProductFactory(name="Reading Rocket")
    synced_product = factories.ProductFactory(name="Math Mountain")
    via_class = factories.ProductFactory(name="Science Safari")
    StudentProduct.objects.create(student=manual, product=direct)
    StudentProduct.objects.create(student=manual, product=synced_product, origin=Origin.SYNCED)
    group = factories.ClassGroupFactory(school=world.school, name="Robins")
    factories.ClassProductFactory(class_group=group, product=via_class)
    ClassStudent.objects.create(class_group=group, student=manual)
    client.force_login(teacher)
    html = client.get(url("student_products", manual)).content.decode()
    assert "Direct, added by hand" in html
    assert "Direct, synced from your SIS" in html
    assert "Through Robins" in html


def test_teacher_gives_and_removes_a_product(client, teacher, manual):
    product = factories.ProductFactory(name="Reading Rocket")
    client.force_login(teacher)
    client.post(url("student_products", manual), {"product": product.pk})
    link = StudentProduct.objects.get(student=manual, product=product)
    assert link.origin == Origin.MANUAL
    client.post(url("student_product_remove", manual), {"product": product.pk})
    assert not StudentProduct.objects.filter(student=manual).exists()


def test_teacher_edits_a_product_setting_of_a_synced_student(client, teacher, synced):
    setting = factories.ProductSettingFactory(label="Language Support")
    StudentProduct.objects.create(student=synced, product=setting.product, origin=Origin.SYNCED)
    minutes = factories.ProductSettingFactory(
        product=setting.product,
        key="minutes",
        label="Session time",
        setting_type="integer",
        allowed_values=[],
        min_value=5,
        max_value=60,
        default="20",
    )
    StudentProductSetting.objects.create(
        student=synced, setting=setting, value="English", sis_value="English", origin=Origin.SYNCED
    )
    client.force_login(teacher)
    page = client.get(url("student_settings", synced)).content.decode()
    assert "the next sync puts back the SIS value" in page
    assert 'data-sis-value="English"' in page and "(SIS value: English)" in page
    response = client.post(
        url("student_settings", synced),
        {f"setting_{setting.pk}": "Spanish", f"setting_{minutes.pk}": "30"},
    )
    assert response.status_code == 302
    assert StudentProductSetting.objects.get(student=synced, setting=setting).value == "Spanish"
    assert StudentProductSetting.objects.get(student=synced, setting=minutes).value == "30"
    assert [m for m in shown(response) if "differs" in m] == [
        'Language Support now differs from the SIS value "English": '
        "the next sync will put the SIS value back."
    ]


def test_setting_out_of_range_saves_nothing_and_says_why(client, teacher, manual):
    language = factories.ProductSettingFactory()
    minutes = factories.ProductSettingFactory(
        product=language.product,
        key="minutes",
        label="Session time (minutes)",
        setting_type="integer",
        allowed_values=[],
        min_value=10,
        max_value=60,
        default="20",
    )
    StudentProduct.objects.create(student=manual, product=language.product)
    client.force_login(teacher)
    response = client.post(
        url("student_settings", manual),
        {f"setting_{language.pk}": "Spanish", f"setting_{minutes.pk}": "600"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"setting_{minutes.pk}"] == ["Session time is between 10 and 60 minutes."]
    assert not StudentProductSetting.objects.filter(student=manual).exists()
    response = client.post(
        url("student_settings", manual),
        {f"setting_{language.pk}": "Klingon", f"setting_{minutes.pk}": "ten"},
    )
    errors = response.context["form"].errors
    assert errors[f"setting_{minutes.pk}"] == [
        "Session time is a whole number between 10 and 60 minutes."
    ]
    assert errors[f"setting_{language.pk}"] == ["Choose one of: English, Spanish."]
    assert "Ensure this value" not in response.content.decode()


def test_settings_come_from_products_through_classes_too(client, teacher, world, manual):
    setting = factories.ProductSettingFactory(label="Voice")
    group = factories.ClassGroupFactory(school=world.school)
    factories.ClassProductFactory(class_group=group, product=setting.product)
    ClassStudent.objects.create(class_group=group, student=manual)
    client.force_login(teacher)
    form = client.get(url("student_settings", manual)).context["form"]
    assert f"setting_{setting.pk}" in form.fields


# ---- Status, password, login card ------------------------------------------------------


def test_deactivate_and_reactivate_are_post_only(client, teacher, manual):
    client.force_login(teacher)
    assert client.get(url("student_deactivate", manual)).status_code == 405
    client.post(url("student_deactivate", manual))
    manual.refresh_from_db()
    assert not manual.is_active
    client.post(url("student_reactivate", manual))
    manual.refresh_from_db()
    assert manual.is_active


def test_deactivating_offers_an_undo_that_reactivates(client, teacher, manual):
    client.force_login(teacher)
    response = client.post(url("student_deactivate", manual), follow=True)
    html = response.content.decode()
    assert "Ada Lovelace is deactivated." in html
    assert f'action="{url("student_reactivate", manual)}"' in html  # the Undo button's form
    client.post(url("student_reactivate", manual))
    manual.refresh_from_db()
    assert manual.is_active


def test_removing_a_product_offers_to_add_it_back(client, teacher, manual):
    product = factories.ProductFactory(name="Reading Rocket")
    StudentProduct.objects.create(student=manual, product=product)
    client.force_login(teacher)
    html = client.post(
        url("student_product_remove", manual), {"product": product.pk}, follow=True
    ).content.decode()
    assert "Removed Reading Rocket from Ada Lovelace." in html
    assert f'action="{url("student_products", manual)}"' in html
    assert f'name="product" value="{product.pk}"' in html
    client.post(url("student_products", manual), {"product": product.pk})  # Undo
    assert StudentProduct.objects.filter(student=manual, product=product).exists()


def test_remove_buttons_ask_first(client, teacher, manual):
    client.force_login(teacher)
    html = client.get(manual.get_absolute_url()).content.decode()
    assert 'data-confirm="Deactivate Ada Lovelace?' in html


def test_synced_students_status_cannot_be_changed_here(client, teacher, synced):
    client.force_login(teacher)
    response = client.post(url("student_deactivate", synced))
    synced.refresh_from_db()
    assert synced.is_active
    assert any("must be changed in your SIS" in m for m in shown(response))


def test_reset_password_shows_it_once_with_a_login_card_link(client, teacher, manual):
    # A password the generator (a word and two digits) never makes, so the reset must change it.
    manual.password_encrypted = encrypt_password("Ada's own password")
    manual.save(update_fields=["password_encrypted"])
    client.force_login(teacher)
    response = client.post(url("student_password", manual), {"password": ""})
    assert response.status_code == 200
    new = response.context["new_password"]
    manual.refresh_from_db()
    assert decrypt_password(manual.password_encrypted) == new != "Ada's own password"
    html = response.content.decode()
    assert new in html and url("student_login_card", manual) in html
    assert new not in client.get(url("student_password", manual)).content.decode()


def test_a_synced_students_password_page_says_the_sis_may_put_it_back(
    client, teacher, synced, manual
):
    client.force_login(teacher)
    note = "the next sync puts back the SIS's password"

    assert note in client.get(url("student_password", synced)).content.decode()
    response = client.post(url("student_password", synced), {"password": "river77"})
    assert response.context["new_password"] == "river77" and note in response.content.decode()
    assert note not in client.get(url("student_password", manual)).content.decode()


def test_too_short_password_is_refused_in_plain_words(client, teacher, manual):
    client.force_login(teacher)
    response = client.post(url("student_password", manual), {"password": "ab"})
    assert "at least 4 characters" in " ".join(response.context["form"].errors["password"])
    manual.refresh_from_db()
    assert decrypt_password(manual.password_encrypted) == "tiger42"


def test_login_card_shows_username_password_and_school(client, teacher, world, manual):
    client.force_login(teacher)
    html = client.get(url("student_login_card", manual)).content.decode()
    assert "ada.l" in html and "tiger42" in html and world.school.name in html


def test_the_details_tab_names_the_sis_grade_by_its_label(client, teacher, synced):
    client.force_login(teacher)
    html = client.get(url("student_detail", synced)).content.decode()
    assert "(SIS value: Grade 5)" in html
    assert 'data-sis-label="Grade 5"' in html
