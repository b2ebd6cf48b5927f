"""The demo's strategy: forecasts and dashboards have something to show, and loading twice changes nothing."""

import pytest

from lms_host import demo
from perf_mgmt_plugin.strategy import dashboards
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Objective


@pytest.mark.slow  # the whole demo loaded (twice)
def test_demo_strategy(db, django_user_model):
    demo.load_demo_data()
    statuses = set(Objective.objects.filter(level__rank=5).values_list("status", flat=True))
    counts = Objective.objects.count()
    if len(statuses) > 1:  # early in a quarter nothing can be judged yet (fewer than min_history_days)
        assert "on_track" in statuses and statuses & {"at_risk", "off_track"}
        top = Objective.objects.get(title="Run a platform customers can rely on")
        assert top.status in ("at_risk", "off_track")  # the slipping migrations show at the top
    assert CheckIn.objects.filter(status=CheckIn.HELD).exists()
    priya = django_user_model.objects.get(username="priya")
    board = dashboards.manager_dashboard(priya)
    assert any("estimates" in h.body for h in board.help_requests)
    assert board.objectives
    assert HelpRequest.objects.filter(routed_to__user=priya).exists()
    demo.load_demo_data()
    assert Objective.objects.count() == counts
