"""Interim notes (tags, privacy, own edits, shown in the review) and follow-up actions (into development plans)."""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin import api
from perf_mgmt_plugin.appraisals import actions, notes, reviews
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import FollowUpAction, InterimNote, Review
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.development.models import Plan, PlanItem
from tests.appraisals.builders import add_review, make_cycle

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")


def _bodies(qs):
    return sorted(note.body for note in qs)


def test_notes_tags_privacy_and_own_edits(org, cycle):
    shared = notes.add_note(org.manager.user, org.alice, body="<p>Great demo</p><script>x</script>", tag="recognition")
    notes.add_note(org.manager.user, org.alice, body="<p>Watch estimates</p>", tag="concern", private=True)
    notes.add_note(org.alice.user, org.alice, body="<p>Idea: pairing</p>", tag="idea", private=True)
    assert "<script" not in shared.body
    assert _bodies(notes.notes_for(org.manager.user, org.alice)) == [
        "<p>Great demo</p>x",
        "<p>Watch estimates</p>",
    ]
    assert _bodies(notes.notes_for(org.alice.user, org.alice)) == ["<p>Great demo</p>x", "<p>Idea: pairing</p>"]
    assert _bodies(notes.notes_for(org.director.user, org.alice)) == ["<p>Great demo</p>x"]
    for user in (org.bob.user, org.hr, org.outsider):
        with pytest.raises(AccessDenied):
            notes.notes_for(user, org.alice)
        with pytest.raises(AccessDenied):
            notes.add_note(user, org.alice, body="x", tag="idea")
    # Bad input writes nothing.
    count = InterimNote.objects.count()
    for kwargs in (
        {"body": " ", "tag": "idea"},
        {"body": "x", "tag": "gossip"},
        {"body": "x", "tag": "idea", "noted_on": timezone.localdate() + datetime.timedelta(days=1)},
    ):
        with pytest.raises(AppraisalError):
            notes.add_note(org.manager.user, org.alice, **kwargs)
    assert InterimNote.objects.count() == count
    # Only the author changes or deletes.
    with pytest.raises(AccessDenied):
        notes.update_note(org.alice.user, shared, body="mine now")
    with pytest.raises(AccessDenied):
        notes.delete_note(org.director.user, shared)
    notes.update_note(org.manager.user, shared, private=True, tag="observation")
    assert _bodies(notes.notes_for(org.alice.user, org.alice)) == ["<p>Idea: pairing</p>"]
    notes.delete_note(org.manager.user, shared)
    assert not InterimNote.objects.filter(pk=shared.pk).exists()


def test_notes_of_the_period_show_in_the_review(org, cycle):
    inside = notes.add_note(org.manager.user, org.alice, body="in the period", tag="observation")
    notes.add_note(
        org.manager.user, org.alice, body="long ago", tag="observation", noted_on=cycle.start - datetime.timedelta(1)
    )
    notes.add_note(org.manager.user, org.alice, body="mine only", tag="concern", private=True)
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    assert [n.body for n in reviews.review_detail(org.alice.user, review).notes] == [inside.body]
    assert {n.body for n in reviews.review_detail(org.manager.user, review).notes} == {inside.body, "mine only"}
    assert reviews.review_detail(org.hr, review).notes == []  # HR opens the review, not the notes


def test_development_action_becomes_a_plan_item(org, cycle):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    due = timezone.localdate() + datetime.timedelta(days=60)
    assert not Plan.objects.filter(owner=org.alice).exists()
    action = actions.add_action(
        org.manager.user, review, title="Lead the design review", due_date=due, kind=FollowUpAction.DEVELOPMENT
    )
    item = action.plan_item
    assert item.plan.owner == org.alice and item.plan.status in Plan.OPEN_STATUSES
    assert (item.source, item.source_ref, item.status, item.due_date) == (
        "appraisal",
        f"appraisal:{review.pk}",
        PlanItem.APPROVED,
        due,
    )
    # A second development action goes into the same open plan.
    second = actions.add_action(org.manager.user, review, title="Read", due_date=due, kind=FollowUpAction.DEVELOPMENT)
    assert second.plan_item.plan_id == item.plan_id and Plan.objects.filter(owner=org.alice).count() == 1
    work = actions.add_action(org.manager.user, review, title="Write the runbook", due_date=due, owner=org.alice)
    assert work.plan_item is None and work.owner == org.alice

    # Completing the action completes its plan item; cancelling cancels it.
    actions.complete_action(org.alice.user, action)
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED
    actions.cancel_action(org.manager.user, second)
    second.plan_item.refresh_from_db()
    assert second.plan_item.status == PlanItem.CANCELLED
    with pytest.raises(AppraisalError):
        actions.complete_action(org.manager.user, second)


def test_action_rules_and_validation(org, cycle):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    due = timezone.localdate() + datetime.timedelta(days=30)
    for user in (org.alice.user, org.bob.user, org.hr, org.outsider):
        with pytest.raises(AccessDenied):
            actions.add_action(user, review, title="x", due_date=due)
    for kwargs in (
        {"title": " ", "due_date": due},
        {"title": "x", "due_date": None},
        {"title": "x", "due_date": due, "kind": "party"},
        {"title": "x", "due_date": due, "owner": org.bob},
    ):
        with pytest.raises(AppraisalError):
            actions.add_action(org.manager.user, review, **kwargs)
    assert not FollowUpAction.objects.exists()
    support = actions.add_action(
        org.manager.user, review, title="Book a mentor", due_date=due, kind=FollowUpAction.SUPPORT, owner=org.manager
    )
    # The person may only mark done their own actions; this one is the manager's.
    with pytest.raises(AccessDenied):
        actions.complete_action(org.alice.user, support)
    with pytest.raises(AccessDenied):
        actions.cancel_action(org.alice.user, support)


def test_open_actions_show_in_check_ins_and_the_next_review(org, cycle, today, count_queries):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    due = today + datetime.timedelta(days=30)
    first = actions.add_action(org.manager.user, review, title="Own the on-call rota", due_date=due)
    done = actions.add_action(org.manager.user, review, title="Done already", due_date=due)
    actions.complete_action(org.manager.user, done)
    actions.add_action(org.manager.user, Review.objects.get(cycle=cycle, employee=org.bob), title="Bob's", due_date=due)

    assert [a.title for a in api.open_follow_up_actions(org.alice.user)] == [first.title]
    assert [a.title for a in api.open_follow_up_actions(org.manager.user, org.alice)] == [first.title]
    assert api.open_follow_up_actions(org.bob.user, org.alice) == []
    assert {a.title for a in actions.open_actions_of([org.alice, org.bob])} == {first.title, "Bob's"}

    next_cycle = make_cycle(today, name="Next")
    next_review = add_review(next_cycle, org.alice)
    detail = reviews.review_detail(org.manager.user, next_review)
    assert [a.title for a in detail.earlier_actions] == [first.title]
    assert detail.actions == []

    with count_queries() as queries:
        rows = list(actions.open_actions_of([org.alice.pk, org.bob.pk]))
        _cycles = [row.review.cycle.name for row in rows]
    assert len(queries) == 1
