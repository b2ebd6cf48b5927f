"""
The process survey: invitations at closing, one anonymous answer per invitation, and results that never show a
group smaller than PERF_MGMT_SURVEY_MIN_GROUP -- on the results, in the trends across cycles and in the CSV export,
including through differences between the total and the shown groups.
"""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from perf_mgmt_plugin.appraisals import cycles, survey
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import Cycle, SurveyInvitation, SurveyResponse
from perf_mgmt_plugin.core.access import AccessDenied
from tests.appraisals.builders import add_review, make_cycle, make_people

TODAY = datetime.date(2026, 6, 1)


def closed_cycle(org, people, **kwargs):
    """A cycle reviewing ``people`` (by their managers), closed through ``cycles.close_cycle`` so they are invited."""
    cycle = make_cycle(TODAY, **kwargs)
    for person in people:
        add_review(cycle, person)
    return cycles.close_cycle(org.hr, cycle)


def end_survey(cycle):
    """Move the cycle's closing back past the survey's days: the survey is over and its results released."""
    past = timezone.now() - datetime.timedelta(days=survey.survey_days() + 1)
    Cycle.objects.filter(pk=cycle.pk).update(closed_at=past)
    cycle.refresh_from_db()
    return cycle


def answer(person, cycle, clarity=4, usefulness=4, fairness=4, meeting=None, comment="", role=None):
    survey.submit_response(
        person.user,
        cycle,
        clarity=clarity,
        usefulness=usefulness,
        fairness=fairness,
        meeting=meeting,
        comment=comment,
        role=role,
    )


def test_closing_invites_people_and_reviewing_managers_once(org):
    cycle = closed_cycle(org, [org.alice, org.bob, org.seller])
    invited = set(SurveyInvitation.objects.filter(cycle=cycle).values_list("employee_id", "role"))
    assert invited == {
        (org.alice.pk, "employee"),
        (org.bob.pk, "employee"),
        (org.seller.pk, "employee"),
        (org.manager.pk, "manager"),
        (org.ceo.pk, "manager"),
    }
    assert survey.invite_participants(cycle) == 0
    assert SurveyInvitation.objects.filter(cycle=cycle).count() == 5


def test_pending_surveys_and_one_answer_per_invitation(org):
    cycle = closed_cycle(org, [org.alice, org.bob])
    active = make_cycle(TODAY)
    add_review(active, org.alice)
    assert list(survey.pending_surveys(org.alice.user)) == [cycle]
    assert list(survey.pending_surveys(org.outsider)) == []

    answer(
        org.alice, cycle, clarity=5, usefulness="3", fairness=4, meeting=2, comment="<script>x</script><b>Good</b> talk"
    )
    response = SurveyResponse.objects.get(cycle=cycle)
    assert (response.clarity, response.usefulness, response.fairness, response.meeting) == (5, 3, 4, 2)
    assert response.comment == "xGood talk"  # plain text: tags dropped
    assert (response.org_unit_id, response.role) == (org.platform.pk, "employee")
    assert response.submitted_on == cycle.closed_at.date()  # the closing day, not the day of answering
    assert {f.name for f in SurveyResponse._meta.get_fields()}.isdisjoint({"employee", "user", "invitation"})
    assert list(survey.pending_surveys(org.alice.user)) == []

    with pytest.raises(AppraisalError):
        answer(org.alice, cycle)  # answered already
    with pytest.raises(AppraisalError):
        answer(org.seller, cycle)  # not invited
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 1


@pytest.mark.parametrize(
    "values",
    [
        {"clarity": 0},
        {"clarity": 6},
        {"usefulness": None},
        {"fairness": "4.5"},
        {"fairness": "x"},
        {"meeting": 9},
    ],
)
def test_bad_values_write_nothing(org, values):
    cycle = closed_cycle(org, [org.alice])
    with pytest.raises(AppraisalError):
        answer(org.alice, cycle, **values)
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get(cycle=cycle, employee=org.alice).responded is False


def test_no_answers_to_an_active_cycle(org):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice)
    survey.invite_participants(cycle)
    with pytest.raises(AppraisalError):
        answer(org.alice, cycle)


def test_someone_invited_in_two_roles_answers_twice(org):
    cycle = closed_cycle(org, [org.alice, org.manager])  # the manager is reviewed (by director) and reviews alice
    answer(org.manager, cycle, role="manager")
    answer(org.manager, cycle)
    assert sorted(SurveyResponse.objects.values_list("role", flat=True)) == ["employee", "manager"]
    with pytest.raises(AppraisalError):
        answer(org.manager, cycle)


