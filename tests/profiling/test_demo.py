"""The demo's 360 data: a closed round with reports (one released), one in progress, a self-only profile."""

import pytest

from lms_host import demo
from perf_mgmt_plugin.profiling import report as reporting
from perf_mgmt_plugin.profiling.models import Profile, Round, Subject

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_closed_round_one_in_progress_and_a_self_profile():
    demo.load_demo_data()
    demo.load_demo_data()  # idempotent
    assert Profile.objects.filter(family="leadership-360").count() == 1
    closed = Round.objects.get(name="Leadership 360 - spring")
    assert closed.status == Round.CLOSED
    priya = Subject.objects.select_related("round__profile", "person__user", "person__manager").get(
        round=closed, person__user__username="priya"
    )
    assert priya.released_at is not None
    assert not Subject.objects.get(round=closed, person__user__username="sofia").released_at
    report = reporting.build(priya)
    assert [g for g, _label, _n in report.groups] == ["self", "manager", "peer", "direct_report"]
    assert [row["name"] for row in report.blind_spots] == ["Coaching"]
    assert "Giving feedback" in [row["name"] for row in report.hidden_strengths]
    autumn = Round.objects.get(name="Leadership 360 - autumn")
    assert autumn.status == Round.OPEN
    assert Subject.objects.get(round=autumn, person__user__username="marcus").status == Subject.SUBMITTED
    assert Profile.objects.get(family="pm-self-check").kind == Profile.KIND_SELF
