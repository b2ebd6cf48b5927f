"""
The pages for the two steps run by HR and senior managers: giving reviewing managers a coach (the cycle's
"Coaches" page, linked from the HR cycle page and from Team reviews) and reopening a review from its page. Each role
against each, bad input refused with a message and nothing written, and the person's history without the coaching.

Data: ``cycle`` (tests/appraisals/conftest.py) -- an active cycle with reviews of alice and bob by ``manager``,
whose manager is ``director`` (under ``ceo``); ``hr_eng`` covers engineering.
"""

import pytest

from perf_mgmt_plugin.appraisals import coaching, cycles, reviews
from perf_mgmt_plugin.appraisals.models import CoachAssignment, Cycle, Review, ReviewEvent
from tests.strategy.test_pages_forms import url, user_of

from .test_pages import _manager_post, _self_post, client_for

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")

# Who may open the coaches page of the cycle: whoever may give ``manager`` (its only reviewing manager) a coach.
COACHES_PAGE = {
    "anon": 302,
    "alice": 404,
    "bob": 404,
    "manager": 404,  # nobody below writes reviews in the cycle
    "director": 200,
    "ceo": 200,
    "seller": 404,
    "hr": 200,
    "hr_eng": 200,
    "outsider": 404,
}


@pytest.mark.parametrize("role", list(COACHES_PAGE))
def test_coaches_page_matrix(org, cycle, role):
    client = client_for(user_of(org, role))
    path = url("appraisal-cycle-coaches", cycle.pk)
    assert client.get(path).status_code == COACHES_PAGE[role]
    if COACHES_PAGE[role] == 404:  # a post is refused the same way, and writes nothing
        assert client.post(path, {"reviewer": org.manager.pk, "coach": org.ceo.pk}).status_code == 404
        assert not CoachAssignment.objects.exists()
    assert client.get(url("appraisal-cycle-coaches", cycle.pk + 999)).status_code in (302, 404)


def test_director_gives_the_manager_a_coach_from_the_candidates(org, cycle):
    client = client_for(org.director.user)
    path = url("appraisal-cycle-coaches", cycle.pk)
    page = client.get(path).content.decode()
    # Offered: active managers at or below the director, never the reviewing manager themselves.
    assert f'value="{org.director.pk}"' in page and f'<option value="{org.manager.pk}"' not in page
    assert f'value="{org.ceo.pk}"' not in page  # above the director: not theirs to name
    # A coach not on the list, a reviewer not theirs: refused, nothing written.
    response = client.post(path, {"reviewer": org.manager.pk, "coach": org.ceo.pk, "action": "assign"}, follow=True)
    assert "Choose the coach from the list." in response.content.decode()
    assert client.post(path, {"reviewer": org.seller.pk, "coach": org.director.pk}).status_code == 404
    assert not CoachAssignment.objects.exists()

    response = client.post(path, {"reviewer": org.manager.pk, "coach": org.director.pk, "action": "assign"})
    assert response.status_code == 302 and response["Location"] == path
    assignment = CoachAssignment.objects.get(cycle=cycle, reviewer=org.manager)
    assert assignment.coach == org.director and assignment.assigned_by == org.director.user
    assert "Director Tester" in client.get(path).content.decode()
    # A senior manager may name themselves: they are among their own candidates.
    assert coaching.coach_candidates(org.director.user).filter(pk=org.director.pk).exists()

    client.post(path, {"reviewer": org.manager.pk, "action": "remove"})
    assert not CoachAssignment.objects.exists()


def test_hr_names_any_manager_in_scope_and_the_links_lead_there(org, cycle):
    client = client_for(org.hr)
    path = url("appraisal-cycle-coaches", cycle.pk)
    assert path in client.get(url("appraisal-cycle", cycle.pk)).content.decode()
    client.post(path, {"reviewer": org.manager.pk, "coach": org.ceo.pk, "action": "assign"})
    assert CoachAssignment.objects.get(cycle=cycle, reviewer=org.manager).coach == org.ceo
    # Team reviews links a senior manager to the coaches page of each active cycle; not a manager with no one below.
    assert path in client_for(org.director.user).get(url("team-reviews")).content.decode()
    assert path not in client_for(org.manager.user).get(url("team-reviews")).content.decode()


