"""Succession: suggestions (fit by hand), readiness, bench and risks, the talent-review grid, retirement."""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals.models import Review
from perf_mgmt_plugin.competencies.models import CompetencyGap
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.core.retirement import retire_user
from perf_mgmt_plugin.core.versioning import EditConflict
from perf_mgmt_plugin.succession import api as succession
from perf_mgmt_plugin.succession.models import PotentialRating, SuccessorCandidate


@pytest.fixture
def key(health_org):
    return succession.mark_key_position(health_org.hr, health_org.lead_pos)


def test_suggestions_by_weighted_fit(health_org, key):
    """Lead: COACH 3 (critical, weight 3), PLAN 2 (important, weight 2): 13 weighted points in all."""
    rows = succession.suggestions(key)
    o = health_org
    assert [(r.employee_id, r.fit) for r in rows] == [
        (o.a1.pk, 0.769),  # min(2,3)*3 + min(2,2)*2 = 10
        (o.b2.pk, 0.692),  # 3*3 = 9
        (o.b1.pk, 0.231),  # 1*3 = 3
        (o.outsider_emp.pk, 0.0),
    ]
    assert [r.readiness for r in rows] == ["one_two_years", "later", "later", "later"]
    assert rows[0].last_score == 4.0
    # The position's holders are never suggested.
    assert o.mgr_a.pk not in [r.employee_id for r in rows]


def test_ready_now_needs_the_fit_and_a_good_last_review(health_org, key):
    o = health_org
    CompetencyGap.objects.create(
        person=o.a2, competency=o.coach, required_level=3, current_level=3, gap=0, status="closed"
    )
    CompetencyGap.objects.create(
        person=o.a2, competency=o.plan_c, required_level=2, current_level=2, gap=0, status="closed"
    )
    rows = succession.suggestions(key)
    assert (rows[0].employee_id, rows[0].fit, rows[0].last_score, rows[0].readiness) == (o.a2.pk, 1.0, 3.0, "ready_now")
    Review.objects.filter(employee=o.a2).update(manager_score=2.0)
    assert succession.suggestions(key)[0].readiness == "one_two_years"  # the same fit, a low last review
    assert succession.suggest_readiness(1.0, None) == "one_two_years"  # no review: not ready now


def test_suggestions_take_constant_queries(health_org, key, count_queries):
    with count_queries() as few:
        succession.suggestions(key)
    from tests import factories

    for n in range(8):
        person = factories.make_employee(f"s{n}", org_unit=health_org.team_a)
        CompetencyGap.objects.create(
            person=person, competency=health_org.coach, required_level=3, current_level=n % 4, gap=0
        )
    with count_queries() as many:
        succession.suggestions(key)
    assert len(few) == len(many) <= 5


def test_pool_talent_review_bench_and_risks(health_org, key):
    o = health_org
    bench = succession.pool(o.hr, key)
    assert (bench.incumbents, bench.ready_now, bench.risks) == (2, 0, ["no_ready_successor"])
    candidate = succession.add_candidate(o.hr, key, o.a1, idempotency_key="add-a1")
    assert succession.add_candidate(o.hr, key, o.a1, idempotency_key="add-a1").pk == candidate.pk
    assert succession.add_candidate(o.hr, key, o.a1).pk == candidate.pk  # twice, one entry
    assert (candidate.fit, candidate.suggested_readiness, candidate.readiness) == (0.769, "one_two_years", "")
    succession.set_readiness(o.hr, candidate, "ready_now", version=0)
    with pytest.raises(EditConflict):
        succession.set_readiness(o.hr, candidate, "later", version=0)
    candidate.refresh_from_db()
    assert candidate.readiness == "ready_now" and candidate.confirmed_by == o.hr
    key.expected_vacancy = timezone.localdate() + datetime.timedelta(days=90)
    key.save()
    o.mgr_b.active = False
    o.mgr_b.save()
    bench = succession.pool(o.hr, key)
    assert (bench.incumbents, bench.ready_now, bench.risks) == (1, 1, ["single_incumbent_leaving"])
    with pytest.raises(succession.SuccessionError):
        succession.add_candidate(o.hr, key, o.mgr_a)  # already holds it


def test_candidates_never_see_the_pool(health_org, key):
    o = health_org
    succession.add_candidate(o.hr, key, o.a1)
    with pytest.raises(AccessDenied):
        succession.pool(o.a1.user, key)
    assert succession.pool(o.head.user, key).candidates  # the unit's senior manager
    with pytest.raises(AccessDenied):
        succession.pool(o.mgr_a.user, key)  # heads TEAM_A, not the position's unit (DIV)
    with pytest.raises(AccessDenied):
        succession.pool(o.hr_out, key)
    assert key not in succession.key_positions_for(o.a1.user)


def test_gaps_to_plan_items(health_org, key):
    o = health_org
    candidate = succession.add_candidate(o.hr, key, o.b2)
    gaps = succession.candidate_gaps(key, o.b2)
    assert [(r.competency_id, level) for r, level in gaps] == [(o.plan_c.pk, None)]  # COACH met, PLAN unknown
    items = succession.gaps_to_plan(o.hr, candidate)
    assert [(i.competency_id, i.target_level, i.status, i.source) for i in items] == [
        (o.plan_c.pk, 2, "approved", "gap")
    ]
    assert "Team lead" not in items[0].title
    assert succession.gaps_to_plan(o.hr, candidate) == []


def test_talent_grid(health_org):
    o = health_org
    succession.rate_potential(o.mgr_a.user, o.a1, 3)
    succession.rate_potential(o.mgr_b.user, o.b2, 1)
    rating = succession.rate_potential(o.head.user, o.b3, 2)
    succession.rate_potential(o.head.user, o.b3, 2, version=rating.version)
    with pytest.raises(EditConflict):
        succession.rate_potential(o.head.user, o.b3, 3, version=0)
    with pytest.raises(AccessDenied):
        succession.rate_potential(o.mgr_a.user, o.b2, 3)
    with pytest.raises(succession.SuccessionError):
        succession.rate_potential(o.head.user, o.b2, 7)
    board = succession.talent_grid(o.head.user, o.div)
    names = {(r, c): cell for r, row in enumerate(board.cells) for c, cell in enumerate(row) if cell}
    assert names == {(0, 2): [o.a1.display_name], (1, 2): [o.b3.display_name], (2, 0): [o.b2.display_name]}
    assert board.unrated == 5
    with pytest.raises(AccessDenied):
        succession.talent_grid(o.mgr_a.user, o.div)


def test_retirement(health_org, key):
    o = health_org
    succession.add_candidate(o.hr, key, o.a1)
    succession.rate_potential(o.mgr_a.user, o.a1, 3)
    succession.rate_potential(o.mgr_a.user, o.a2, 2)
    retire_user(o.a1.user)
    assert not SuccessorCandidate.objects.filter(employee=o.a1).exists()
    assert not PotentialRating.objects.filter(employee=o.a1).exists()
    retire_user(o.mgr_a.user)
    assert PotentialRating.objects.get(employee=o.a2).rated_by is None
