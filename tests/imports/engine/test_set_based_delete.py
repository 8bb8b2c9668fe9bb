"""The engine's set-based delete (rostering.engine.sql.delete_records) keeps what Django's
own delete promises: a record something protected still points at is refused, and nothing
is deleted; what cascades goes with the record."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from rostering.engine import sql
from rostering.history import Channel
from rostering.models import ClassGroup, ClassStudent, Organization, Student
from tests import factories


def test_a_school_that_still_has_a_class_group_is_not_deleted(world):
    factories.ClassGroupFactory(school=world.school, name="Room 4")

    with pytest.raises(ProtectedError), transaction.atomic():
        sql.delete_records(Organization, [world.school.pk], user=None, channel=Channel.UNDO)

    assert Organization.objects.filter(pk=world.school.pk).exists()
    assert ClassGroup.objects.filter(school=world.school, name="Room 4").exists()


def test_a_deleted_class_group_takes_its_memberships_and_leaves_its_students(world):
    room = factories.ClassGroupFactory(school=world.school, name="Room 4")
    ana = factories.StudentFactory(school=world.school, username="ana.lopez")
    ClassStudent.objects.create(class_group=room, student=ana)

    sql.delete_records(ClassGroup, [room.pk], user=None, channel=Channel.UNDO)

    assert not ClassGroup.objects.filter(pk=room.pk).exists()
    assert not ClassStudent.objects.filter(student=ana).exists()
    assert Student.objects.filter(pk=ana.pk).exists()
    last = ClassGroup.history.filter(id=room.pk).latest("history_date")
    assert (last.history_type, last.history_channel, last.name) == ("-", "undo", "Room 4")
