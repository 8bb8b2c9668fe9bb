import pytest
from django.core.management import call_command
from django.urls import reverse

from rostering.demo import DEMO_PASSWORD, DEMO_USERS
from rostering.models import ClassGroup, Organization, Origin, Product, Student


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="demo")


def test_demo_has_schools_people_classes_products_and_both_origins(demo):
    assert Organization.objects.schools_of(demo).count() == 3
    students = Student.objects.filter(district=demo)
    assert 140 <= students.count() <= 160
    assert students.filter(origin=Origin.SYNCED).exists()
    assert students.filter(origin=Origin.MANUAL).exists()
    assert ClassGroup.objects.filter(district=demo, origin=Origin.SYNCED).exists()
    assert ClassGroup.objects.filter(district=demo, origin=Origin.MANUAL).exists()
    assert Product.objects.count() == 4
    assert all(p.settings.exists() for p in Product.objects.all())
    assert demo.sync_configuration.shared_fields["student"]


def test_seed_demo_is_idempotent(demo):
    counts = (Student.objects.count(), ClassGroup.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Student.objects.count(), ClassGroup.objects.count()) == counts


def test_if_empty_leaves_an_existing_database_alone(db):
    from tests import factories

    factories.DistrictFactory(slug="real")
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert not Organization.objects.filter(slug="demo").exists()


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_every_demo_user_signs_in(demo, client, username):
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200


def test_demo_support_is_staff_and_reaches_the_admin(demo, client):
    client.login(username="demo-support", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_demo_teacher_is_not_staff(demo, client):
    client.login(username="demo-teacher", password=DEMO_PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # sent to the admin's sign-in page
