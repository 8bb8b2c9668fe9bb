"""A school deleted through the engine (as an undo deletes the school and the classes/groups
an import made) leaves the history of what went with it: its classes' memberships and
products, its students' and educators' school links, each "removed" with the actor and the
channel, so "who removed this child from Room 4?" has an answer then too."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError

from rostering import engine
from rostering.engine import Batch
from rostering.engine.changes import RecordDelete
from rostering.history import Channel
from rostering.models import ClassStudent, LinkChange, Organization
from tests import factories

Kind, Action = LinkChange.Kind, LinkChange.Action


@pytest.fixture
def annex(world):
    """Lincoln Annex, with Room 4: Ana in it and on the school, Tess teaching it."""
    school = factories.SchoolFactory(district=world.district, name="Lincoln Annex")
    room = factories.ClassGroupFactory(school=school, name="Room 4")
    ana = factories.StudentFactory(school=school, first_name="Ana")
    tess = factories.EducatorFactory(organization=school)
    factories.ClassStudentFactory(class_group=room, student=ana)
    factories.ClassEducatorFactory(class_group=room, educator=tess)
    factories.ClassProductFactory(class_group=room)
    return school, room, ana, tess


def test_a_deleted_school_and_its_class_leave_their_memberships_history(
    world, district_admin, annex
):
    school, room, ana, tess = annex
    batch = Batch(
        deletes=[RecordDelete("organization", school.pk), RecordDelete("class_group", room.pk)]
    )
    engine.apply(batch, district=world.district, actor=district_admin, channel=Channel.UNDO)

    assert not Organization.objects.filter(pk=school.pk).exists()
    gone = LinkChange.objects.filter(action=Action.REMOVED)
    assert set(gone.values_list("kind", "student_id", "educator_id")) == {
        (Kind.CLASS_STUDENT, ana.pk, None),
        (Kind.CLASS_EDUCATOR, None, tess.pk),
        (Kind.CLASS_PRODUCT, None, None),
        (Kind.STUDENT_SCHOOL, ana.pk, None),
        (Kind.EDUCATOR_SCHOOL, None, tess.pk),
    }
    assert set(gone.values_list("channel", "actor_id")) == {("undo", district_admin.pk)}
    who = gone.get(kind=Kind.CLASS_STUDENT, student=ana)
    assert who.class_group_id == room.pk


def test_a_school_a_class_still_points_at_is_not_deleted_and_keeps_its_members(
    world, district_admin, annex
):
    school, room, ana, _tess = annex
    batch = Batch(deletes=[RecordDelete("organization", school.pk)])
    with pytest.raises(ProtectedError):
        engine.apply(batch, district=world.district, actor=district_admin, channel=Channel.UNDO)
    assert ClassStudent.objects.filter(class_group=room, student=ana).exists()
    assert not LinkChange.objects.filter(action=Action.REMOVED).exists()
