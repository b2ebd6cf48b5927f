"""Launching a cycle: reviews and items from the cascade, positions and template; progress; safe re-runs; late
joiners through the org handlers, the Celery task and the command."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from perf_mgmt_plugin import api, tasks
from perf_mgmt_plugin.appraisals import cycles, launch
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.strategy.models import Objective
from tests import factories
from tests.fixtures.build import cycle_dates

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("template_once", "strategy_once", "fw_once")


def test_launch_creates_one_review_per_person_with_items_from_cascade_and_position(org, cycle, strategy, fw):
    assert cycle.status == Cycle.ACTIVE
    assert (cycle.launch_status, cycle.launch_done, cycle.launch_total) == (Cycle.LAUNCH_DONE, 2, 2)
    reviews = {review.employee_id: review for review in Review.objects.filter(cycle=cycle)}
    assert set(reviews) == {org.alice.pk, org.bob.pk}
    assert reviews[org.alice.pk].manager_id == org.manager.pk
    assert not reviews[org.alice.pk].joined_late and reviews[org.alice.pk].stage == Review.SELF_REVIEW
    items = list(ReviewItem.objects.filter(review=reviews[org.alice.pk]).select_related("section"))
    assert [(i.section.kind, i.title) for i in items] == [
        ("kra", "Migrate billing"),
        ("competencies", "Coaching"),
        ("competencies", "Planning"),
        ("questions", "What went well?"),
        ("questions", "What would you change?"),
    ]
    kra, coach, plan = items[:3]
    assert kra.objective_id == strategy.alice_task.pk and kra.scale_id == cycle.template.sections.first().scale_id
    assert (coach.competency_id, coach.required_level, coach.scale_id) == (fw.coach.pk, 3, fw.scale.pk)
    assert (plan.competency_id, plan.required_level) == (fw.plan.pk, 2)
    assert items[3].scale_id is None and items[3].question_id is not None
    bob_kra = ReviewItem.objects.get(review=reviews[org.bob.pk], section__kind="kra")
    assert bob_kra.objective_id == strategy.bob_task.pk


def _draft(org, template, today, name="Draft", **population):
    return cycles.create_cycle(org.hr, name=name, template=template, **cycle_dates(today), **population)


def test_without_period_key_results_are_the_objectives_overlapping_the_cycle(org, template, strategy, fw, today):
    Objective.objects.filter(pk=strategy.bob_task.pk).update(
        start_date=today + datetime.timedelta(days=31), due_date=today + datetime.timedelta(days=40)
    )
    draft = _draft(org, template, today, people=[org.alice, org.bob])
    launch.start_launch(org.hr, draft)
    launch.run_launch(draft.pk)
    kra = ReviewItem.objects.filter(review__cycle=draft, section__kind="kra")
    assert list(kra.values_list("objective_id", flat=True)) == [strategy.alice_task.pk]


def test_progress_is_recorded_after_each_batch(org, template, strategy, fw, today, monkeypatch):
    draft = _draft(org, template, today, units=[org.engineering])
    launch.start_launch(org.hr, draft)
    seen, real = [], launch._create_reviews

    def spy(entries, **kwargs):
        seen.append(api.cycle_launch_progress(draft))
        return real(entries, **kwargs)

    monkeypatch.setattr(launch, "_create_reviews", spy)
    assert launch.run_launch(draft.pk, batch_size=2) == 4  # director, manager, alice, bob
    assert [done for _status, done, _total, _error in seen] == [0, 2]
    assert {(status, total) for status, _done, total, _error in seen} == {(Cycle.LAUNCH_RUNNING, 4)}
    assert api.cycle_launch_progress(draft) == (Cycle.LAUNCH_DONE, 4, 4, "")


def test_a_failed_launch_is_recorded_and_a_rerun_adds_only_what_is_missing(
    org, template, strategy, fw, today, monkeypatch
):
    draft = _draft(org, template, today, units=[org.engineering])
    launch.start_launch(org.hr, draft)
    calls, real = [], launch._create_reviews

    def fail_second(entries, **kwargs):
        calls.append(len(entries))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(entries, **kwargs)

    monkeypatch.setattr(launch, "_create_reviews", fail_second)
    with pytest.raises(RuntimeError):
        launch.run_launch(draft.pk, batch_size=2)
    assert api.cycle_launch_progress(draft) == (Cycle.LAUNCH_FAILED, 2, 4, "database went away")
    first = set(Review.objects.filter(cycle=draft).values_list("pk", flat=True))
    assert len(first) == 2 and ReviewItem.objects.filter(review__in=first).exists()

    monkeypatch.setattr(launch, "_create_reviews", real)
    launch.start_launch(org.hr, draft)
    assert launch.run_launch(draft.pk, batch_size=2) == 2
    assert api.cycle_launch_progress(draft) == (Cycle.LAUNCH_DONE, 4, 4, "")
    assert first < set(Review.objects.filter(cycle=draft).values_list("pk", flat=True))
    items_before = ReviewItem.objects.filter(review__cycle=draft).count()
    assert launch.run_launch(draft.pk) == 0  # a duplicated task changes nothing
    assert ReviewItem.objects.filter(review__cycle=draft).count() == items_before


def test_rerun_after_widening_the_population_adds_only_the_new_people(org, cycle):
    before = {r.employee_id: r.pk for r in Review.objects.filter(cycle=cycle)}
    cycles.update_cycle(org.hr, cycle, people=[org.alice, org.bob, org.seller])
    api.start_cycle_launch(org.hr, cycle)
    assert api.run_cycle_launch(cycle.pk) == 1
    after = {r.employee_id: r.pk for r in Review.objects.filter(cycle=cycle)}
    assert after == {**before, org.seller.pk: after[org.seller.pk]}


def test_start_launch_checks_access_population_and_state(org, template, today, cycle):
    draft = _draft(org, template, today, people=[org.alice])
    draft.people.clear()  # stored before cycles had to name a population: the launch refuses it too
    for user in (org.hr_eng, org.manager.user, org.alice.user):
        with pytest.raises(AccessDenied):
            launch.start_launch(user, draft)
    with pytest.raises(AppraisalError, match="Choose who"):
        launch.start_launch(org.hr, draft)
    draft.refresh_from_db()
    assert (draft.status, draft.launch_status) == (Cycle.DRAFT, Cycle.LAUNCH_IDLE)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.CLOSED)
    cycle.refresh_from_db()
    with pytest.raises(AppraisalError, match="closed"):
        launch.start_launch(org.hr, cycle)


@pytest.fixture
def eng_cycle(org, template, strategy, fw, today):
    """An active cycle for the engineering department (with its sub-units), launched."""
    draft = _draft(org, template, today, name="Engineering", units=[org.engineering])
    launch.start_launch(org.hr, draft)
    launch.run_launch(draft.pk)
    return draft


def test_late_joiners_get_a_review_through_the_employee_handler(org, eng_cycle, fw):
    carol = factories.make_employee("carol", manager=org.manager, org_unit=org.platform, position=org.dev)
    review = Review.objects.get(cycle=eng_cycle, employee=carol)
    assert review.joined_late and review.manager_id == org.manager.pk
    assert set(review.items.exclude(competency=None).values_list("competency_id", flat=True)) == {
        fw.coach.pk,
        fw.plan.pk,
    }
    # Moving into the population (a save naming the org unit) counts too; other saves add nothing twice.
    org.seller.org_unit = org.platform
    org.seller.save(update_fields=["org_unit"])
    org.seller.save()
    assert Review.objects.filter(cycle=eng_cycle, employee=org.seller, joined_late=True).count() == 1
    # Nobody joins a closed cycle, and inactive people never do.
    Cycle.objects.filter(pk=eng_cycle.pk).update(status=Cycle.CLOSED)
    factories.make_employee("dave", org_unit=org.platform)
    factories.make_employee("erin", org_unit=org.platform, active=False)
    assert not Review.objects.filter(employee__user__username__in=["dave", "erin"]).exists()


def test_late_joiners_of_an_import_through_the_task(org, eng_cycle, django_capture_on_commit_callbacks):
    people = [factories.make_employee(f"imp{i}", org_unit=org.sales) for i in range(3)]
    ids = [person.pk for person in people]
    from perf_mgmt_plugin.org.models import Employee

    Employee.objects.filter(pk__in=ids).update(org_unit=org.platform)  # as a bulk import does: no post_save
    assert not Review.objects.filter(employee_id__in=ids).exists()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_import_follow_ups([person.user_id for person in people])
    assert Review.objects.filter(cycle=eng_cycle, employee_id__in=ids, joined_late=True).count() == 3


def test_late_joiner_query_count_does_not_grow_with_people(org, eng_cycle, count_queries):
    from perf_mgmt_plugin.org.models import Employee

    def joiners(n, prefix):
        made = [factories.make_employee(f"{prefix}{i}", org_unit=org.sales) for i in range(n)]
        Employee.objects.filter(pk__in=[p.pk for p in made]).update(org_unit=org.platform)
        return [p.pk for p in made]

    one, five = joiners(1, "one"), joiners(5, "five")
    with count_queries() as q1:
        assert launch.add_late_joiners(one) == 1
    with count_queries() as q5:
        assert launch.add_late_joiners(five) == 5
    assert len(q1) == len(q5) <= 14


def test_launch_query_count_does_not_grow_with_people(org, template, strategy, fw, today, count_queries):
    small = _draft(org, template, today, name="Small", people=[org.alice])
    large = _draft(org, template, today, name="Large", units=[org.company])
    for draft in (small, large):
        launch.start_launch(org.hr, draft)
    with count_queries() as q_small:
        assert launch.run_launch(small.pk) == 1
    with count_queries() as q_large:
        assert launch.run_launch(large.pk) == 6
    # One batch: 5 writes and reads, savepoints, progress, and (ADR 0015) the lock of the cycle and the locking read
    # of the batch's existing reviews, so two runs of one launch take turns and nobody gets two reviews.
    assert len(q_small) == len(q_large) <= 21  # + the claim of the launch (issue 14)


def test_task_enqueue_and_command_rerun(org, cycle, django_capture_on_commit_callbacks):
    Review.objects.filter(cycle=cycle, employee=org.bob).delete()
    api.start_cycle_launch(org.hr, cycle)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_cycle_launch(cycle)  # eager in tests: runs at commit
    assert Review.objects.filter(cycle=cycle).count() == 2
    assert tasks.launch_review_cycle.apply((cycle.pk,)).get() == 0
    out = StringIO()
    call_command("launch_review_cycle", str(cycle.pk), stdout=out)
    assert "0 reviews created; 2/2 people have a review (done)" in out.getvalue()
    out = StringIO()
    call_command("launch_review_cycle", "--late-joiners", stdout=out)
    assert out.getvalue().startswith("0 late joiners added")
