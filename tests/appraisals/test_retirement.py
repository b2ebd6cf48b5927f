"""Retiring a user forgets what they wrote and what was written about them in appraisals; figures stay."""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin import api
from perf_mgmt_plugin.appraisals import actions, coaching, notes, reviews
from perf_mgmt_plugin.appraisals.models import (
    CoachAssignment,
    CoachingFeedback,
    FollowUpAction,
    InterimNote,
    Review,
    ReviewEvent,
    SurveyInvitation,
)

from . import builders

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")


def _items(review, rating, comment):
    return {item.pk: {"rating": rating if item.scale_id else None, "comment": comment} for item in review.items.all()}


def _setup(org, cycle):
    alice_review = Review.objects.get(cycle=cycle, employee=org.alice)
    bob_review = Review.objects.get(cycle=cycle, employee=org.bob)
    reviews.save_self_review(org.alice.user, alice_review, summary="alice text", items=_items(alice_review, 3, "a"))
    manager_items = _items(alice_review, 2, "m")
    reviews.save_manager_review(org.manager.user, alice_review, summary="about alice", items=manager_items)
    reviews.save_manager_review(org.manager.user, bob_review, summary="about bob", items=_items(bob_review, 2, "mb"))
    notes.add_note(org.manager.user, org.alice, body="about alice", tag="concern")
    notes.add_note(org.manager.user, org.bob, body="about bob", tag="idea")
    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    coaching.add_feedback(org.seller.user, alice_review, "coach on alice")
    due = timezone.localdate() + datetime.timedelta(days=10)
    actions.add_action(org.manager.user, alice_review, title="alice's action", due_date=due, description="private")
    SurveyInvitation.objects.create(cycle=cycle, employee=org.alice)
    return alice_review, bob_review


def test_retiring_the_reviewed_person(org, cycle):
    alice_review, bob_review = _setup(org, cycle)
    api.retire_user(org.alice.user, "retired_alice", "retired@example.com")
    api.retire_user(org.alice.user, "retired_alice", "retired@example.com")  # idempotent
    alice_review.refresh_from_db()
    assert (alice_review.self_summary, alice_review.manager_summary) == ("", "")
    assert not alice_review.items.exclude(self_comment="", manager_comment="").exists()
    assert alice_review.items.filter(self_rating=3, manager_rating=2).exists()  # figures stay
    assert not InterimNote.objects.filter(employee=org.alice).exists()
    assert not CoachingFeedback.objects.filter(review=alice_review).exists()
    assert FollowUpAction.objects.get(review=alice_review).description == ""
    assert not SurveyInvitation.objects.filter(employee=org.alice).exists()
    assert not ReviewEvent.objects.filter(actor=org.alice.user).exists()
    # Nothing of bob's is touched.
    bob_review.refresh_from_db()
    assert bob_review.manager_summary == "about bob" and InterimNote.objects.filter(employee=org.bob).exists()


def test_retiring_the_manager_and_the_coach(org, cycle):
    alice_review, bob_review = _setup(org, cycle)
    api.retire_user(org.manager.user)
    bob_review.refresh_from_db()
    assert bob_review.manager_summary == "" and not bob_review.items.exclude(manager_comment="").exists()
    assert bob_review.items.filter(manager_rating=2).exists()
    assert not InterimNote.objects.filter(author=org.manager.user).exists()
    assert not ReviewEvent.objects.filter(actor=org.manager.user).exists()
    alice_review.refresh_from_db()
    assert alice_review.self_summary == "alice text"  # alice's own text is hers
    api.retire_user(org.seller.user)
    assert not CoachingFeedback.objects.exists() and not CoachAssignment.objects.exists()
