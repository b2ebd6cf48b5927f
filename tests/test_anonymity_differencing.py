"""
Replays of the differencing attacks of issue 15, finding 5 (docs/decisions/0014-anonymity-by-differencing.rst): each
reads what a reader is allowed to read, in the order an attacker would, and subtracts. None may single out fewer
answers than the minimum group (3 here). The XBlock's own replay is in tests/xblocks/test_checkin.py.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from perf_mgmt_plugin import api
from perf_mgmt_plugin.appraisals import cycles, reports, survey
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem, TemplateSection
from perf_mgmt_plugin.competencies import services as competency_services
from perf_mgmt_plugin.core import release
from tests.appraisals.builders import add_review, make_cycle, make_people

TODAY = datetime.date(2026, 6, 1)
MINIMUM = 3


def _closed_cycle(org, people):
    cycle = make_cycle(TODAY)
    for person in people:
        add_review(cycle, person)
    return cycles.close_cycle(org.hr, cycle)


def _answer(person, cycle, clarity, comment=""):
    survey.submit_response(person.user, cycle, clarity=clarity, usefulness=3, fairness=3, comment=comment)


def _end_survey(cycle):
    past = timezone.now() - datetime.timedelta(days=survey.survey_days() + 1)
    Cycle.objects.filter(pk=cycle.pk).update(closed_at=past)
    cycle.refresh_from_db()
    return cycle


def _subtract(wide, narrow, question="clarity"):
    """
    What an attacker gets from two shown groups where one holds the other: the answers left over, as (how many, sum
    of ``question``), or ``None`` when either is hidden or nothing is left over.
    """
    if wide.hidden or narrow.hidden or wide.responses == narrow.responses:
        return None
    count = wide.responses - narrow.responses
    total = wide.means[question] * wide.responses - narrow.means[question] * narrow.responses
    return count, round(total, 6)


def _everyone(user, cycle):
    (group,) = survey.results(user, cycle).groups
    return group


# (a) two HR admins with different scopes ----------------------------------------------------------------------


def test_a_two_hr_admins_scopes_cannot_be_subtracted(org):
    eng = make_people(2, org.manager, org.platform)
    cycle = _closed_cycle(org, [org.alice, org.bob, *eng, org.seller])
    for person in (org.alice, org.bob, *eng):
        _answer(person, cycle, clarity=4, comment="fine")
    _answer(org.seller, cycle, clarity=1, comment="seller secret")
    _end_survey(cycle)

    leftover = _subtract(_everyone(org.hr, cycle), _everyone(org.hr_eng, cycle))
    assert leftover is None or leftover[0] >= MINIMUM, leftover  # before the fix: (1, 1.0), the seller's answer
    # every group the scoped admin sees is the organisation's group, with the same figures, or hidden
    for group_by in ("org_unit", "role"):
        wide = {group.key: group for group in survey.results(org.hr, cycle, group_by).groups}
        for group in survey.results(org.hr_eng, cycle, group_by).groups:
            assert group.hidden or group == wide[group.key]
    scoped_trend = survey.trends(org.hr_eng)
    wide_trend = survey.trends(org.hr)
    for narrow, wide in zip(scoped_trend, wide_trend, strict=True):
        if not (narrow.hidden or wide.hidden):
            assert wide.responses - narrow.responses in (0, *range(MINIMUM, 1000))
    scoped_export = [str(cell) for row in survey.export_rows(org.hr_eng, cycle) for cell in row]
    assert "seller secret" not in scoped_export
    assert "4" not in scoped_export and "5" not in scoped_export  # no count of answers at all


# (b) before and after one answer arrives ----------------------------------------------------------------------


def _everything_hr_reads(org, cycle):
    return (
        [survey.results(org.hr, cycle, group_by) for group_by in survey.GROUP_BY],
        survey.trends(org.hr),
        survey.export_rows(org.hr, cycle),
    )


def test_b_reading_before_and_after_one_answer_shows_nothing_of_it(org):
    people = make_people(4, org.manager, org.platform)
    cycle = _closed_cycle(org, people)  # 4 people and their manager invited
    for person in people[:3]:
        _answer(person, cycle, clarity=4)
    before = _everything_hr_reads(org, cycle)
    _answer(people[3], cycle, clarity=1, comment="the fourth answer")
    after = _everything_hr_reads(org, cycle)

    assert before == after  # before the fix: everyone 3 then 4 answers, the fourth's rating and comment
    assert all(not result.released and result.groups == () for result in after[0])
    assert "the fourth answer" not in str(after)

    _end_survey(cycle)
    released = survey.results(org.hr, cycle)
    assert released.released and released.groups[0].responses == 4
    with pytest.raises(AppraisalError):  # once released, nothing more can arrive to subtract
        _answer(org.manager, cycle, clarity=5)
    assert survey.results(org.hr, cycle) == released
    assert list(survey.pending_surveys(org.manager.user)) == []


# (c) rating distributions by org unit minus by manager --------------------------------------------------------


@pytest.fixture
def scale(db):
    return competency_services.create_scale(
        slug="four", name="Four", levels=[(1, "Low", ""), (2, "Fair", ""), (3, "Good", ""), (4, "Great", "")]
    )


def _shared(review, section, scale, rating):
    ReviewItem.objects.create(review=review, section=section, title="KR", scale=scale, manager_rating=rating)
    Review.objects.filter(pk=review.pk).update(manager_shared_at=timezone.now(), manager_score=25.0 * rating)


def test_c_rating_distribution_by_unit_minus_by_manager_gives_no_rating(org, scale):
    cycle = make_cycle(TODAY)
    section = TemplateSection.objects.create(template=cycle.template, kind="kra", title="KRA", scale=scale)
    for person in make_people(3, org.manager, org.platform):
        _shared(add_review(cycle, person), section, scale, 4)
    lone = make_people(1, org.director, org.platform)[0]  # reviewed by the director, alone in PLAT
    _shared(add_review(cycle, lone), section, scale, 1)

    by_unit = {group.label: group for group in reports.rating_distribution(org.hr, cycle, by="org_unit").groups}
    by_manager = {group.key: group for group in reports.rating_distribution(org.hr, cycle, by="manager").groups}
    platform, manager = by_unit["Unit PLAT"], by_manager[org.manager.pk]
    shown_both = not platform.hidden and not manager.hidden
    # before the fix: PLAT 4 reviews shown, the manager's 3 shown: PLAT minus the manager is the lone review's 1
    assert not (shown_both and 0 < platform.reviews - manager.reviews < MINIMUM)
    assert by_manager[org.director.pk].hidden
    for readers_view in (org.hr, org.hr_eng):
        for by in ("org_unit", "manager"):
            for group in reports.rating_distribution(readers_view, cycle, by=by).groups:
                assert group.hidden or group.reviews >= MINIMUM


def test_cross_suppress_shows_only_groups_whose_cells_are_all_big_enough():
    cells = {("plat", "m"): 3, ("plat", "d"): 1, ("sales", "m"): 3, ("sales", "c"): 4}
    assert release.cross_suppress(cells, 3) == ({"plat"}, {"d"})
    # the manager m is shown (6 = 3 + 3, both cells full); sales is shown; the leftover of any difference is a cell
    assert release.cross_suppress({("a", "x"): 2, ("b", "x"): 2}, 3) == ({"a", "b"}, {"x"})


# (d) course staff: check-in and self-assessment figures over time ---------------------------------------------


def _staff_page(org):
    client = Client()
    client.force_login(org.staff)
    response = client.get(reverse("perf_mgmt:course-learners", kwargs={"course_id": str(org.course_key)}))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_d_course_checkin_figures_change_only_in_steps_of_the_minimum(org):
    def check_in(person, **answers):
        api.record_course_checkin(person.user, org.course_key, "block-v1:x", reflection="ok", **answers)

    check_in(org.alice, impediments="No time")
    check_in(org.alice)
    page = _staff_page(org)
    assert "2 check-ins by 1 learners" not in page and "raised an impediment" not in page  # before the fix: shown
    for person in (org.bob, org.manager):
        check_in(person)
    before = api.course_checkin_summary(org.course_key)
    assert before["learners"] == 3 and before["with_impediment"] == 1
    check_in(org.director, impediments="My manager")  # staff watch the director check in
    assert api.course_checkin_summary(org.course_key) == before  # before the fix: with_impediment 2
    assert "raised an impediment" in _staff_page(org)


def test_d_self_assessment_figures_change_only_in_steps_of_the_minimum(org):
    scale = competency_services.create_scale(slug="s", name="S", levels=[(1, "A", ""), (2, "B", ""), (3, "C", "")])
    framework = competency_services.create_framework(slug="lead", name="Leadership", scale=scale)
    competency = competency_services.add_competency(framework, code="COACH", name="Coaching")
    for person, level in ((org.alice, 1), (org.bob, 2), (org.manager, 2)):
        api.record_self_assessment(person.user, competency.pk, level, course_key=str(org.course_key), phase="before")
    before = api.course_self_assessment_summary(org.staff, org.course_key)
    assert before == {(competency.pk, "before"): {"levels": {1: 1, 2: 2}, "people": 3}}
    api.record_self_assessment(org.director.user, competency.pk, 3, course_key=str(org.course_key), phase="before")
    assert api.course_self_assessment_summary(org.staff, org.course_key) == before  # before the fix: one more 3
    api.record_self_assessment(org.alice.user, competency.pk, 3, course_key=str(org.course_key), phase="before")
    assert api.course_self_assessment_summary(org.staff, org.course_key) == before  # a re-rating waits too


def test_step_release_closes_a_step_at_the_minimum_of_distinct_people():
    steps = release.StepRelease(3)
    for person, value in (("a", 1), ("a", 2), ("b", 3), ("c", 4), ("d", 5)):
        steps.add("g", person, value)
    assert steps.released["g"] == [1, 2, 3, 4] and steps.held_back("g") == 1
    assert release.released_prefix([("a", 10), ("b", 11)], 3) is None
    assert release.released_prefix([("a", 10), ("b", 11), ("c", 12), ("a", 13)], 3) == 12
