"""Printable login cards of a class/group: passwords shown only to those who may change it;
each card names the student's products with their sign-in address and a QR code of it."""

from django.urls import reverse

from rostering.login_cards import sign_in_target
from rostering.models import Student, StudentProduct
from tests import factories


def cards_url(cg):
    return reverse("rostering:class_login_cards", args=[cg.pk])


def test_teacher_prints_cards_with_decrypted_passwords(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school, name="Room 4")
    factories.ClassStudentFactory(
        class_group=cg,
        student__first_name="Ana",
        student__last_name="Ruiz",
        student__username="ana.ruiz",
    )
    no_password = factories.ClassStudentFactory(
        class_group=cg, student__first_name="Ben", student__password_encrypted=""
    )
    client.force_login(teacher)
    response = client.get(cards_url(cg))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="signin-card"') == 2
    assert "Ana Ruiz" in body and "ana.ruiz" in body
    assert "tiger42" in body  # the factory's password, decrypted
    token = Student.objects.get(username="ana.ruiz").password_encrypted
    assert token.rsplit("$", 1)[1] not in body  # never the encrypted token
    assert no_password.student.username in body and "no password yet" in body
    assert "North Elementary" in body and "Login cards: Room 4" in body
    assert "Homeroom login card" not in body  # students never sign in to Homeroom


def test_each_card_names_the_products_with_sign_in_address_and_qr_code(client, world, teacher):
    rocket = factories.ProductFactory(
        name="Reading Rocket", sign_in_url="https://rocket.example/signin"
    )
    maths = factories.ProductFactory(name="Math Meadow", sign_in_url="")
    cg = factories.ClassGroupFactory(school=world.school, name="Room 4")
    factories.ClassProductFactory(class_group=cg, product=maths)
    ana = factories.ClassStudentFactory(class_group=cg, student__username="ana.ruiz").student
    StudentProduct.objects.create(student=ana, product=rocket)
    client.force_login(teacher)
    body = client.get(cards_url(cg)).content.decode()
    assert "Reading Rocket" in body and "https://rocket.example/signin" in body
    assert "Math Meadow" in body  # through the class/group, no address to print
    assert body.count('class="qr-code"') == 1  # only the product with an address has a code


def test_qr_target_is_the_sign_in_address_with_the_username():
    assert (
        sign_in_target("https://rocket.example/signin", "ana.ruiz")
        == "https://rocket.example/signin?username=ana.ruiz"
    )
    assert (
        sign_in_target("https://m.example/go?school=7", "o'neil")
        == "https://m.example/go?school=7&username=o%27neil"
    )


def test_cards_leave_out_inactive_students(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    factories.ClassStudentFactory(
        class_group=cg, student__username="gone", student__is_active=False
    )
    client.force_login(teacher)
    body = client.get(cards_url(cg)).content.decode()
    assert "gone" not in body
    assert "No active students" in body


def test_cards_page_hides_the_navbar_when_printed(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.school)
    client.force_login(teacher)
    body = client.get(cards_url(cg)).content.decode()
    assert (
        '<nav class="navbar' in body and "d-print-none" in body.split('<nav class="navbar')[1][:200]
    )
    assert "css/login-cards.css" in body  # its @media print rules: two across, four down


def test_another_schools_class_cards_are_not_found(client, world, teacher):
    cg = factories.ClassGroupFactory(school=world.other_school)
    factories.ClassStudentFactory(class_group=cg)
    client.force_login(teacher)
    response = client.get(cards_url(cg))
    assert response.status_code == 404
    assert b"tiger42" not in response.content


def test_outsider_district_gets_404(client, world, outsider):
    cg = factories.ClassGroupFactory(school=world.school)
    client.force_login(outsider)
    assert client.get(cards_url(cg)).status_code == 404


def test_user_without_a_role_gets_404_and_anonymous_is_sent_to_sign_in(client, world):
    cg = factories.ClassGroupFactory(school=world.school)
    assert client.get(cards_url(cg)).status_code == 302
    client.force_login(factories.UserFactory())
    assert client.get(cards_url(cg)).status_code == 404


def test_cards_of_several_chosen_classes_each_student_once(client, world, teacher):
    reading = factories.ClassGroupFactory(school=world.school, name="Readers")
    maths = factories.ClassGroupFactory(school=world.school, name="Counters")
    factories.ClassGroupFactory(school=world.school, name="Not chosen")
    both = factories.StudentFactory(school=world.school, username="both.kid")
    only = factories.StudentFactory(school=world.school, username="only.kid")
    for group, student in ((reading, both), (maths, both), (maths, only)):
        factories.ClassStudentFactory(class_group=group, student=student)
    elsewhere = factories.ClassGroupFactory(school=world.outsider_school, name="Elsewhere")
    factories.ClassStudentFactory(class_group=elsewhere, student__username="not.yours")
    client.force_login(teacher)
    response = client.post(
        reverse("rostering:class_login_cards_chosen"),
        {"class_group": [reading.pk, maths.pk, elsewhere.pk]},
    )
    body = response.content.decode()
    assert body.count('class="signin-card"') == 2
    assert "both.kid" in body and "only.kid" in body and "not.yours" not in body
    assert "Login cards: Counters, Readers" in body
