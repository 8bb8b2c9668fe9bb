"""The demo district: a realistic mix of manual and synced records, made through the services.

Deterministic (a fixed random seed) and idempotent: a second run changes nothing but resets
the demo users' passwords, so the README's sign-ins always work. The synced records come from
rostering.demo_data, which rostering.demo_snapshot also reads to write the district's SIS
export, so the two agree.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from rostering import services
from rostering.demo_data import (
    PRODUCT_RULES,
    SCHOOLS,
    SNAPSHOT_NAME,
    TEACHERS,
    DemoClass,
    class_rosters,
    demo_students,
    educator_email,
    school_sourced_id,
    synced_classes,
    teacher_sourced_id,
    teacher_username,
)
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
from rostering.services import writes
from rostering.sync import services as sync_services
from rostering.sync.models import SyncSource

DEMO_SLUG = "demo"
DEMO_PASSWORD = "homeroom-demo"
DEMO_USERS = {
    "demo-district-admin": "District administrator of Demo Unified School District",
    "demo-school-admin": "School administrator of Lincoln Elementary",
    "demo-teacher": "Teacher at Lincoln Elementary",
    "demo-support": "Support staff (Django admin, every district)",
}

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
def seed_demo() -> bool:
    """Create the demo district; returns False (after resetting demo passwords) if it exists.

    The district is ready to sync: its SyncSource holds an uploaded OneRoster zip that agrees
    with the synced records but for a renamed student and a new one, so a first Preview shows a
    real change and a second sync changes nothing. An existing district, and its source, are
    left as they are."""
    district = Organization.objects.filter(slug=DEMO_SLUG).first()
    if district is not None:
        _reset_demo_passwords()
        return False
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
            channel=Channel.SYNC,
            origin=Origin.SYNCED,
            sis_sourced_id=school_sourced_id(code),
        )
        for name, code, _ in SCHOOLS
    ]
    teachers = _educators(district, schools)
    students = demo_students()
    for school, (_, code, grades) in zip(schools, SCHOOLS, strict=True):
        _school_roster(district, school, code, grades, teachers[school.pk], students[code], products)
    _sync_source(district, products)
    _support_user()
    return True


def _sync_source(district: Organization, products: list[Product]) -> None:
    from rostering.demo_snapshot import snapshot_zip

    by_code = {product.code: product for product in products}
    for match_field, pattern, code in PRODUCT_RULES:
        sync_services.product_rule_add(
            actor=None,
            district=district,
            match_field=match_field,
            pattern=pattern,
            product=by_code[code],
        )
    SyncSource.objects.create(
        district=district,
        source_type=SyncSource.SourceType.ONEROSTER_UPLOAD,
        uploaded_name=SNAPSHOT_NAME,
        uploaded_snapshot=snapshot_zip(),
    )


def _products() -> list[Product]:
    products = []
    for name, code, settings in PRODUCTS:
        product, _ = Product.objects.get_or_create(code=code, defaults={"name": name})
        if not product.sign_in_url:  # printed on the demo's login cards, with a QR code
            product.sign_in_url = f"https://{code}.example.com/sign-in"
            product.save(update_fields=["sign_in_url"])
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
    educator = services.educator_create(
        actor=None,
        district=district,
        channel=Channel.SYNC if synced else Channel.SYSTEM,
        origin=Origin.SYNCED if synced else Origin.MANUAL,
        first_name=first,
        last_name=last,
        username=username,
        email=educator_email(username),
        organizations=orgs,
        educator_type=(
            Educator.EducatorType.ADMINISTRATOR if admin else Educator.EducatorType.TEACHER
        ),
        external_id=f"E-{username}",
        password=password,
        sis_sourced_id=teacher_sourced_id(username) if synced else None,
    )
    if synced:
        _remember_sis_values("educator", educator, {"email": educator.email})
    return educator


def _remember_sis_values(kind: str, record, values: dict) -> None:
    """What the SIS sent for the shared fields of a synced demo record, written as the sync
    writes it: through the engine, so its history names the channel."""
    before = {"sis_values": record.sis_values}
    record.sis_values = values
    writes.update(kind, record, before, actor=None, channel=Channel.SYNC)


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
    for school, (_, code, _) in zip(schools, SCHOOLS, strict=True):
        teachers.setdefault(school.pk, [])
        for i, (handle, first, last) in enumerate(TEACHERS):
            username = teacher_username(handle, code)
            teachers[school.pk].append(
                _educator(district, username, first, last, [school], synced=i == 0)
            )
    return teachers


def _school_roster(district, school, code, grades, teachers, people, products) -> None:
    reading, math, science, typing = products
    synced_classes_ = [_class(district, school, spec) for spec in synced_classes(code, grades)]
    manual_classes = [
        _class(district, school, "Reading Intervention Group"),
        _class(district, school, "After-school Coding Club"),
    ]
    services.class_group_add_product(
        actor=None, class_group=synced_classes_[0], product=reading, channel=Channel.SYNC
    )
    services.class_group_add_product(
        actor=None, class_group=synced_classes_[1], product=math, channel=Channel.SYNC
    )
    services.class_group_add_product(
        actor=None, class_group=synced_classes_[1], product=science, channel=Channel.SYSTEM
    )
    services.class_group_add_product(
        actor=None, class_group=manual_classes[0], product=reading, channel=Channel.SYSTEM
    )
    services.class_group_add_product(
        actor=None, class_group=manual_classes[1], product=typing, channel=Channel.SYSTEM
    )
    synced_teacher = [t for t in teachers if t.origin == Origin.SYNCED]
    for cls in synced_classes_:
        services.class_group_add_educators(
            actor=None, class_group=cls, educators=synced_teacher, channel=Channel.SYNC
        )
    for cls in manual_classes:
        services.class_group_add_educators(
            actor=None, class_group=cls, educators=teachers[:1], channel=Channel.SYSTEM
        )

    language = ProductSetting.objects.get(product=reading, key="language")
    records: dict[str, object] = {}
    manual = []
    for person in people:
        channel = Channel.SYNC if person.synced else Channel.SYSTEM
        student = services.student_create(
            actor=None,
            district=district,
            channel=channel,
            origin=Origin.SYNCED if person.synced else Origin.MANUAL,
            first_name=person.first,
            last_name=person.last,
            preferred_first_name=person.preferred_first_name,
            username=person.username,
            schools=[school],
            external_id=person.external_id,
            grade=person.grade,
            email=person.email,
            password=person.password,
            sis_sourced_id=person.sourced_id if person.synced else None,
        )
        if person.synced:
            sent = {"grade": person.grade, "email": student.email}
            _remember_sis_values("student", student, sent)
            records[person.sourced_id] = student
        else:
            manual.append(student)
        if person.language:
            services.student_add_product(
                actor=None, student=student, product=reading, channel=Channel.SYSTEM
            )
            services.student_set_product_setting(
                actor=None, student=student, setting=language, value=person.language,
                channel=channel,
            )
    for cls, members in zip(synced_classes_, class_rosters(people), strict=True):
        services.class_group_add_students(
            actor=None,
            class_group=cls,
            students=[records[m.sourced_id] for m in members],
            channel=Channel.SYNC,
        )
    services.class_group_add_students(
        actor=None, class_group=manual_classes[0], students=manual[::2], channel=Channel.SYSTEM
    )
    services.class_group_add_students(
        actor=None, class_group=manual_classes[1], students=manual[1::2], channel=Channel.SYSTEM
    )


def _class(district, school, spec: DemoClass | str) -> ClassGroup:
    if isinstance(spec, str):
        return services.class_group_create(
            actor=None, district=district, school=school, name=spec, channel=Channel.SYSTEM
        )
    return services.class_group_create(
        actor=None,
        district=district,
        school=school,
        name=spec.name,
        external_id=spec.sourced_id,
        subject=spec.subject,
        course_code=spec.course_code,
        grades=spec.grade,
        channel=Channel.SYNC,
        origin=Origin.SYNCED,
        sis_sourced_id=spec.sourced_id,
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
