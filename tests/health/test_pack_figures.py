"""Each figure of the health pack against values computed by hand on the small organisation of conftest.py."""

import pytest

from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.health import api
from perf_mgmt_plugin.health.pack import learning_mix
from tests import factories


@pytest.fixture
def pack(health_org):
    return api.compute_pack(health_org.div, health_org.period, health_org.today)


def test_population(pack):
    assert pack.people == 8  # head, two managers, five reports (the other division left out)


def test_strategy_execution(pack):
    s = pack.strategy
    assert s.objectives == 5
    assert s.by_status == {"not_started": 1, "on_track": 1, "at_risk": 1, "off_track": 1, "done": 1}
    assert (s.on_track, s.off_track, s.on_track_share) == (2, 2, 0.4)
    assert s.forecast_slips == 1  # b1's forecast is after its due date (the other division's is not counted)
    assert (s.impediments_open, s.impediments_raised, s.impediments_resolved) == (1, 3, 2)
    assert s.days_to_resolve == 3.0  # (4 + 2) / 2
    assert (s.help_raised, s.help_open) == (1, 1)


def test_check_in_cadence_per_manager(pack, health_org):
    p = pack.process
    by_id = {m.manager_id: m for m in p.managers}
    a, b, head = by_id[health_org.mgr_a.pk], by_id[health_org.mgr_b.pk], by_id[health_org.head.pk]
    assert (a.reports, a.covered, a.held, a.face_to_face) == (2, 2, 3, 2)
    assert (b.reports, b.covered, b.held, b.face_to_face) == (3, 1, 1, 0)  # b3's check-in is older than 6 weeks
    assert (head.reports, head.covered, head.held, head.face_to_face) == (2, 1, 1, 1)
    assert (a.checkin_share, b.checkin_share, head.checkin_share) == (1.0, 0.333, 0.5)
    assert (p.reports, p.covered, p.held, p.face_to_face) == (7, 4, 5, 3)
    assert (p.checkin_share, p.face_to_face_share) == (0.571, 0.6)


def test_reviews_actions_and_coaching(pack):
    p = pack.process
    assert (p.reviews, p.completed, p.on_time) == (5, 4, 3)  # b1 missed, b2 completed after the sign-off deadline
    assert (p.completion, p.on_time_rate) == (0.8, 0.75)
    assert (p.with_coach, p.coached, p.coaching_coverage) == (2, 1, 0.4)
    assert (p.actions, p.actions_done, p.actions_overdue, p.actions_done_share) == (3, 1, 1, 0.333)


def test_survey_released_atoms_only(pack):
    """TEAM_A's two answers are below the minimum of 3: left out, whatever they say."""
    (entry,) = pack.process.survey
    assert entry["answers"] == 3
    assert (entry["clarity"], entry["usefulness"], entry["fairness"], entry["meeting"]) == (2.33, 2.33, 2.33, 2.5)
    assert entry["score"] == 2.33


def test_capability(pack, health_org):
    c = pack.capability
    assert (c.gaps_open, c.gaps_closed, c.gaps_in_development) == (2, 2, 1)
    assert [n for _date, n in c.open_gaps_trend] == [5, 2]  # the other division's 9 left out
    assert (c.gap_items_completed, c.days_gap_to_closure) == (1, 10.0)
    assert (c.items, c.items_completed, c.plan_completion) == (4, 2, 0.5)
    assert c.mix == {
        "experience": {"items": 2, "completed": 1, "share": 0.5},
        "exposure": {"items": 1, "completed": 0, "share": 0.25},
        "education": {"items": 1, "completed": 1, "share": 0.25},
    }


def test_learning_mix_uses_the_kind_when_an_item_has_no_category():
    mix = learning_mix([("", "course", 3, 1), ("", "coaching", 1, 0), ("experience", "course", 4, 4)])
    assert mix["education"] == {"items": 3, "completed": 1, "share": 0.375}
    assert mix["exposure"]["items"] == 1 and mix["experience"]["items"] == 4


