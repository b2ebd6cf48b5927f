"""The command and the Celery tasks are thin adapters over the same functions (run eagerly here)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from perf_mgmt_plugin import tasks
from perf_mgmt_plugin.strategy import checkins
from perf_mgmt_plugin.strategy.models import CheckIn, Objective

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")


def test_recompute_command_and_task(org, strategy, today):
    Objective.objects.update(progress=0.5, status="on_track", computed_at=None)
    out = StringIO()
    call_command("recompute_strategy", "--no-notify", stdout=out)
    assert "6 objectives: 6 changed" in out.getvalue()
    assert tasks.recompute_strategy.apply().get() == {"objectives": 6, "changed": 0, "notified": 0}
    assert Objective.objects.get(pk=strategy.alice_task.pk).progress == 0


def test_schedule_check_ins_task_and_command(org, strategy, today):
    checkins.create_series(
        org.manager.user, manager=org.manager, employee=org.alice, start=today - datetime.timedelta(days=8)
    )
    assert tasks.schedule_check_ins.apply().get() == {"scheduled": 1, "missed": 2}
    out = StringIO()
    call_command("recompute_strategy", "--schedule-check-ins", stdout=out)
    assert "0 check-ins scheduled, 0 marked missed" in out.getvalue()
    assert CheckIn.objects.filter(status=CheckIn.MISSED).count() == 2
