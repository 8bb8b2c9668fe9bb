"""Issue 11, SIS vocabularies: tobedeleted, "inactive" (not a OneRoster value, read as
tobedeleted with a warning) and enabledUser=false deactivate a synced student, as the spec
means them; a disabled user who comes back enabled is active again."""

import pytest

from rostering.models import Student
from rostering.sync.models import SyncSource

from .conftest import student


@pytest.mark.parametrize(
    "gone, words",
    [
        ({"status": "tobedeleted"}, None),
        ({"status": "inactive"}, 'status "inactive" is not a OneRoster 1.1/1.2 value'),
        ({"enabledUser": "false"}, None),
    ],
)
def test_a_student_the_sis_removes_or_disables_is_deactivated(sis, gone, words):
    SyncSource.objects.update(hold_threshold_percent=100)  # no hold for one of two
    sis.users = [student(1), student(2)]
    sis.sync()

    sis.users = [student(1), student(2, **gone)]
    run = sis.sync()

    active = dict(Student.objects.values_list("username", "is_active"))
    assert active == {"kid1": True, "kid2": False}
    assert run.counts["deactivated"] == 1
    if words:
        assert any(words in w["message"] for w in run.warnings)


def test_a_disabled_student_enabled_again_is_active_again(sis):
    SyncSource.objects.update(hold_threshold_percent=100)  # the only student: no hold
    sis.users = [student(1, enabledUser="false")]
    sis.sync()
    sis.users = [student(1)]
    sis.sync()
    sis.users = [student(1, enabledUser="false")]
    sis.sync()
    assert Student.objects.get(username="kid1").is_active is False

    sis.users = [student(1, enabledUser="true")]
    sis.sync()

    assert Student.objects.get(username="kid1").is_active is True
