"""Roll-up by weight with mixed measures, forecasts on constructed histories, notifications, bulk cascade."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from perf_mgmt_plugin.strategy import forecast, rollup, services
from perf_mgmt_plugin.strategy.errors import StrategyError
from perf_mgmt_plugin.strategy.models import Milestone, Notification, Objective, Period, ProgressUpdate

DAY = datetime.timedelta(days=1)


def _reload(*objs):
    return [Objective.objects.get(pk=o.pk) for o in objs]


def test_rollup_by_weight_with_mixed_measures(org, strategy):
    s = strategy
    services.record_progress(org.alice.user, s.alice_task, value=5)  # numeric 0 -> 10: 50%
    services.record_progress(org.bob.user, s.bob_task, done=True)  # binary: 100%
    team, dept, top = _reload(s.team, s.dept, s.top)
    assert team.progress == pytest.approx(0.75)
    services.update_objective(org.manager.user, s.bob_task, weight=3)  # bob's task counts three times as much
    team, dept, top = _reload(s.team, s.dept, s.top)
    assert team.progress == pytest.approx((0.5 + 3 * 1.0) / 4)
    assert dept.progress == pytest.approx(team.progress)
    # top: dept (weight 1) and seller's goal (0%): mean of the two
    assert top.progress == pytest.approx(team.progress / 2)


def test_node_with_own_measure_keeps_it(org, strategy):
    s = strategy
    services.update_objective(org.hr, s.team, measure=Objective.NUMERIC, start_value=0, target_value=4)
    services.record_progress(org.manager.user, s.team, value=1)
    services.record_progress(org.bob.user, s.bob_task, done=True)
    assert _reload(s.team)[0].progress == pytest.approx(0.25)  # its own measure, not its children's 50%


def test_milestones_measure(org, strategy):
    s = strategy
    goal = services.create_objective(
        org.manager.user,
        title="Plan",
        period=s.period,
        parent=s.team,
        owner=org.alice,
        milestones=[{"title": "Draft", "weight": 1}, {"title": "Review", "weight": 3}],
    )
    draft = Milestone.objects.get(objective=goal, title="Draft")
    goal = services.record_progress(org.alice.user, goal, milestones_done=[draft.pk])
    assert goal.progress == pytest.approx(0.25)


def _history(objective, points, today):
    """Replace the objective's history by ``(days_ago, progress)`` readings and store the latest as its value."""
    ProgressUpdate.objects.filter(objective=objective).delete()
    for days_ago, progress in points:
        ProgressUpdate.objects.create(
            objective=objective,
            progress=progress,
            value=progress * 10,
            created=timezone.now() - datetime.timedelta(days=days_ago),
        )
    Objective.objects.filter(pk=objective.pk).update(current_value=points[-1][1] * 10)


@pytest.mark.parametrize(
    "points,expected",
    [
        # 60 of 90 days gone: steady progress at the needed pace
        ([(56, 0.1), (42, 0.25), (28, 0.4), (14, 0.55), (0, 0.72)], forecast.ON_TRACK),
        # slipping: good start, then it stalls for the last month
        ([(56, 0.2), (42, 0.4), (28, 0.55), (14, 0.56), (0, 0.57)], forecast.OFF_TRACK),
        # slipping a bit: pace between 60% and 90% of what is needed
        ([(56, 0.1), (42, 0.3), (28, 0.5), (0, 0.7)], forecast.AT_RISK),
        # recovered: stalled in the middle, then caught up fast in the last weeks
        ([(56, 0.1), (42, 0.12), (35, 0.12), (28, 0.15), (14, 0.45), (0, 0.75)], forecast.ON_TRACK),
    ],
    ids=["on-track", "slipping", "at-risk", "recovered"],
)
def test_forecast_statuses_on_histories(org, strategy, today, points, expected):
    task = strategy.alice_task
    _history(task, points, today)
    rollup.recompute_all(notify=False)
    task = _reload(task)[0]
    assert task.status == expected
    if expected == forecast.ON_TRACK:
        assert task.forecast_date <= task.due_date
    else:
        assert task.forecast_date is None or task.forecast_date > task.due_date


def test_delay_shows_up_the_cascade_and_notifies_the_manager(org, strategy, today):
    s = strategy
    _history(s.alice_task, [(56, 0.2), (42, 0.4), (28, 0.55), (14, 0.56), (0, 0.57)], today)
    _history(s.bob_task, [(0, 1.0)], today)
    Objective.objects.filter(pk=s.bob_task.pk).update(done=True)
    Objective.objects.filter(pk=s.seller_goal.pk).update(measure=Objective.BINARY, done=True)
    rollup.recompute_all(notify=False)
    Objective.objects.filter(pk__in=[s.alice_task.pk, s.team.pk]).update(status=forecast.ON_TRACK)  # before slipping
    mail.outbox.clear()
    result = rollup.recompute_all()
    alice_task, team, top = _reload(s.alice_task, s.team, s.top)
    assert alice_task.status == forecast.OFF_TRACK
    assert team.status in (forecast.AT_RISK, forecast.OFF_TRACK)
    assert top.status in (forecast.AT_RISK, forecast.OFF_TRACK)  # the delay shows on the strategic objective
    notice = Notification.objects.get(objective=alice_task)
    assert notice.recipient == org.manager.user  # alice's manager
    assert result.notified >= 1
    assert any(org.manager.user.email in m.to and "Migrate billing" in m.subject for m in mail.outbox)
    # the team goal (owned by the manager) notifies the manager's manager
    assert Notification.objects.filter(objective=team, recipient=org.director.user).exists()
    # nothing worse the second time: no new notification
    count = Notification.objects.count()
    rollup.recompute_all()
    assert Notification.objects.count() == count


