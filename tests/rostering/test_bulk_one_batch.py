"""A bulk action on the Students list is one batch, one engine apply, one transaction, with a
fixed number of queries however many students are chosen, and it gives each student the
verdict the single-record service gives (the same words), and the same history rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostering import bulk, bulk_undo, engine, services
from rostering.models import LinkChange, Origin, Student, StudentProduct
from rostering.ownership import LOCKED_MESSAGE
from tests import factories

ACTIONS = ("add_class", "add_product", "remove_product", "deactivate")


@pytest.fixture
def room(world):
    return factories.ClassGroupFactory(school=world.school, name="Room 4", origin=Origin.MANUAL)


@pytest.fixture
def product(db):
    return factories.ProductFactory(name="Reading Rocket")


def _students(world, n: int) -> list[Student]:
    """``n`` students of North Elementary."""
    return [factories.StudentFactory(school=world.school) for _ in range(n)]


def _act(action: str, actor, students, room, product) -> bulk.Outcome:
    if action == "add_class":
        return bulk.add_to_class(actor=actor, students=students, class_group=room)
    if action == "add_product":
        return bulk.add_product(actor=actor, students=students, product=product)
    if action == "remove_product":
        return bulk.remove_product(actor=actor, students=students, product=product)
    return bulk.set_active(actor=actor, students=students, active=False)


def _ready(action: str, students, room, product) -> None:
    """What a removal removes."""
    for student in students:
        if action == "remove_product":
            factories.StudentProductFactory(student=student, product=product)


@pytest.fixture
def applies(monkeypatch):
    calls = []
    real = engine.apply

    def spy(batch, **kwargs):
        calls.append(batch)
        return real(batch, **kwargs)

    monkeypatch.setattr(engine, "apply", spy)
    return calls


@pytest.mark.parametrize("action", ACTIONS)
def test_a_bulk_action_is_one_apply_with_the_same_queries_for_5_or_50_students(
    world, teacher, room, product, applies, action
):
    def queries(n: int) -> int:
        students = _students(world, n)
        _ready(action, students, room, product)
        with CaptureQueriesContext(connection) as ctx:
            outcome = _act(action, teacher, students, room, product)
        assert len(outcome.done) == n and not outcome.refused
        return len(ctx.captured_queries)

    queries(1)  # the first asks who Tess is (her scope is cached for the request after)
    few = queries(5)
    many = queries(50)
    assert few == many
    assert [len(batch) for batch in applies] == [1, 5, 50]  # one apply per action


def _single(action: str, actor, student, room, product) -> None:
    """The single-record service the bulk action stands for."""
    if action == "add_class":
        services.class_group_add_students(actor=actor, class_group=room, students=[student])
    elif action == "add_product":
        services.student_add_product(actor=actor, student=student, product=product)
    elif action == "remove_product":
        services.student_remove_product(actor=actor, student=student, product=product)
    else:
        services.student_set_active(actor=actor, student=student, active=False)


def _service_reason(action, actor, student, room, product) -> str:
    with pytest.raises((ValidationError, PermissionDenied)) as refused:
        _single(action, actor, student, room, product)
    return bulk._reason(refused.value)


def test_each_student_gets_the_services_verdict_in_the_services_words(
    world, teacher, room, product
):
    """Tess, a teacher at North, acts on a student of hers, a synced one, one of South (not
    hers: she cannot see or change her) and, for the class, one of South whom she can see
    through a second school (the membership rule: not at Room 4's school)."""
    mine = factories.StudentFactory(school=world.school, first_name="Mia")
    synced = factories.StudentFactory(school=world.school, first_name="Sid", origin=Origin.SYNCED)
    south = factories.StudentFactory(school=world.other_school, first_name="Sol")
    chosen = [mine, synced, south]

    outcome = bulk.set_active(actor=teacher, students=chosen, active=False)
    assert [s.pk for s in outcome.done] == [mine.pk]
    refused = {r.student.pk: r.reason for r in outcome.refused}
    assert refused == {
        synced.pk: _service_reason("deactivate", teacher, synced, room, product),
        south.pk: _service_reason("deactivate", teacher, south, room, product),
    }
    assert refused[synced.pk] == LOCKED_MESSAGE
    assert refused[south.pk] == "you may not change this student"

    outcome = bulk.add_product(actor=teacher, students=chosen, product=product)
    refused = {r.student.pk: r.reason for r in outcome.refused}
    assert {s.pk for s in outcome.done} == {mine.pk, synced.pk}
    assert refused == {south.pk: _service_reason("add_product", teacher, south, room, product)}

    outcome = bulk.add_to_class(actor=teacher, students=chosen, class_group=room)
    refused = {r.student.pk: r.reason for r in outcome.refused}
    assert {s.pk for s in outcome.done} == {mine.pk, synced.pk}
    assert refused == {south.pk: _service_reason("add_class", teacher, south, room, product)}
    assert "is not at North Elementary" in refused[south.pk]

    synced_room = factories.ClassGroupFactory(school=world.school, origin=Origin.SYNCED)
    outcome = bulk.add_to_class(actor=teacher, students=[mine], class_group=synced_room)
    assert [(r.student, r.reason) for r in outcome.refused] == [
        (mine, _service_reason("add_class", teacher, mine, synced_room, product))
    ]
    assert "is synced from your SIS" in outcome.refused[0].reason

    retired = factories.ProductFactory(name="Old Maths", is_active=False)
    outcome = bulk.add_product(actor=teacher, students=[mine], product=retired)
    assert [(r.student, r.reason) for r in outcome.refused] == [
        (mine, _service_reason("add_product", teacher, mine, room, retired))
    ]


def _link_rows(students) -> list[tuple]:
    rows = LinkChange.objects.filter(student__in=students).order_by("student_id", "pk")
    return [
        (r.kind, r.action, r.class_group_id, r.product_id, r.actor_id, r.channel, r.value_after)
        for r in rows
    ]


def _record_rows(students) -> list[tuple]:
    rows = Student.history.filter(id__in=[s.pk for s in students]).order_by("id", "history_id")
    return [(r.history_type, r.is_active, r.history_user_id, r.history_channel) for r in rows]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_bulk_action_writes_the_history_of_one_action_per_student(
    world, district_admin, room, product, action
):
    by_bulk, one_by_one = _students(world, 3), _students(world, 3)
    _ready(action, by_bulk + one_by_one, room, product)
    _act(action, district_admin, by_bulk, room, product)
    for student in one_by_one:
        _single(action, district_admin, student, room, product)
    links, records = _link_rows(by_bulk), _record_rows(by_bulk)
    assert len(links) + len(records) > 3  # more than the three students' creation
    assert links == _link_rows(one_by_one)
    assert records == _record_rows(one_by_one)


def test_a_removed_product_the_sis_sent_is_reported_synced(world, district_admin, product):
    sent, own = (factories.StudentFactory(school=world.school) for _ in range(2))
    factories.StudentProductFactory(student=sent, product=product, origin=Origin.SYNCED)
    factories.StudentProductFactory(student=own, product=product, origin=Origin.MANUAL)
    outcome = bulk.remove_product(actor=district_admin, students=[sent, own], product=product)
    assert outcome.synced == [sent.pk]
    assert not StudentProduct.objects.filter(product=product).exists()


def test_the_undo_of_a_bulk_action_is_one_apply_too(world, teacher, product, applies):
    from rostering import bulk_undo

    kids = _students(world, 5)
    for kid in kids:
        factories.StudentProductFactory(student=kid, product=product)
    outcome = bulk.remove_product(actor=teacher, students=kids, product=product)
    token = bulk_undo.undo_token("remove_product", [k.pk for k in outcome.done], product)
    bulk_undo.undo(actor=teacher, token=token)
    assert StudentProduct.objects.filter(product=product).count() == 5
    assert [len(batch) for batch in applies] == [5, 5]


def test_each_refusal_keeps_its_kind_and_an_undo_refuses_by_it(world, teacher):
    """A student not hers is refused as not hers (the undo answers 403, as the service's
    PermissionDenied); a synced one by a rule (the undo says why): decided on the kind kept
    beside the words, not on the words."""
    synced = factories.StudentFactory(school=world.school, first_name="Sid", origin=Origin.SYNCED)
    south = factories.StudentFactory(school=world.other_school, first_name="Sol")

    outcome = bulk.set_active(actor=teacher, students=[synced, south], active=False)
    assert {r.student.pk: r.kind for r in outcome.refused} == {
        synced.pk: bulk.Refusal.RULE,
        south.pk: bulk.Refusal.NOT_YOURS,
    }

    with pytest.raises(PermissionDenied, match="you may not change this student"):
        bulk_undo._whole(bulk.set_active(actor=teacher, students=[south], active=False))
    with pytest.raises(ValidationError) as refused:
        bulk_undo._whole(bulk.set_active(actor=teacher, students=[synced], active=False))
    assert refused.value.messages == [LOCKED_MESSAGE]


def _with_bad_email(student: Student) -> Student:
    """A stored record the current rules refuse (an email saved before they did)."""
    Student.objects.filter(pk=student.pk).update(email="eve at school")
    student.refresh_from_db()
    return student


def test_bulk_deactivate_refuses_a_stored_record_the_rules_refuse_as_the_single_save_does(
    world, teacher
):
    mine = factories.StudentFactory(school=world.school, first_name="Mia")
    eve = _with_bad_email(factories.StudentFactory(school=world.school, first_name="Eve"))
    said = _service_reason("deactivate", teacher, eve, None, None)
    assert said == "Enter a valid email address."

    outcome = bulk.set_active(actor=teacher, students=[mine, eve], active=False)
    assert [s.pk for s in outcome.done] == [mine.pk]
    assert [(r.student, r.reason) for r in outcome.refused] == [(eve, said)]
    eve.refresh_from_db()
    assert eve.is_active


def test_bulk_deactivate_checks_every_record_in_the_same_queries_for_5_or_50(world, teacher):
    def queries(n: int) -> int:
        students = _students(world, n)
        for student in students[::2]:
            _with_bad_email(student)
        with CaptureQueriesContext(connection) as ctx:
            outcome = bulk.set_active(actor=teacher, students=students, active=False)
        assert len(outcome.refused) == (n + 1) // 2 and len(outcome.done) == n // 2
        return len(ctx.captured_queries)

    queries(1)  # who Tess is, asked once
    assert queries(5) == queries(50)