def test_results_hidden_below_the_minimum_with_their_comments(org):
    cycle = closed_cycle(org, [org.alice, org.bob, org.seller])
    answer(org.alice, cycle, clarity=2, comment="Too long")
    answer(org.bob, cycle, clarity=4, comment="Clear")
    early = survey.results(org.hr, cycle)
    assert not early.released and early.groups == () and early.closes_on == survey.survey_closes_on(cycle)
    answer(org.seller, cycle, clarity=5, meeting=3, comment="Always late")
    assert survey.results(org.hr, cycle).groups == ()  # still open: nothing before and after one answer

    shown = survey.results(org.hr, end_survey(cycle))
    assert shown.released and shown.min_group == 3 and shown.invited == 5
    (group,) = shown.groups
    assert not group.hidden and group.responses == 3
    assert group.means["clarity"] == pytest.approx(3.67) and group.means["meeting"] == 3
    assert dict(group.distribution["clarity"]) == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert group.comments == ("Always late", "Clear", "Too long")  # by value, not by who or when


def _managers_in_one_unit(org, extra_platform=0):
    """
    Three reviewing managers, all in PLAT, review three people in SALES and alice (PLAT); ``extra_platform`` more
    PLAT people reviewed by the first of them. Everyone answers with distinct clarity values; returns the cycle.
    """
    leads = make_people(3, org.director, org.platform)
    sales = make_people(3, org.ceo, org.sales)
    platform = [org.alice, *make_people(extra_platform, org.manager, org.platform)]
    cycle = make_cycle(TODAY)
    for lead, person in zip(leads, sales, strict=True):
        add_review(cycle, person, manager=lead)
    for person in platform:
        add_review(cycle, person, manager=leads[0])
    cycles.close_cycle(org.hr, cycle)
    for person in [*sales, *platform]:
        answer(person, cycle, clarity=2)
    for lead in leads:
        answer(lead, cycle, clarity=5)
    return end_survey(cycle)


def test_roles_are_not_broken_down_when_a_unit_minus_them_is_too_small(org):
    cycle = _managers_in_one_unit(org)
    # per unit: PLAT 4 (alice and the three managers), SALES 3 -- both shown; per role: 4 employees, 3 managers
    units = {g.label: g for g in survey.results(org.hr, cycle, group_by="org_unit").groups}
    assert units["Unit PLAT"].responses == 4 and units["Unit SALES"].responses == 3
    # PLAT minus the managers would be alice's answer alone: the roles are not broken down
    by_role = survey.results(org.hr, cycle, group_by="role")
    assert all(g.hidden for g in by_role.groups) and by_role.hidden_groups == 2
    exported = [row for row in survey.export_rows(org.hr, cycle) if row and row[0] == "role"]
    assert exported and all(str(row[2]).startswith("hidden") for row in exported)


def test_roles_are_shown_when_no_difference_singles_anyone_out(org):
    cycle = _managers_in_one_unit(org, extra_platform=2)
    # PLAT 6 (3 employees + 3 managers): PLAT minus the managers is 3 answers, a full group
    by_role = {g.key: g for g in survey.results(org.hr, cycle, group_by="role").groups}
    assert by_role["manager"].responses == 3 and by_role["employee"].responses == 6
    assert by_role["manager"].means["clarity"] == 5


@override_settings(PERF_MGMT_SURVEY_MIN_GROUP=4)
def test_minimum_is_a_setting(org):
    cycle = closed_cycle(org, [org.alice, org.bob, org.seller])
    for person in (org.alice, org.bob, org.seller):
        answer(person, cycle)
    assert survey.results(org.hr, end_survey(cycle)).groups[0].hidden


def test_small_groups_and_their_complement_are_hidden(org):
    extra = make_people(3, org.ceo, org.sales)
    cycle = closed_cycle(org, [org.alice, org.bob, org.seller, *extra])
    for person in (org.alice, org.bob, org.seller, *extra):
        answer(person, cycle, clarity=3)
    answer(org.manager, cycle, clarity=1, comment="Only manager in platform", role="manager")
    end_survey(cycle)
    by_unit = {g.label: g for g in survey.results(org.hr, cycle, group_by="org_unit").groups}
    # platform 3 (alice, bob, manager), sales 5 (seller, 3 extra, the CEO has not answered): both shown
    assert not by_unit["Unit PLAT"].hidden and not by_unit["Unit SALES"].hidden

    by_role = survey.results(org.hr, cycle, group_by="role")
    roles = {g.key: g for g in by_role.groups}
    # one manager answered: hidden, and the employees too, or everyone minus employees would be that one answer
    assert roles["manager"].hidden and roles["employee"].hidden and by_role.hidden_groups == 2
    assert all(comment != "Only manager in platform" for g in by_role.groups for comment in g.comments)
    assert not survey.results(org.hr, cycle).groups[0].hidden  # everyone: 8 answers


def test_suppress_hides_the_smallest_shown_groups_until_the_hidden_ones_are_big_enough():
    assert survey.suppress({"a": 5, "b": 1}, 3) == {"a", "b"}
    assert survey.suppress({"a": 5, "b": 3, "c": 1}, 3) == {"b", "c"}
    assert survey.suppress({"a": 5, "b": 3, "c": 4}, 3) == set()
    assert survey.suppress({"a": 1, "b": 2, "c": 4}, 3) == {"a", "b"}