def test_coaches_of_a_closed_cycle_are_read_only(org, cycle):
    coaching.assign_coach(org.hr, cycle, org.manager, org.ceo)
    cycles.close_cycle(org.hr, cycle)
    client = client_for(org.hr)
    path = url("appraisal-cycle-coaches", cycle.pk)
    page = client.get(path).content.decode()
    assert "The cycle is closed" in page and "<select" not in page
    response = client.post(path, {"reviewer": org.manager.pk, "action": "remove"}, follow=True)
    assert "The cycle is closed." in response.content.decode()
    assert CoachAssignment.objects.filter(cycle=cycle).count() == 1
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.CLOSED


def _shared(org, review):
    """alice's review, self review submitted and the manager's shared: at the meeting stage."""
    client_for(org.alice.user).post(url("my-reviews"), _self_post(review))
    manager = client_for(org.manager.user)
    manager.post(url("appraisal-review", review.pk), _manager_post(review, action="manager_submit"))
    manager.post(url("appraisal-review", review.pk), {"action": "share"})
    review.refresh_from_db()
    assert review.stage == Review.MEETING
    return review


@pytest.mark.parametrize(
    "role,may_reopen",
    [("alice", False), ("manager", False), ("director", True), ("ceo", True), ("hr", True), ("hr_eng", True)],
)
def test_reopen_form_only_for_those_who_may(org, cycle, role, may_reopen):
    review = _shared(org, Review.objects.get(cycle=cycle, employee=org.alice))
    client = client_for(user_of(org, role))
    page = client.get(url("appraisal-review", review.pk)).content.decode()
    assert ('data-testid="reopen-form"' in page) is may_reopen
    response = client.post(
        url("appraisal-review", review.pk), {"action": "reopen", "to_stage": "self_review", "reason": "x"}
    )
    assert response.status_code == (302 if may_reopen else 403)
    assert Review.objects.get(pk=review.pk).stage == (Review.SELF_REVIEW if may_reopen else Review.MEETING)


def test_reopen_from_the_page_needs_a_reason_and_an_earlier_stage(org, cycle):
    review = _shared(org, Review.objects.get(cycle=cycle, employee=org.alice))
    client = client_for(org.director.user)
    path = url("appraisal-review", review.pk)
    page = client.get(path).content.decode()
    assert '<option value="manager_review" selected>' in page and '<option value="meeting"' not in page
    for data, message in (
        ({"to_stage": "manager_review", "reason": "  "}, "Give the reason for reopening the review."),
        ({"to_stage": "sign_off", "reason": "forward"}, "A review can only be reopened at an earlier stage."),
    ):
        response = client.post(path, {"action": "reopen", **data}, follow=True)
        assert message in response.content.decode()
        assert Review.objects.get(pk=review.pk).stage == Review.MEETING
    client.post(path, {"action": "reopen", "to_stage": "manager_review", "reason": "Missing an example"})
    review.refresh_from_db()
    assert review.stage == Review.MANAGER_REVIEW and review.reopen_count == 1 and review.manager_shared_at is None
    history = client.get(path).content.decode()
    assert "Reopened" in history and "Missing an example" in history


def test_the_persons_history_leaves_out_the_coaching(org, cycle):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    coaching.assign_coach(org.hr, cycle, org.manager, org.ceo)
    reviews.save_manager_review(org.manager.user, review, summary="<p>draft</p>")
    reviews.request_coaching(org.manager.user, review)
    coaching.add_feedback(org.ceo.user, review, "<p>feedback</p>")
    private = set(ReviewEvent.PRIVATE_ACTIONS)
    assert {e.action for e in reviews.review_detail(org.manager.user, review).events} & private
    assert not {e.action for e in reviews.review_detail(org.alice.user, review).events} & private
    page = client_for(org.alice.user).get(url("appraisal-review", review.pk)).content.decode()
    assert "Coaching asked for" not in page and "Coaching feedback given" not in page and "Ceo Tester" not in page
    assert "Coaching asked for" in client_for(org.manager.user).get(url("appraisal-review", review.pk)).content.decode()
