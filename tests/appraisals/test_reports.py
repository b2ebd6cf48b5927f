"""
HR reports on a cycle: completion by phase and unit, overdue steps and who owes them, manager rating distributions
(small groups hidden), coaching coverage -- scoped to the HR admin's units, in a constant number of queries.
"""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals import reports
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import CoachAssignment, CoachingFeedback, Review, ReviewItem, TemplateSection
from perf_mgmt_plugin.competencies import services as competency_services
from perf_mgmt_plugin.core.access import AccessDenied
from tests.appraisals.builders import WEEK, add_review, make_cycle, make_people

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def scale(db):
    return competency_services.create_scale(
        slug="four", name="Four", levels=[(1, "Low", ""), (2, "Fair", ""), (3, "Good", ""), (4, "Great", "")]
    )


@pytest.fixture
def data(org):
    """
    platform: alice (self review), bob (manager review), p1 (meeting, employee attended), p2 (sign-off, manager
    signed), p3 (completed); sales: seller (completed, reviewed by the CEO).
    """
    cycle = make_cycle(TODAY)
    p1, p2, p3 = make_people(3, org.manager, org.platform)
    now = timezone.now()
    reviews = {
        "alice": add_review(cycle, org.alice),
        "bob": add_review(cycle, org.bob, Review.MANAGER_REVIEW),
        "p1": add_review(cycle, p1, Review.MEETING, employee_attended_at=now),
        "p2": add_review(cycle, p2, Review.SIGN_OFF, manager_signed_at=now),
        "p3": add_review(cycle, p3, Review.COMPLETED),
        "seller": add_review(cycle, org.seller, Review.COMPLETED),
    }
    return type("Data", (), {"cycle": cycle, "reviews": reviews, "people": (p1, p2, p3)})


def test_completion_by_phase_and_unit(org, data):
    completion = reports.completion_by_phase(org.hr, data.cycle)
    rows = {row.label: row for row in completion.rows}
    assert set(rows) == {"Unit PLAT", "Unit SALES"}
    plat = rows["Unit PLAT"]
    assert plat.total == 5
    assert plat.at_stage == {"self_review": 1, "manager_review": 1, "meeting": 1, "sign_off": 1, "completed": 1}
    assert plat.done == {"self_review": 4, "manager_review": 3, "meeting": 2, "sign_off": 1}
    assert plat.completed_percent == 20.0
    assert rows["Unit SALES"].done == {"self_review": 1, "manager_review": 1, "meeting": 1, "sign_off": 1}
    assert completion.total.total == 6 and completion.total.at_stage["completed"] == 2

    by_manager = {row.label: row.total for row in reports.completion_by_phase(org.hr, data.cycle, by="manager").rows}
    assert by_manager == {org.manager.display_name: 5, org.ceo.display_name: 1}


def test_reports_are_scoped_and_need_the_permission(org, data):
    scoped = reports.completion_by_phase(org.hr_eng, data.cycle)
    assert [row.label for row in scoped.rows] == ["Unit PLAT"] and scoped.total.total == 5
    assert reports.coaching_coverage(org.hr_eng, data.cycle).total == 5
    late = TODAY + 5 * WEEK
    assert {s.employee for s in reports.overdue_steps(org.hr_eng, data.cycle, today=late)} == {
        org.alice.display_name,
        org.bob.display_name,
        data.people[0].display_name,
        data.people[1].display_name,
    }
    for user in (org.manager.user, org.director.user, org.alice.user, org.outsider):
        for report in (reports.completion_by_phase, reports.rating_distribution, reports.coaching_coverage):
            with pytest.raises(AccessDenied):
                report(user, data.cycle)
        with pytest.raises(AccessDenied):
            reports.overdue_steps(user, data.cycle)
    with pytest.raises(AppraisalError):
        reports.completion_by_phase(org.hr, data.cycle, by="position")


def test_overdue_steps_and_who_owes_them(org, data):
    assert reports.overdue_steps(org.hr, data.cycle, today=TODAY) == []
    after_self = TODAY + WEEK + datetime.timedelta(days=2)
    (step,) = reports.overdue_steps(org.hr, data.cycle, today=after_self)
    assert (step.employee, step.stage, step.days_late, step.owed_by) == (
        org.alice.display_name,
        "self_review",
        2,
        "employee",
    )
    assert step.manager == org.manager.display_name and step.due == data.cycle.self_review_due

    steps = reports.overdue_steps(org.hr, data.cycle, today=TODAY + 5 * WEEK)
    owed = {s.stage: (s.owed_by, s.days_late) for s in steps}
    assert owed == {
        "self_review": ("employee", 28),
        "manager_review": ("manager", 21),
        "meeting": ("manager", 14),  # the employee confirmed attendance
        "sign_off": ("employee", 7),  # the manager signed
    }
    assert [s.stage for s in steps] == ["self_review", "manager_review", "meeting", "sign_off"]  # most late first


