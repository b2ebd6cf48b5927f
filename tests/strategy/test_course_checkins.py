"""The public api the check-in XBlock uses: course check-ins, help routed to the manager, staff aggregates."""

import pytest

from perf_mgmt_plugin import api
from perf_mgmt_plugin.strategy import api as strategy_api
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Impediment

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")


def test_course_checkin_links_objective_and_routes_help(org, strategy):
    check_in = api.record_course_checkin(
        org.alice.user,
        org.course_key,
        "block-v1:x",
        steps_done="Ran a 1:1",
        reflection="Went well",
        impediments="No time",
        help_request="Can you review my plan?",
    )
    assert check_in.employee == org.alice and check_in.mode == CheckIn.ASYNC and check_in.status == CheckIn.HELD
    assert list(check_in.objective_entries.values_list("objective_id", flat=True)) == [strategy.alice_task.pk]
    help_request = HelpRequest.objects.get()
    assert help_request.routed_to == org.manager and help_request.objective == strategy.alice_task
    assert Impediment.objects.get().description == "No time"
    assert [h.pk for h in strategy_api.open_help_requests_for(org.manager.user)] == [help_request.pk]
    assert list(strategy_api.open_help_requests_for(org.bob.user)) == []
    assert api.course_checkins_of(org.alice.user, org.course_key) == [check_in]


def test_course_checkin_without_objective_and_no_employee(org, strategy):
    check_in = api.record_course_checkin(org.bob.user, org.course_key, "u", reflection="ok")
    assert check_in.objective_entries.count() == 0  # bob's objectives do not name the course
    with pytest.raises(api.NoEmployeeRecord):
        api.record_course_checkin(org.outsider, org.course_key, "u", reflection="x")
    with pytest.raises(api.StrategyError):
        api.record_course_checkin(org.bob.user, org.course_key, "u")
    assert CheckIn.objects.count() == 1


def test_course_summary_for_staff_only(org, strategy, settings):
    api.record_course_checkin(org.alice.user, org.course_key, "u", help_request="help")
    api.record_course_checkin(org.bob.user, org.course_key, "u", reflection="fine")
    # two learners make no step of PERF_MGMT_ANONYMITY_MIN_GROUP (3): nothing counted yet
    assert set(api.course_checkin_summary(org.course_key, user=org.staff).values()) == {0}
    settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 2
    summary = api.course_checkin_summary(org.course_key, user=org.staff)
    assert summary == {
        "check_ins": 2,
        "learners": 2,
        "with_impediment": 0,
        "with_help_request": 1,
        "open_help_requests": 1,
        "linked_to_objective": 1,
    }
    with pytest.raises(api.AccessDenied):
        api.course_checkin_summary(org.course_key, user=org.alice.user)
