"""What the sync asks of the roster engine beyond what imports do: sign-ins that follow
their educators, links taken over, new organizations below new organizations, settings
kept as the SIS's value, all in a fixed number of writes."""

import pytest

from rostering.models import ClassGroup, ClassProduct, Educator, LinkChange, Organization
from rostering.sync.models import ProductRule, SyncSource
from tests import factories

from .conftest import klass, student, teacher


@pytest.fixture
def loose(district):
    SyncSource.objects.filter(district=district).update(hold_threshold_percent=100)


def test_a_teacher_the_sis_removes_can_no_longer_sign_in(sis, loose):
    sis.users = [student(1), teacher(1)]
    sis.sync()
    assert Educator.objects.get(username="teach1").user.is_active

    sis.users[1] = {**sis.users[1], "status": "tobedeleted"}
    sis.sync()

    teach = Educator.objects.get(username="teach1")
    assert not teach.is_active and not teach.user.is_active


def test_a_teacher_renamed_in_the_sis_signs_in_with_the_new_name(sis):
    sis.users = [teacher(1)]
    sis.sync()
    sis.users = [teacher(1, username="teach.one", givenName="Tessa", email="tessa@sis.example")]
    sis.sync()

    user = Educator.objects.get(sis_sourced_id="tch-1").user
    assert (user.username, user.first_name, user.email) == (
        "teach.one",
        "Tessa",
        "tessa@sis.example",
    )


def test_a_product_link_added_by_hand_that_the_rules_give_is_taken_over(sis, district):
    product = factories.ProductFactory(name="MathWorld", code="mathworld")
    sis.users = [student(1)]
    sis.classes = [klass(1, classCode="MATH-1")]
    sis.sync()
    group = ClassGroup.objects.get(sis_sourced_id="cls-1")
    ClassProduct.objects.create(class_group=group, product=product, origin="manual")
    ProductRule.objects.create(
        district=district, match_field="class_code", pattern="MATH*", product=product
    )
    history = LinkChange.objects.filter(class_group=group).count()

    run = sis.sync()

    link = ClassProduct.objects.get(class_group=group, product=product)
    assert link.origin == "synced"  # the SIS's now: removed again when the rule stops giving it
    assert run.counts["product_links"] == {"added": 0, "taken_over": 1, "removed": 0}
    # The child kept the product throughout: no "removed" and "added" in its history.
    assert LinkChange.objects.filter(class_group=group).count() == history


def test_a_department_listed_before_its_new_school_lands_below_it(sis, district):
    sis.users = [student(1)]
    sis.orgs = [
        *sis.orgs,
        {
            "sourcedId": "dep-1",
            "name": "West Science",
            "type": "department",
            "parentSourcedId": "sch-2",
        },
        {"sourcedId": "sch-2", "name": "West Middle", "type": "school", "parentSourcedId": "dist"},
    ]
    run = sis.sync()

    west = Organization.objects.get(sis_sourced_id="sch-2")
    science = Organization.objects.get(sis_sourced_id="dep-1")
    assert (science.parent, west.parent, science.district) == (west, district, district)
    assert run.counts["organizations"]["created"] == 2
    assert [h.history_channel for h in science.history.all()] == ["sync"]


def test_a_school_moved_below_another_in_the_sis_moves_in_the_portal(sis, district):
    sis.users = [student(1)]
    sis.orgs = [
        *sis.orgs,
        {"sourcedId": "sch-2", "name": "West Middle", "type": "school", "parentSourcedId": "dist"},
    ]
    sis.sync()
    sis.orgs[-1] = {**sis.orgs[-1], "type": "department", "parentSourcedId": "sch-1"}

    run = sis.sync()

    moved = Organization.objects.get(sis_sourced_id="sch-2")
    assert moved.parent.name == "North Elementary" and moved.org_type == "department"
    assert run.counts["organizations"]["updated"] == 1


def test_memberships_written_block_by_block_are_all_written_with_their_history(
    sis, monkeypatch
):
    """A sync writes its link changes a block at a time (rostering.engine.apply.LINK_BLOCK):
    with blocks of two, every one of seven memberships and its history row still lands, and
    a removal in a later run is written too."""
    import importlib

    from rostering.models import ClassEducator, ClassStudent

    from .conftest import enroll

    engine_apply = importlib.import_module("rostering.engine.apply")  # not the function
    monkeypatch.setattr(engine_apply, "LINK_BLOCK", 2)
    sis.users = [student(n) for n in range(1, 6)] + [teacher(1), teacher(2)]
    sis.classes = [klass(1), klass(2)]
    sis.enrollments = [enroll(1 + n % 2, f"stu-{n}") for n in range(1, 6)] + [
        enroll(1, "tch-1", "teacher"),
        enroll(2, "tch-2", "teacher"),
    ]
    run = sis.sync()

    assert run.counts["memberships"]["added"] == 7
    assert ClassStudent.objects.count() == 5 and ClassEducator.objects.count() == 2
    added = LinkChange.objects.filter(action="added", kind__in=["class_student", "class_educator"])
    assert added.filter(channel="sync").count() == 7

    sis.enrollments = sis.enrollments[1:]
    sis.sync()
    assert not ClassStudent.objects.filter(student__sis_sourced_id="stu-1").exists()
    assert LinkChange.objects.filter(action="removed", student__sis_sourced_id="stu-1").count() == 1
