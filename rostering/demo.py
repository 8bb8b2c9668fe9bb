"""The demo district: a realistic mix of manual and synced records, made through the services.

Deterministic (a fixed random seed) and idempotent: a second run changes nothing but resets
the demo users' passwords, so the README's sign-ins always work.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from rostering import services
from rostering.history import Channel
from rostering.models import (
    ClassGroup,
    Educator,
    Organization,
    Origin,
    Product,
    ProductSetting,
    SyncConfiguration,
)

DEMO_SLUG = "demo"
DEMO_PASSWORD = "homeroom-demo"
DEMO_USERS = {
    "demo-district-admin": "District administrator of Demo Unified School District",
    "demo-school-admin": "School administrator of Lincoln Elementary",
    "demo-teacher": "Teacher at Lincoln Elementary",
    "demo-support": "Support staff (Django admin, every district)",
}

SCHOOLS = [
    ("Lincoln Elementary", "LIN", ["KG", "01", "02", "03", "04", "05"]),
    ("Roosevelt Middle School", "ROS", ["06", "07", "08"]),
    ("Jefferson High School", "JEF", ["09", "10", "11", "12"]),
]
PRODUCTS = [
    (
        "Reading Quest",
        "reading-quest",
        [
            ("language", "Language Support", "choice", ["English", "Spanish"], "English"),
            ("session-minutes", "Session time (minutes)", "integer", (10, 60), "20"),
        ],
    ),
    (
        "Math Path",
        "math-path",
        [
            ("language", "Language Support", "choice", ["English", "Spanish"], "English"),
            ("hints", "Show hints", "boolean", None, "Yes"),
        ],
    ),
    (
        "Science Lab",
        "science-lab",
        [("read-aloud", "Read questions aloud", "boolean", None, "No")],
    ),
    (
        "Typing Tutor",
        "typing-tutor",
        [("session-minutes", "Session time (minutes)", "integer", (5, 45), "15")],
    ),
]
FIRST = (
    "Ava Liam Olivia Noah Emma Mateo Sofia Lucas Isabella Ethan Mia Aiden Amelia Elijah Harper "
    "James Camila Benjamin Luna Henry Aria Jackson Chloe Sebastian Zoe Daniel Nora Leo Maya Owen"
).split()
LAST = (
    "Garcia Smith Johnson Nguyen Brown Martinez Lee Patel Wilson Lopez Kim Davis Hernandez Clark "
    "Lewis Walker Young Allen King Wright Scott Torres Hill Green Adams Baker Rivera Campbell"
).split()
WORDS = "apple bear cloud dragon eagle forest garden kite lemon maple ocean panda river tiger".split()
STUDENTS_PER_SCHOOL = 50


def seed_demo() -> bool:
    """Create the demo district; returns False (after resetting demo passwords) if it exists."""
    district = Organization.objects.filter(slug=DEMO_SLUG).first()
    if district is not None:
        _reset_demo_passwords()
        return False
    rng = random.Random(20261122)
    district = services.district_create(
        actor=None,
        name="Demo Unified School District",
        slug=DEMO_SLUG,
        rostering_method=Organization.RosteringMethod.AUTOMATED,
    )
    SyncConfiguration.objects.filter(district=district).update(
        shared_fields={"student": ["grade", "email"], "educator": ["email"]}
    )
    products = _products()
    schools = [
        services.organization_create(
            actor=None,
            district=district,
            name=name,
            external_id=f"{code}-001",
            parent=district,
            channel=Channel.SYSTEM,
        )
        for name, code, _ in SCHOOLS
    ]
    teachers = _educators(district, schools)
    for school, (_, code, grades) in zip(schools, SCHOOLS, strict=True):
        _school_roster(rng, district, school, code, grades, teachers[school.pk], products)
    _support_user()
    return True


def _products() -> list[Product]:
    products = []
    for name, code, settings in PRODUCTS:
        product, _ = Product.objects.get_or_create(code=code, defaults={"name": name})
        for key, label, kind, values, default in settings:
            extra = {"allowed_values": values} if kind == "choice" else {}
            if kind == "integer":
                extra = {"min_value": values[0], "max_value": values[1]}
            ProductSetting.objects.get_or_create(
                product=product,
                key=key,
                defaults={"label": label, "setting_type": kind, "default": default, **extra},
            )
        products.append(product)
    return products


def _educator(district, username, first, last, orgs, *, admin=False, synced=False, password=None):
    return services.educator_create(
        actor=None,
        district=district,
        channel=Channel.SYNC if synced else Channel.SYSTEM,
        origin=Origin.SYNCED if synced else Origin.MANUAL,
        first_name=first,
        last_name=last,
        username=username,
        email=f"{username}@demo-usd.example.org",
        organizations=orgs,
        educator_type=(
            Educator.EducatorType.ADMINISTRATOR if admin else Educator.EducatorType.TEACHER
        ),
        external_id=f"E-{username}",
        password=password,
    )


def _educators(district, schools) -> dict[int, list[Educator]]:
    lincoln = schools[0]
    _educator(
        district, "demo-district-admin", "Diane", "Okafor", [district], admin=True,
        password=DEMO_PASSWORD,
    )
    _educator(
        district, "demo-school-admin", "Samuel", "Reyes", [lincoln], admin=True,
        password=DEMO_PASSWORD,
    )
    demo_teacher = _educator(
        district, "demo-teacher", "Tara", "Nguyen", [lincoln], password=DEMO_PASSWORD
    )
    teachers = {lincoln.pk: [demo_teacher]}
    names = [("mbrooks", "Marcus", "Brooks"), ("jpark", "Jenna", "Park")]
    for school in schools:
        teachers.setdefault(school.pk, [])
        for i, (username, first, last) in enumerate(names):
            handle = f"{username}.{school.external_id[:3].lower()}"
            teachers[school.pk].append(
                _educator(district, handle, first, last, [school], synced=i == 0)
            )
    return teachers


def _school_roster(rng, district, school, code, grades, teachers, products) -> None:
    reading, math, science, typing = products
    synced_classes = [
        _class(district, school, f"{code} Homeroom {grades[0]}", f"{code}-HR-1", True),
        _class(district, school, f"{code} Math {grades[-1]}", f"{code}-MA-1", True),
    ]
    manual_classes = [
        _class(district, school, "Reading Intervention Group", None, False),
        _class(district, school, "After-school Coding Club", None, False),
    ]
    services.class_group_add_product(
        actor=None, class_group=synced_classes[0], product=reading, channel=Channel.SYNC
    )
    services.class_group_add_product(
        actor=None, class_group=synced_classes[1], product=math, channel=Channel.SYNC
    )
    services.class_group_add_product(
        actor=None, class_group=synced_classes[1], product=science, channel=Channel.SYSTEM
    )
    services.class_group_add_product(
        actor=None, class_group=manual_classes[0], product=reading, channel=Channel.SYSTEM
    )
    services.class_group_add_product(
        actor=None, class_group=manual_classes[1], product=typing, channel=Channel.SYSTEM
    )
    for cls in synced_classes:
        services.class_group_add_educators(
            actor=None, class_group=cls, educators=teachers[-2:-1] or teachers, channel=Channel.SYNC
        )
    for cls in manual_classes:
        services.class_group_add_educators(
            actor=None, class_group=cls, educators=teachers[:1], channel=Channel.SYSTEM
        )

    language = ProductSetting.objects.get(product=reading, key="language")
    synced, manual = [], []
    for n in range(STUDENTS_PER_SCHOOL):
        is_synced = n % 3 != 0
        first, last = rng.choice(FIRST), rng.choice(LAST)
        username = f"{first}.{last}.{code}{n:02d}".lower()
        grade = rng.choice(grades)
        student = services.student_create(
            actor=None,
            district=district,
            channel=Channel.SYNC if is_synced else Channel.SYSTEM,
            origin=Origin.SYNCED if is_synced else Origin.MANUAL,
            first_name=first,
            last_name=last,
            username=username,
            schools=[school],
            external_id=f"{code}{n + 1:05d}",
            grade=grade,
            email=f"{username}@students.demo-usd.example.org",
            password=f"{rng.choice(WORDS)}{rng.randint(10, 99)}",
            sis_sourced_id=f"stu-{code}-{n}" if is_synced else None,
        )
        if is_synced:
            student.sis_values = {"grade": grade, "email": student.email}
            student.save(update_fields=["sis_values"])
            synced.append(student)
        else:
            manual.append(student)
        if n % 5 == 0:
            services.student_add_product(
                actor=None, student=student, product=reading, channel=Channel.SYSTEM
            )
            services.student_set_product_setting(
                actor=None,
                student=student,
                setting=language,
                value=rng.choice(["English", "Spanish"]),
                channel=Channel.SYNC if is_synced else Channel.SYSTEM,
            )
    half = len(synced) // 2
    for cls, members in ((synced_classes[0], synced[:half]), (synced_classes[1], synced[half:])):
        services.class_group_add_students(
            actor=None, class_group=cls, students=members, channel=Channel.SYNC
        )
    services.class_group_add_students(
        actor=None, class_group=manual_classes[0], students=manual[::2], channel=Channel.SYSTEM
    )
    services.class_group_add_students(
        actor=None, class_group=manual_classes[1], students=manual[1::2], channel=Channel.SYSTEM
    )


def _class(district, school, name, external_id, synced) -> ClassGroup:
    return services.class_group_create(
        actor=None,
        district=district,
        school=school,
        name=name,
        external_id=external_id,
        channel=Channel.SYNC if synced else Channel.SYSTEM,
        origin=Origin.SYNCED if synced else Origin.MANUAL,
        sis_sourced_id=f"cls-{external_id}" if synced else None,
    )


def _support_user() -> None:
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="demo-support", defaults={"first_name": "Sky", "last_name": "Support"}
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    # The admin opens through the Support staff group's permissions, never superuser.
    from accounts.services import make_support_staff

    make_support_staff(user)


def _reset_demo_passwords() -> None:
    User = get_user_model()
    for user in User.objects.filter(username__in=DEMO_USERS):
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.save()
