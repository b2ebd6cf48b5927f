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


def test_the_demo_module_opens_and_closes_with_the_self_only_profile(client):
    """Lane profiling2: PM201's before/after blocks present ``pm-self-check``; alex sees his change after both."""
    import re

    from django.contrib.auth import get_user_model

    from lms_host import xblock_runtime
    from lms_host.courses.models import CourseBlock

    demo.load_demo_data()
    demo.load_demo_data()  # idempotent: still one pair
    blocks = list(
        CourseBlock.objects.filter(
            course_id=demo.PROFILE_SELF_COURSE, olx__contains='profile="pm-self-check"'
        ).order_by("order")
    )
    assert [b.order for b in blocks] == [0, 20]
    alex = get_user_model().objects.get(username="alex")  # enrolled in PM201
    client.force_login(alex)
    page = client.get(f"/courses/{demo.PROFILE_SELF_COURSE}/").content.decode()
    keys = re.findall(r'<fieldset class="psa-competency psa-statement" data-code="(i\d+)"', page)
    profile = Profile.objects.get(family="pm-self-check")
    assert len(keys) == 2 * profile.items.count()  # the profile's statements, in both blocks
    assert "This component cannot be shown" not in page

    for block, level in zip(blocks, (1, 3)):
        xblock_runtime.ensure_parsed(block)
        url = f"/courses/{demo.PROFILE_SELF_COURSE}/xblock/{block.usage_id}/submit/"
        response = client.post(
            url, data={"ratings": dict.fromkeys(keys[: len(keys) // 2], level)}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
    assert "+2" in response.json()["result_html"]
