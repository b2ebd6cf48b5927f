"""Launching a cycle: reviews and items from the cascade, positions and template; progress; safe re-runs."""

from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem


def test_launch_creates_one_review_per_person_with_items_from_cascade_and_position(org, cycle, strategy, fw):
    assert cycle.status == Cycle.ACTIVE
    assert (cycle.launch_status, cycle.launch_done, cycle.launch_total) == (Cycle.LAUNCH_DONE, 2, 2)
    reviews = {review.employee_id: review for review in Review.objects.filter(cycle=cycle)}
    assert set(reviews) == {org.alice.pk, org.bob.pk}
    assert reviews[org.alice.pk].manager_id == org.manager.pk
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