def test_incremental_equals_full(org, strategy, today):
    s = strategy
    _history(s.alice_task, [(40, 0.2), (20, 0.4)], today)
    services.record_progress(org.alice.user, s.alice_task, value=6)
    incremental = {o.pk: (round(o.progress, 4), o.status, o.forecast_date) for o in Objective.objects.all()}
    rollup.recompute_all(notify=False)
    full = {o.pk: (round(o.progress, 4), o.status, o.forecast_date) for o in Objective.objects.all()}
    assert incremental == full


def test_bulk_cascade_and_group_edit(org, strategy, count_queries):
    s = strategy
    template = services.bulk_cascade(org.manager.user, s.team, title="Security training", org_unit=org.platform)
    copies = list(services.cascaded_copies(template))
    assert {c.owner for c in copies} == {org.manager, org.alice, org.bob}
    assert all(c.parent_id == s.team.pk and c.path.startswith(s.team.path) and c.level.rank == 5 for c in copies)
    # idempotent: again adds nobody; a newcomer only gets theirs
    services.bulk_cascade(org.manager.user, s.team, title="Security training", org_unit=org.platform)
    assert services.cascaded_copies(template).count() == 3
    count = services.apply_template_edits(org.manager.user, template, title="Security training 2026", weight=2)
    assert count == 3
    assert set(Objective.objects.filter(template=template).values_list("title", "weight")) == {
        ("Security training 2026", 2.0)
    }
    with pytest.raises(StrategyError):
        services.apply_template_edits(org.manager.user, template, owner=org.bob)


def test_bulk_cascade_query_count_is_constant(org, strategy, count_queries):
    from tests import factories

    s = strategy
    with count_queries() as small:
        services.bulk_cascade(org.manager.user, s.team, title="A", owners=[org.alice, org.bob])
    many = [factories.make_employee(manager=org.manager, org_unit=org.platform) for _ in range(15)]
    with count_queries() as large:
        services.bulk_cascade(org.manager.user, s.team, title="B", owners=[org.alice, org.bob, *many])
    assert len(large) == len(small)


def test_incremental_update_touches_only_the_path(org, strategy, count_queries):
    """The query count of one progress update does not grow with the size of the cascade."""
    s = strategy
    services.record_progress(org.alice.user, s.alice_task, value=2)  # warm the actor's access cache
    with count_queries() as before:
        services.record_progress(org.alice.user, s.alice_task, value=3)
    services.bulk_cascade(org.manager.user, s.team, title="Wide", owners=[org.alice, org.bob, org.manager])
    for i in range(10):
        services.create_objective(org.hr, title=f"Other {i}", period=s.period, parent=s.top, owner=org.seller)
    with count_queries() as after:
        services.record_progress(org.alice.user, s.alice_task, value=4)
    assert len(after) == len(before)
    Objective.objects.filter(pk__in=[s.team.pk, s.top.pk]).update(progress=0.5)  # stale figures to rewrite
    with count_queries() as refresh:
        rollup.refresh_path(s.alice_task, notify=False)
    assert len(refresh) == 3  # path nodes with baselines, their children, one CASE update


def test_fiscal_periods(settings):
    settings.PERF_MGMT_FISCAL_YEAR_START_MONTH = 4
    assert services.fiscal_bounds(Period.QUARTER, datetime.date(2026, 5, 10)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    assert services.fiscal_bounds(Period.YEAR, datetime.date(2026, 2, 1)) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    assert services.fiscal_bounds(Period.HALF, datetime.date(2026, 11, 1)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 3, 31),
    )


def test_objectives_go_only_to_people_in_reach(org, strategy):
    s = strategy
    with pytest.raises(StrategyError):
        services.create_objective(org.manager.user, title="X", period=s.period, parent=s.team, owner=org.seller)
    with pytest.raises(StrategyError):
        services.bulk_cascade(org.manager.user, s.team, title="Y", org_unit=org.company)  # the whole company
    with pytest.raises(StrategyError):
        services.update_objective(org.manager.user, s.alice_task, owner=org.seller)
    assert not Objective.objects.filter(title__in=["X", "Y"]).exists()
    assert Objective.objects.get(pk=s.alice_task.pk).owner == org.alice