def test_results_are_scoped_to_the_hr_admins_units_and_need_the_permission(org):
    eng = make_people(2, org.manager, org.platform)
    cycle = closed_cycle(org, [org.alice, org.bob, *eng, org.seller])
    for person in (org.alice, org.bob, *eng, org.seller):
        answer(person, cycle)
    end_survey(cycle)
    assert survey.results(org.hr, cycle).groups[0].responses == 5
    # the engineering admin's "everyone" is the sum of the shown groups of their units, never recomputed over their
    # scope: PLAT (4) is hidden with SALES (1), or everyone minus PLAT would be the seller's answer
    (scoped,) = survey.results(org.hr_eng, cycle).groups
    assert scoped.hidden and scoped.responses is None
    for user in (org.manager.user, org.alice.user, org.outsider):
        with pytest.raises(AccessDenied):
            survey.results(user, cycle)
        with pytest.raises(AccessDenied):
            survey.trends(user)
        with pytest.raises(AccessDenied):
            survey.export_rows(user, cycle)
    with pytest.raises(AppraisalError):
        survey.results(org.hr, cycle, group_by="manager")


def test_trends_across_cycles_hide_small_cycles(org):
    people = make_people(3, org.manager, org.platform)
    first = closed_cycle(org, people, start=TODAY - datetime.timedelta(days=400), name="2025")
    second = closed_cycle(org, people[:2], start=TODAY - datetime.timedelta(days=100), name="2026 H1")
    for person in people:
        answer(person, first, fairness=2)
    for person in people[:2]:
        answer(person, second, fairness=5)
    end_survey(first), end_survey(second)
    points = survey.trends(org.hr)
    assert [(p.name, p.hidden, p.responses) for p in points] == [("2025", False, 3), ("2026 H1", True, None)]
    assert points[0].means["fairness"] == 2 and points[1].means == {}
    assert survey.trends(org.hr_eng)[0].responses == 3


def test_export_rows_keep_the_threshold(org):
    extra = make_people(2, org.manager, org.platform)
    cycle = closed_cycle(org, [org.alice, org.bob, *extra, org.seller])
    for person in (org.alice, org.bob, *extra):
        answer(person, cycle, clarity=4, comment=f"note by {person.user.username}")
    answer(org.seller, cycle, clarity=1, comment="seller secret")
    rows = survey.export_rows(org.hr, end_survey(cycle))
    assert rows[0][:3] == ["grouping", "group", "answers"]
    flat = [str(cell) for row in rows for cell in row]
    assert "seller secret" in flat  # in everyone's comments (5 answers), without unit or role
    sales_row = next(row for row in rows if row[1] == "Unit SALES")
    assert sales_row[2].startswith("hidden") and set(sales_row[3:]) == {""}
    platform_row = next(row for row in rows if row[1] == "Unit PLAT")
    # platform's 4 answers would give away the seller's (everyone minus platform): hidden too
    assert platform_row[2].startswith("hidden")
    everyone = next(row for row in rows if row[0] == "everyone")
    assert everyone[2] == 5 and everyone[3] == pytest.approx(3.4)

    small = closed_cycle(org, [org.alice, org.bob])
    answer(org.alice, small, comment="alice alone")
    answer(org.bob, small, comment="bob alone")
    end_survey(small)
    flat = [str(cell) for row in survey.export_rows(org.hr, small) for cell in row]
    assert "alice alone" not in flat and "bob alone" not in flat
    assert not any(cell.replace(".", "").isdigit() for cell in flat)  # no figure at all


def test_results_query_count_constant(org, count_queries):
    people = make_people(3, org.manager, org.platform)
    cycle = closed_cycle(org, people)
    for person in people:
        answer(person, cycle)
    answer(org.manager, cycle)  # everyone invited has answered: released
    hr = type(org.hr).objects.get(pk=org.hr.pk)
    survey.results(hr, cycle, group_by="org_unit")  # access context cached on the user
    with count_queries() as small:
        survey.results(hr, cycle, group_by="org_unit")
        survey.trends(hr)
        survey.export_rows(hr, cycle)
    more = make_people(12, org.ceo, org.sales)
    for person in more:
        add_review(cycle, person)
    survey.invite_participants(cycle)
    for person in more:
        answer(person, cycle)
    answer(org.ceo, cycle)
    assert survey.results(hr, cycle).released
    with count_queries() as large:
        survey.results(hr, cycle, group_by="org_unit")
        survey.trends(hr)
        survey.export_rows(hr, cycle)
    assert len(large) == len(small) <= 12, [q["sql"][:100] for q in large.captured_queries]


def test_closed_cycle_survey_through_cycle_close(org):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice)
    cycles.close_cycle(org.hr, cycle)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.CLOSED
    assert SurveyInvitation.objects.filter(cycle=cycle).count() == 2
