"""DESIGN.md rules 4 and 6: product links and settings the SIS sends, and those added by hand."""

from rostering.models import ClassProduct, StudentProductSetting
from rostering.sync.models import ProductRule, SettingRule
from tests import factories

from .conftest import klass, student


def _math_rule(district):
    product = factories.ProductFactory(name="MathWorld", code="mathworld")
    ProductRule.objects.create(
        district=district,
        match_field=ProductRule.MatchField.COURSE_CODE,
        pattern="MATH*",
        product=product,
    )
    return product


def _math_class(sis):
    sis.users = [student(1)]
    sis.courses = [{"sourcedId": "crs-1", "title": "Math 3", "courseCode": "MATH-3"}]
    sis.classes = [klass(1, courseSourcedId="crs-1", subjects="Mathematics")]


def test_a_product_rule_links_matching_classes_with_origin_synced(sis, district):
    product = _math_rule(district)
    _math_class(sis)
    sis.classes.append(klass(2, title="Art"))
    sis.sync()
    link = ClassProduct.objects.get(product=product)
    assert link.class_group.sis_sourced_id == "cls-1" and link.origin == "synced"
    assert link.class_group.course_code == "MATH-3"
    assert ClassProduct.objects.count() == 1


def test_a_subject_rule_and_a_class_code_rule_match_too(sis, district):
    reading = factories.ProductFactory(name="ReadNow", code="readnow")
    lab = factories.ProductFactory(name="LabSim", code="labsim")
    ProductRule.objects.create(
        district=district, match_field="subject", pattern="reading", product=reading
    )
    ProductRule.objects.create(
        district=district, match_field="class_code", pattern="SCI-7", product=lab
    )
    sis.users = [student(1)]
    sis.classes = [klass(1, subjects="English, Reading"), klass(2, classCode="SCI-7")]
    sis.sync()
    pairs = set(ClassProduct.objects.values_list("class_group__sis_sourced_id", "product__code"))
    assert pairs == {("cls-1", "readnow"), ("cls-2", "labsim")}


def test_a_synced_link_removed_by_hand_comes_back(sis, district):
    product = _math_rule(district)
    _math_class(sis)
    sis.sync()
    ClassProduct.objects.filter(product=product).delete()
    run = sis.sync()
    assert ClassProduct.objects.filter(product=product, origin="synced").exists()
    assert run.counts["product_links"]["added"] == 1


def test_a_link_added_by_hand_stays_and_once_removed_stays_removed(sis, district):
    _math_rule(district)
    _math_class(sis)
    sis.sync()
    extra = factories.ProductFactory(name="Typing", code="typing")
    group = ClassProduct.objects.get().class_group
    ClassProduct.objects.create(class_group=group, product=extra, origin="manual")

    sis.sync()
    assert ClassProduct.objects.filter(product=extra, origin="manual").exists()

    ClassProduct.objects.filter(product=extra).delete()
    sis.sync()
    assert not ClassProduct.objects.filter(product=extra).exists()


def test_a_link_the_rules_no_longer_give_is_removed(sis, district):
    product = _math_rule(district)
    _math_class(sis)
    sis.sync()
    ProductRule.objects.all().delete()
    sis.sync()
    assert not ClassProduct.objects.filter(product=product).exists()


def test_an_extension_column_sets_a_product_setting_and_a_hand_edit_reverts(sis, district):
    setting = factories.ProductSettingFactory(label="Language Support")
    SettingRule.objects.create(
        district=district,
        column="metadata.language",
        setting=setting,
        value_map={"es": "Spanish", "en": "English"},
    )
    sis.extra_user_columns = ("metadata.language",)
    sis.users = [student(1, **{"metadata.language": "es"}), student(2)]
    sis.sync()
    row = StudentProductSetting.objects.get(student__username="kid1")
    assert (row.value, row.origin, row.sis_value) == ("Spanish", "synced", "Spanish")
    assert not StudentProductSetting.objects.filter(student__username="kid2").exists()

    StudentProductSetting.objects.filter(pk=row.pk).update(
        value="English", origin="manual", sis_value=None
    )
    sis.sync()
    row.refresh_from_db()
    assert (row.value, row.origin, row.sis_value) == ("Spanish", "synced", "Spanish")


def test_a_setting_value_not_allowed_is_a_warning(sis, district):
    setting = factories.ProductSettingFactory(label="Language Support")
    SettingRule.objects.create(district=district, column="ext_lang", setting=setting)
    sis.extra_user_columns = ("ext_lang",)
    sis.users = [student(1, ext_lang="Klingon")]
    run = sis.sync()
    assert not StudentProductSetting.objects.exists()
    assert any("Klingon" in w["message"] and w["record"] == "stu-1" for w in run.warnings)
