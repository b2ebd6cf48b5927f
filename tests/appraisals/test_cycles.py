"""Templates, cycles (dates, population, phases, overdue steps, closing, who sees which cycle) and scoring."""

import datetime

import pytest

from perf_mgmt_plugin.appraisals import cycles, scoring, templates
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem, ReviewTemplate, SurveyInvitation
from perf_mgmt_plugin.core.access import AccessDenied
from tests import factories
from tests.fixtures.build import cycle_dates

D = datetime.date


def test_suggested_dates_make_short_cycles_first_class():
    monthly = cycles.suggested_dates(Cycle.MONTHLY, D(2026, 3, 1))
    assert monthly == {
        "start": D(2026, 3, 1),
        "end": D(2026, 3, 31),
        "self_review_due": D(2026, 4, 3),
        "manager_review_due": D(2026, 4, 7),
        "meeting_due": D(2026, 4, 10),
        "sign_off_due": D(2026, 4, 14),
    }
    assert cycles.suggested_dates(Cycle.QUARTERLY, D(2026, 11, 1))["end"] == D(2027, 1, 31)
    yearly = cycles.suggested_dates(Cycle.YEARLY, D(2026, 1, 1))
    assert (yearly["end"], yearly["sign_off_due"]) == (D(2026, 12, 31), D(2027, 2, 18))
    assert cycles.suggested_dates(Cycle.CUSTOM, D(2026, 1, 5), D(2026, 1, 20))["self_review_due"] == D(2026, 1, 23)
    with pytest.raises(AppraisalError):
        cycles.suggested_dates("weekly", D(2026, 1, 1))


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"kind": "kra", "title": "Results"}, "needs a rating scale"),
        ({"kind": "kra", "title": "Results", "scale": "no-such-scale"}, "Unknown rating scale"),
        ({"kind": "competencies", "title": "C", "scale": "kra-five"}, "Only a key result area"),
        ({"kind": "competencies", "title": "C", "weight": -1}, "cannot be negative"),
        ({"kind": "competencies", "title": "C", "weight": "heavy"}, "must be a number"),
        ({"kind": "questions", "title": "Q"}, "at least one question"),
        ({"kind": "development", "title": "D", "questions": ["Why?"]}, "Only a questions section"),
        ({"kind": "essay", "title": "E"}, "Unknown section kind"),
        ({"kind": "development", "title": " "}, "needs a title"),
    ],
)
def test_template_validation_writes_nothing(org, kra_scale, section, message):
    with pytest.raises(AppraisalError, match=message):
        templates.create_template(org.hr, slug="bad", name="Bad", sections=[section])
    assert not ReviewTemplate.objects.exists()


def test_template_access_sanitising_and_locked_sections(org, kra_scale, template, cycle):
    for user in (org.hr_eng, org.manager.user, org.alice.user):
        with pytest.raises(AccessDenied):
            templates.create_template(user, slug="x", name="X", sections=[{"kind": "development", "title": "D"}])
    other = templates.create_template(
        org.hr,
        slug="short",
        name="Monthly",
        description='<p onclick="x()">Hi<script>alert(1)</script></p>',
        sections=[{"kind": "kra", "title": "KR", "scale": "kra-five", "instructions": "<b>Rate</b><img src=x>"}],
    )
    assert "script" not in other.description and "onclick" not in other.description
    assert other.sections.get().instructions == "<b>Rate</b>"
    templates.update_template(org.hr, other, sections=[{"kind": "development", "title": "Only development"}])
    assert list(other.sections.values_list("kind", flat=True)) == ["development"]
    # The cycle's reviews were made from ``template``: its texts may change, its sections not.
    templates.update_template(org.hr, template, name="Annual review 2026")
    with pytest.raises(AppraisalError, match="can no longer change"):
        templates.update_template(org.hr, template, sections=[{"kind": "development", "title": "D"}])
    assert template.sections.count() == 4 and ReviewItem.objects.filter(review__cycle=cycle).count() == 10


