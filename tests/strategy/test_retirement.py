"""Retirement of a user's strategy data: free text and personal items go, the cascade's numbers stay."""

import pytest

from perf_mgmt_plugin import api
from perf_mgmt_plugin.strategy import checkins, rollup, services
from perf_mgmt_plugin.strategy.models import (
    CheckIn,
    CheckInNote,
    HelpRequest,
    Impediment,
    Notification,
    Objective,
    ProgressUpdate,
)

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")


def test_retire_user_strategy_data(org, strategy):
    services.record_progress(org.alice.user, strategy.alice_task, value=4, note="personal note")
    check_in = api.record_course_checkin(
        org.alice.user,
        org.course_key,
        "u",
        steps_done="steps",
        reflection="my reflection",
        impediments="x",
        help_request="help me",
    )
    checkins.add_note(org.manager.user, check_in, "about alice", private=True)
    Notification.objects.create(recipient=org.alice.user, kind="k", subject="s")
    other = api.record_course_checkin(org.bob.user, org.course_key, "u", reflection="bob's")
    CheckInNote.objects.create(check_in=other, author=org.alice.user, body="alice on bob")  # e.g. as a delegate
    assert "strategy" in api.retire_user(org.alice.user)
    check_in.refresh_from_db()
    assert (check_in.steps_done, check_in.reflection) == ("", "")
    assert not CheckInNote.objects.filter(check_in=check_in).exists()
    assert not CheckInNote.objects.filter(body="alice on bob").exists()
    assert not HelpRequest.objects.filter(employee=org.alice).exists()
    assert not Impediment.objects.filter(employee=org.alice).exists()
    assert not Notification.objects.filter(recipient=org.alice.user).exists()
    update = ProgressUpdate.objects.get(objective=strategy.alice_task)
    assert (update.note, update.recorded_by, update.progress) == ("", None, 0.4)
    assert Objective.objects.filter(pk=strategy.alice_task.pk).exists()  # the cascade keeps its numbers
    assert CheckIn.objects.filter(pk=other.pk, reflection="bob's").exists()
    api.retire_user(org.alice.user)  # idempotent
    assert rollup.recompute_all(notify=False).objectives == 6