def test_people_with_anonymity_minimum(pack):
    f = pack.people_figures
    assert f.groups_left_out == 1  # TEAM_A: two reviews
    assert (f.reviews, f.completed, f.disagreements, f.disagreement_rate) == (3, 2, 1, 0.5)
    assert f.distribution == [(2, 1), (3, 1), (5, 1)]


def test_lagging_manager_flags(pack, health_org):
    by_id = {m.manager_id: m for m in pack.process.managers}
    assert by_id[health_org.mgr_b.pk].reasons == [
        "few_check_ins",
        "no_face_to_face",
        "late_or_missed_reviews",
        "low_survey_scores",
    ]
    assert (by_id[health_org.mgr_b.pk].late_reviews, by_id[health_org.mgr_b.pk].missed_reviews) == (1, 1)
    assert by_id[health_org.mgr_a.pk].reasons == []
    assert by_id[health_org.head.pk].reasons == []
    assert [m.name for m in pack.lagging_managers] == [health_org.mgr_b.display_name]


def test_team_pack_is_the_sum_of_its_part(health_org):
    team = api.compute_pack(health_org.team_b, health_org.period, health_org.today)
    assert team.people == 4 and team.strategy.objectives == 3
    assert team.people_figures.reviews == 3  # the same released atom as in the division's pack


def test_snapshot_and_trend(health_org):
    import datetime

    earlier = health_org.today - datetime.timedelta(days=31)
    api.take_snapshot(health_org.div, health_org.period, earlier)
    api.take_snapshot(health_org.div, health_org.period, earlier)  # idempotent
    pack = api.compute_pack(health_org.div, health_org.period, health_org.today)
    assert [d for d, _f in pack.history] == [earlier]
    assert pack.history[0][1]["people"] == 8


def test_query_count_is_constant(health_org, count_queries):
    with count_queries() as small:
        api.compute_pack(health_org.div, health_org.period, health_org.today)
    team = factories.make_unit("TEAM_C", parent=health_org.div)
    boss = factories.make_employee("mgr_c", manager=health_org.head, org_unit=team)
    for n in range(6):
        factories.make_employee(f"c{n}", manager=boss, org_unit=team)
    with count_queries() as large:
        api.compute_pack(health_org.div, health_org.period, health_org.today)
    assert len(small) == len(large) <= 24


def test_who_reads_the_pack(health_org):
    o = health_org
    assert api.can_read_pack(o.head.user, o.div) and api.can_read_pack(o.head.user, o.team_b)
    assert api.can_read_pack(o.mgr_a.user, o.team_a)
    assert not api.can_read_pack(o.mgr_a.user, o.div) and not api.can_read_pack(o.mgr_a.user, o.team_b)
    assert not api.can_read_pack(o.a1.user, o.team_a)
    assert api.can_read_pack(o.hr, o.div) and not api.can_read_pack(o.hr_out, o.div)
    assert api.can_read_pack(o.hr_out, o.out)
    with pytest.raises(AccessDenied):
        api.health_pack(o.mgr_b.user, o.div)
    assert [u.code for u in api.readable_units(o.head.user)] == ["DIV", "TEAM_A", "TEAM_B"]
    assert [u.code for u in api.readable_units(o.mgr_b.user)] == ["TEAM_B"]


def test_a_period_without_cycles(health_org):
    import datetime

    from perf_mgmt_plugin.strategy.models import Period

    later = Period.objects.create(
        name="Later",
        start=health_org.today + datetime.timedelta(days=100),
        end=health_org.today + datetime.timedelta(days=190),
    )
    pack = api.compute_pack(health_org.div, later, health_org.today)
    assert (pack.process.reviews, pack.process.on_time, pack.people_figures.reviews, pack.strategy.objectives) == (
        0,
        0,
        0,
        0,
    )
    assert pack.process.completion is None and [m.late_reviews for m in pack.process.managers] == [0, 0, 0]