def test_create_cycle_validates_and_checks_access(org, template, today):
    dates = cycle_dates(today)
    for user in (org.hr_eng, org.manager.user):
        with pytest.raises(AccessDenied):
            cycles.create_cycle(user, name="C", template=template, **dates)
    bad = [
        ({**dates, "end": dates["start"] - datetime.timedelta(days=1)}, "end before it starts"),
        ({**dates, "meeting_due": dates["self_review_due"]}, "due in order"),
        ({**dates, "self_review_due": dates["start"] - datetime.timedelta(days=1)}, "before the cycle starts"),
    ]
    for values, message in bad:
        with pytest.raises(AppraisalError, match=message):
            cycles.create_cycle(org.hr, name="C", template=template, **values)
    with pytest.raises(AppraisalError, match="cadence"):
        cycles.create_cycle(org.hr, name="C", template=template, cadence="weekly", **dates)
    assert not Cycle.objects.exists()
    made = cycles.create_cycle(org.hr, name="C", template=template, units=[org.sales], **dates)
    assert (made.status, made.created_by, list(made.units.all())) == (Cycle.DRAFT, org.hr, [org.sales])
    with pytest.raises(AppraisalError, match="already exists"):
        cycles.create_cycle(org.hr, name="C", template=template, **dates)


def test_update_cycle_rules_by_state(org, template, cycle, today):
    cycles.update_cycle(org.hr, cycle, name="Q review (extended)", sign_off_due=today + datetime.timedelta(days=40))
    cycle.refresh_from_db()
    assert cycle.name == "Q review (extended)"
    with pytest.raises(AppraisalError, match="only before the cycle is launched"):
        cycles.update_cycle(org.hr, cycle, scored=False)
    with pytest.raises(AppraisalError, match="Unknown cycle fields"):
        cycles.update_cycle(org.hr, cycle, status=Cycle.DRAFT)
    with pytest.raises(AppraisalError, match="due in order"):
        cycles.update_cycle(org.hr, cycle, sign_off_due=today)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.CLOSED)
    cycle.refresh_from_db()
    with pytest.raises(AppraisalError, match="closed"):
        cycles.update_cycle(org.hr, cycle, name="Again")


def test_population_units_with_sub_units_positions_and_people(org, template, today):
    def people_of(**population):
        draft = cycles.create_cycle(org.hr, name=str(population), template=template, **cycle_dates(today), **population)
        return set(cycles.population(draft).values_list("user__username", flat=True))

    assert people_of(units=[org.engineering]) == {"director", "manager", "alice", "bob"}
    assert people_of(positions=[org.dev]) == {"alice", "bob"}
    assert people_of(units=[org.sales], people=[org.ceo]) == {"seller", "ceo"}
    # A cycle cannot be made naming nobody (test_domain_rules.py); one stored so before matches nobody.
    legacy = cycles.create_cycle(org.hr, name="Legacy", template=template, people=[org.ceo], **cycle_dates(today))
    legacy.people.clear()
    assert not cycles.population(legacy).exists()
    org.bob.active = False
    org.bob.save()
    assert people_of(units=[org.platform]) == {"manager", "alice"}


def test_current_phase_and_overdue_steps(org, cycle, today):
    week = datetime.timedelta(days=7)
    assert cycles.current_phase(cycle, today) == "self_review"
    assert cycles.current_phase(cycle, today + week + datetime.timedelta(days=1)) == "manager_review"
    assert cycles.current_phase(cycle, today + 4 * week + datetime.timedelta(days=1)) == "past_deadlines"
    assert not cycles.overdue_reviews(cycle, today).exists()
    late = today + week + datetime.timedelta(days=1)  # self reviews are late
    assert set(cycles.overdue_reviews(cycle, late).values_list("employee_id", flat=True)) == {org.alice.pk, org.bob.pk}
    Review.objects.filter(cycle=cycle, employee=org.bob).update(stage=Review.MANAGER_REVIEW)
    assert [r.employee_id for r in cycles.overdue_reviews(today=late)] == [org.alice.pk]
    Review.objects.filter(cycle=cycle, employee=org.alice).update(stage=Review.COMPLETED)
    assert not cycles.overdue_reviews(cycle, today + 10 * week).exclude(employee=org.bob).exists()


