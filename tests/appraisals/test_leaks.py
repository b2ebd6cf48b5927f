"""
Leaks found by attacking the demo (issue 15), each replayed here the way the attacker did it:

1. a senior manager naming, over REST, a person outside their scope (and no manager) as coach of a manager, who
   would then read the manager's unshared drafts; the page, REST, the domain and the admin follow one rule
   (``coaching.coach_candidates``);
2. the reviewed person reading ``coaching_requested_at`` in their own review over REST (the page hides coaching);
3. a learner reading the list of every person named in a cycle.
"""

import pytest
from django.urls import reverse

from perf_mgmt_plugin.appraisals import coaching, reviews
from perf_mgmt_plugin.appraisals.errors import AppraisalError
from perf_mgmt_plugin.appraisals.models import CoachAssignment, Review
from tests.strategy.test_pages_forms import url as page_url

from . import builders
from .test_pages import client_for as page_client
from .test_rest_api import client_for as api
from .test_rest_api import url as rest

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")


def test_nobody_names_a_coach_outside_their_scope_on_any_entry_point(org, cycle, admin_client):
    # The seller (sales, reporting to the CEO) is outside the director's scope; made a manager so that only the scope
    # refuses them.
    builders.lead(org.seller)
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    reviews.save_manager_review(org.manager.user, review, summary="<p>unshared-draft</p>", items={})
    body = {"reviewer": org.manager.pk, "coach": org.seller.pk}

    # REST: a 400 with the same words as for a person who does not exist.
    director = api(org.director.user)
    refused = director.post(rest("appraisal-cycle-coaches", pk=cycle.pk), body, format="json")
    missing = director.post(rest("appraisal-cycle-coaches", pk=cycle.pk), {**body, "coach": 999999}, format="json")
    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json() == {"coach": [str(coaching.NOT_A_COACH)]}
    # The page: not on the list.
    page = page_client(org.director.user).post(
        page_url("appraisal-cycle-coaches", cycle.pk), {**body, "action": "assign"}, follow=True
    )
    assert "Choose the coach from the list." in page.content.decode()
    # The domain, called directly.
    with pytest.raises(AppraisalError):
        coaching.assign_coach(org.director.user, cycle, org.manager, org.seller)
    # The admin: coach assignments are read only, even for a superuser.
    assert admin_client.get(reverse("admin:perf_mgmt_coachassignment_add")).status_code == 403
    assert not CoachAssignment.objects.exists()
    assert api(org.seller.user).get(rest("appraisal-review", pk=review.pk)).status_code == 404

    # The same seller is in HR's scope: HR may name them; a non-manager stays refused even by HR.
    assert api(org.hr).post(rest("appraisal-cycle-coaches", pk=cycle.pk), body, format="json").status_code == 201
    bob_body = {**body, "coach": org.bob.pk}
    assert api(org.hr).post(rest("appraisal-cycle-coaches", pk=cycle.pk), bob_body, format="json").status_code == 400
    assert CoachAssignment.objects.get().coach == org.seller


def test_may_name_coach_is_the_page_list(org, cycle):
    builders.lead(org.seller)
    for user in (org.director.user, org.hr, org.hr_eng, org.manager.user, org.alice.user):
        offered = set(coaching.coach_candidates(user))
        everyone = [org.ceo, org.director, org.manager, org.alice, org.bob, org.seller]
        assert {person for person in everyone if coaching.may_name_coach(user, person)} == offered


def test_the_reviewed_person_never_sees_that_coaching_was_asked(org, cycle):
    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    reviews.request_coaching(org.manager.user, review)
    path = rest("appraisal-review", pk=review.pk)
    assert api(org.manager.user).get(path).json()["review"]["coaching_requested_at"] is not None
    mine = api(org.alice.user).get(path).json()
    assert mine["review"]["coaching_requested_at"] is None and mine["coaching"] is None and mine["coach"] is None


def test_a_learner_does_not_see_who_else_is_in_a_cycle(org, cycle):
    detail, listing = rest("appraisal-cycle", pk=cycle.pk), rest("appraisal-cycles")
    assert sorted(api(org.hr).get(detail).json()["people"]) == sorted([org.alice.pk, org.bob.pk])
    assert sorted(api(org.hr_eng).get(listing).json()["results"][0]["people"]) == sorted([org.alice.pk, org.bob.pk])
    for user in (org.alice.user, org.manager.user, org.director.user):
        assert api(user).get(detail).json()["people"] == []
        assert [row["people"] for row in api(user).get(listing).json()["results"]] == [[]]
