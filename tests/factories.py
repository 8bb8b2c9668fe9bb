"""factory-boy factories for every model. SubFactories keep each record's school and district
consistent: a student's schools, a class's school and an educator's organizations are always in
the record's own district."""

import factory
from django.contrib.auth import get_user_model

from rostering import models
from rostering.passwords import encrypt_password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("homeroom-test")


class SupportUserFactory(UserFactory):
    """Support staff as the product makes them: in the Support staff group (the admin's
    permissions), staff, support role; never superuser."""

    class Meta:
        skip_postgeneration_save = True

    is_support = True
    is_staff = True

    @factory.post_generation
    def support_group(obj, create, extracted, **kwargs):
        if create:
            from accounts.services import make_support_staff

            make_support_staff(obj)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    org_type = models.Organization.OrgType.DISTRICT
    rostering_method = models.Organization.RosteringMethod.SELF_MANAGED
    sync_configuration = factory.RelatedFactory(
        "tests.factories.SyncConfigurationFactory", factory_related_name="district"
    )


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"School {n}")
    org_type = models.Organization.OrgType.SCHOOL
    district = factory.SubFactory(DistrictFactory)
    parent = factory.SelfAttribute("district")
    external_id = factory.Sequence(lambda n: f"SCH{n:04d}")


class SyncConfigurationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SyncConfiguration
        django_get_or_create = ("district",)

    district = factory.SubFactory(DistrictFactory, sync_configuration=None)
    shared_fields = factory.LazyFunction(
        lambda: {"student": ["grade", "email"], "educator": ["email"]}
    )


class StudentFactory(factory.django.DjangoModelFactory):
    """A student of ``school`` (made for it unless given), in that school's district.

    Pass ``schools=[...]`` to attach several schools instead.
    """

    class Meta:
        model = models.Student
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    username = factory.Sequence(lambda n: f"student{n:05d}")
    external_id = factory.Sequence(lambda n: f"{n:06d}")
    grade = "03"
    password_encrypted = factory.LazyFunction(lambda: encrypt_password("tiger42"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        school = kwargs.pop("school")
        obj = super()._create(model_class, *args, **kwargs)
        obj.schools.set([school])
        return obj

    @factory.post_generation
    def schools(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.schools.set(extracted)


class EducatorFactory(factory.django.DjangoModelFactory):
    """An educator of ``organization`` (a school, or the district itself), with a portal user."""

    class Meta:
        model = models.Educator
        skip_postgeneration_save = True

    organization = factory.SubFactory(SchoolFactory)
    district = factory.LazyAttribute(lambda e: e.organization.district_root)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    username = factory.Sequence(lambda n: f"educator{n:04d}")
    email = factory.LazyAttribute(lambda e: f"{e.username}@example.org")
    educator_type = models.Educator.EducatorType.TEACHER
    external_id = factory.Sequence(lambda n: f"T{n:05d}")
    user = factory.SubFactory(
        UserFactory,
        username=factory.SelfAttribute("..username"),
        first_name=factory.SelfAttribute("..first_name"),
        last_name=factory.SelfAttribute("..last_name"),
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organization = kwargs.pop("organization")
        obj = super()._create(model_class, *args, **kwargs)
        obj.organizations.set([organization])
        return obj

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.organizations.set(extracted)


class ClassGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassGroup

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    name = factory.Sequence(lambda n: f"Class {n}")
    external_id = factory.Sequence(lambda n: f"C{n:05d}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Product {n}")
    code = factory.Sequence(lambda n: f"product-{n}")


class ProductSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProductSetting

    product = factory.SubFactory(ProductFactory)
    key = factory.Sequence(lambda n: f"setting-{n}")
    label = "Language Support"
    setting_type = models.ProductSetting.SettingType.CHOICE
    allowed_values = factory.LazyFunction(lambda: ["English", "Spanish"])
    default = "English"


class ClassStudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassStudent

    class_group = factory.SubFactory(ClassGroupFactory)
    student = factory.SubFactory(
        StudentFactory, school=factory.SelfAttribute("..class_group.school")
    )


class ClassEducatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassEducator

    class_group = factory.SubFactory(ClassGroupFactory)
    educator = factory.SubFactory(
        EducatorFactory, organization=factory.SelfAttribute("..class_group.school")
    )


class ClassProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClassProduct

    class_group = factory.SubFactory(ClassGroupFactory)
    product = factory.SubFactory(ProductFactory)


class StudentProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StudentProduct

    student = factory.SubFactory(StudentFactory)
    product = factory.SubFactory(ProductFactory)


class StudentProductSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StudentProductSetting

    student = factory.SubFactory(StudentFactory)
    setting = factory.SubFactory(ProductSettingFactory)
    value = "Spanish"