def test_close_cycle_invites_participants_to_the_survey(org, cycle, template, today):
    with pytest.raises(AccessDenied):
        cycles.close_cycle(org.hr_eng, cycle)
    cycles.close_cycle(org.hr, cycle)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.CLOSED and cycle.closed_at
    invited = set(SurveyInvitation.objects.filter(cycle=cycle).values_list("employee_id", "role"))
    assert {(org.alice.pk, "employee"), (org.bob.pk, "employee"), (org.manager.pk, "manager")} <= invited
    with pytest.raises(AppraisalError, match="Only an active cycle"):
        cycles.close_cycle(org.hr, cycle)
    draft = cycles.create_cycle(org.hr, name="Draft", template=template, people=[org.alice], **cycle_dates(today))
    with pytest.raises(AppraisalError):
        cycles.close_cycle(org.hr, draft)


def test_cycles_visible_to(org, cycle, template, today):
    draft = cycles.create_cycle(org.hr, name="Draft", template=template, people=[org.seller], **cycle_dates(today))
    assert set(cycles.cycles_visible_to(org.hr)) == {cycle, draft}
    assert set(cycles.cycles_visible_to(org.hr_eng)) == {cycle, draft}
    for person in (org.alice, org.bob, org.manager, org.director, org.ceo):
        assert list(cycles.cycles_visible_to(person.user)) == [cycle], person
    assert not cycles.cycles_visible_to(org.seller.user).exists()
    assert not cycles.cycles_visible_to(org.outsider).exists()
    newcomer = factories.make_employee("newcomer", org_unit=org.sales)
    assert not cycles.cycles_visible_to(newcomer.user).exists()


def _rate(review, side, ratings):
    """Set ``side`` ratings by item title (a stand-in for the review conversation, which engineer B tests)."""
    for item in review.items.all():
        if item.title in ratings:
            setattr(item, f"{side}_rating", ratings[item.title])
            item.save()


def test_scoring_formula(org, cycle, kra_scale, fw):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    assert scoring.overall_score(review, "manager") is None  # nothing rated yet
    # KRA (weight 2): 4 of 5 = 80. Competencies (weight 1): COACH 3 of 4 = 75, PLAN 2 of 4 = 50 -> 62.5.
    _rate(review, "manager", {"Migrate billing": 4, "Coaching": 3, "Planning": 2})
    _rate(review, "self", {"Coaching": 4})
    items = list(review.items.select_related("section"))
    manager = scoring.score(cycle, items, "manager")
    kra, comp = (review.items.get(title=t).section_id for t in ("Migrate billing", "Coaching"))
    assert manager.sections == {kra: 80.0, comp: 62.5}
    assert manager.overall == round((2 * 80 + 62.5) / 3, 1) == 74.2
    assert scoring.overall_score(review, "self") == 100.0  # only the self-rated competency section counts
    assert "highest point of its scale" in str(scoring.FORMULA)
    with pytest.raises(ValueError):
        scoring.score(cycle, items, "peer")
    Cycle.objects.filter(pk=cycle.pk).update(scored=False)
    review = Review.objects.select_related("cycle").get(pk=review.pk)
    assert scoring.overall_score(review, "manager") is None


def test_scoring_many_reviews_with_one_maxima_lookup(org, cycle, count_queries):
    reviews = list(Review.objects.filter(cycle=cycle).select_related("cycle").prefetch_related("items__section"))
    for review in reviews:
        _rate(review, "manager", {"Coaching": 4})
    reviews = list(Review.objects.filter(cycle=cycle).select_related("cycle").prefetch_related("items__section"))
    with count_queries() as queries:
        maxima = scoring.scale_maxima(item.scale_id for r in reviews for item in r.items.all())
        scores = [scoring.overall_score(r, "manager", items=r.items.all(), maxima=maxima) for r in reviews]
    assert scores == [100.0, 100.0] and len(queries) == 1