def test_owed_by_meeting_and_sign_off_both_when_nobody_did_their_part(org, data):
    assert reports.owed_by(Review(stage=Review.MEETING)) == ("employee", "manager")
    assert reports.owed_by(Review(stage=Review.SIGN_OFF, employee_signed_at=timezone.now())) == ("manager",)
    assert reports.owed_by(Review(stage=Review.COMPLETED)) == ()


def _rate(review, section, scale, ratings, score):
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(review=review, section=section, title=f"KRA {i}", scale=scale, manager_rating=r)
            for i, r in enumerate(ratings)
        ]
    )
    Review.objects.filter(pk=review.pk).update(manager_shared_at=timezone.now(), manager_score=score)


def test_rating_distribution_per_unit_and_manager_hides_small_groups(org, data, scale):
    section = TemplateSection.objects.create(template=data.cycle.template, kind="kra", title="KRA", scale=scale)
    r = data.reviews
    _rate(r["p1"], section, scale, [3, 4], 87.5)
    _rate(r["p2"], section, scale, [2], 50.0)
    _rate(r["p3"], section, scale, [3], 75.0)
    _rate(r["seller"], section, scale, [1], 25.0)
    ReviewItem.objects.create(
        review=r["bob"], section=section, title="draft", scale=scale, manager_rating=4
    )  # not shared

    dist = reports.rating_distribution(org.hr, data.cycle)
    groups = {g.label: g for g in dist.groups}
    plat, sales = groups["Unit PLAT"], groups["Unit SALES"]
    assert not plat.hidden and plat.reviews == 3 and plat.mean_score == pytest.approx(70.8)
    assert plat.ratings == {scale.pk: ((1, 0), (2, 1), (3, 2), (4, 1))}
    assert sales.hidden and sales.reviews is None and sales.ratings == {} and sales.mean_score is None
    assert dist.scales[scale.pk] == ("Four", ((1, "Low"), (2, "Fair"), (3, "Good"), (4, "Great")))
    assert dist.min_group == 3 and dist.hidden_groups == 1

    by_manager = {g.label: g for g in reports.rating_distribution(org.hr, data.cycle, by="manager").groups}
    assert by_manager[org.manager.display_name].reviews == 3 and by_manager[org.ceo.display_name].hidden
    assert [g.label for g in reports.rating_distribution(org.hr_eng, data.cycle).groups] == ["Unit PLAT"]


def test_coaching_coverage(org, data):
    assert reports.coaching_coverage(org.hr, data.cycle) == reports.CoachingCoverage(total=6, with_coach=0, coached=0)
    CoachAssignment.objects.create(cycle=data.cycle, reviewer=org.manager, coach=org.director)
    CoachingFeedback.objects.create(review=data.reviews["bob"], coach=org.director, body="Be specific.")
    CoachingFeedback.objects.create(review=data.reviews["bob"], coach=org.director, body="And kind.")
    coverage = reports.coaching_coverage(org.hr, data.cycle)
    assert (coverage.total, coverage.with_coach, coverage.coached) == (6, 5, 1)
    assert coverage.coached_percent == pytest.approx(16.7)


def _all_reports(user, cycle):
    reports.completion_by_phase(user, cycle)
    reports.completion_by_phase(user, cycle, by="manager")
    reports.overdue_steps(user, cycle, today=TODAY + 5 * WEEK)
    reports.rating_distribution(user, cycle)
    reports.rating_distribution(user, cycle, by="manager")
    reports.coaching_coverage(user, cycle)


def test_reports_query_count_constant(org, data, scale, count_queries):
    section = TemplateSection.objects.create(template=data.cycle.template, kind="kra", title="KRA", scale=scale)
    _rate(data.reviews["p3"], section, scale, [3], 75.0)
    hr = type(org.hr).objects.get(pk=org.hr.pk)
    _all_reports(hr, data.cycle)
    with count_queries() as small:
        _all_reports(hr, data.cycle)
    for index, person in enumerate(make_people(15, org.director, org.engineering)):
        review = add_review(data.cycle, person, Review.STAGE_ORDER[index % 5])
        _rate(review, section, scale, [index % 4 + 1], 50.0)
    with count_queries() as large:
        _all_reports(hr, data.cycle)
    assert len(large) == len(small) <= 16, [q["sql"][:100] for q in large.captured_queries]
