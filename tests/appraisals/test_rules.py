"""
The appraisals permission matrix at domain level: who may open, write, coach, reopen and follow up alice's review;
``reviews_visible_to`` lists exactly the reviews ``view_review`` allows; a peer never sees another person's review
and a coach only the reviews of the manager they are assigned to.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals import coaching, reviews
from perf_mgmt_plugin.appraisals.models import Review
from perf_mgmt_plugin.core.access import AccessDenied, can
from perf_mgmt_plugin.org.models import AccessGrant
from tests import factories

from . import builders

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("cycle_once")

PERMS = (
    "view_review",
    "write_self_review",
    "write_manager_review",
    "coach_review",
    "reopen_review",
    "manage_follow_up",
)

#: user -> the permissions they hold on alice's review (every other one is denied).
MATRIX = {
    "alice": {"view_review", "write_self_review"},
    "bob": set(),
    "manager": {"view_review", "write_manager_review", "manage_follow_up"},
    "director": {"view_review", "write_manager_review", "reopen_review", "manage_follow_up"},
    "ceo": {"view_review", "write_manager_review", "reopen_review", "manage_follow_up"},
    "delegate": {"view_review", "write_manager_review", "manage_follow_up"},
    "coach": {"view_review", "coach_review"},
    "other_coach": set(),
    "hr": {"view_review", "reopen_review"},
    "hr_eng": {"view_review", "reopen_review"},
    "hr_sales": set(),
    "outsider": set(),
}


@pytest.fixture
def people(org, cycle):
    delegate = factories.make_user("delegate")
    AccessGrant.objects.create(grantee=delegate, subject=org.alice, ends_at=timezone.now() + timedelta(days=5))
    coach = builders.lead(factories.make_employee("coach", manager=org.ceo, org_unit=org.sales))
    other_coach = builders.lead(factories.make_employee("other_coach", manager=org.ceo, org_unit=org.sales))
    other_manager = factories.make_employee("other_manager", manager=org.director, org_unit=org.engineering)
    coaching.assign_coach(org.hr, cycle, org.manager, coach)
    coaching.assign_coach(org.hr, cycle, other_manager, other_coach)
    return {
        "alice": org.alice.user,
        "bob": org.bob.user,
        "manager": org.manager.user,
        "director": org.director.user,
        "ceo": org.ceo.user,
        "delegate": delegate,
        "coach": coach.user,
        "other_coach": other_coach.user,
        "hr": org.hr,
        "hr_eng": org.hr_eng,
        "hr_sales": factories.make_hr_admin("hr_sales", scope_units=[org.sales]),
        "outsider": org.outsider,
    }


def test_review_permission_matrix(org, cycle, people):
    review = Review.objects.select_related("employee", "manager", "cycle").get(cycle=cycle, employee=org.alice)
    for name, user in people.items():
        held = {perm for perm in PERMS if can(user, f"perf_mgmt.{perm}", review)}
        assert held == MATRIX[name], name


def test_lists_match_the_rule(org, cycle, people):
    all_reviews = list(Review.objects.select_related("employee", "manager", "cycle"))
    for name, user in people.items():
        listed = set(reviews.reviews_visible_to(user).values_list("pk", flat=True))
        allowed = {review.pk for review in all_reviews if can(user, "perf_mgmt.view_review", review)}
        assert listed == allowed, name
    # A peer sees only their own; a coach only the reviews of the manager they coach.
    assert set(reviews.reviews_visible_to(people["bob"])) == {Review.objects.get(employee=org.bob)}
    assert set(coaching.coached_reviews(people["coach"])) == set(Review.objects.filter(manager=org.manager))
    assert not coaching.coached_reviews(people["other_coach"]).exists()
    assert not reviews.reviews_visible_to(people["outsider"]).exists()


def test_person_level_permissions(org, people):
    assert can(org.director.user, "perf_mgmt.assign_coach", org.manager)
    assert can(org.hr_eng, "perf_mgmt.assign_coach", org.manager)
    for user in (org.manager.user, org.alice.user, people["hr_sales"], org.outsider):
        assert not can(user, "perf_mgmt.assign_coach", org.manager)
    for user in (org.alice.user, org.manager.user, org.director.user, people["delegate"]):
        assert can(user, "perf_mgmt.add_interim_note", org.alice)
    for user in (org.bob.user, org.hr, org.outsider, people["coach"]):
        assert not can(user, "perf_mgmt.add_interim_note", org.alice)


def test_no_object_permissions(org, people):
    assert can(org.hr, "perf_mgmt.manage_appraisals") and not can(org.hr_eng, "perf_mgmt.manage_appraisals")
    assert can(org.hr_eng, "perf_mgmt.view_appraisal_reports")
    for user in (org.manager.user, org.ceo.user, org.alice.user, org.outsider):
        assert not can(user, "perf_mgmt.manage_appraisals")
        assert not can(user, "perf_mgmt.view_appraisal_reports")


def test_coach_assignment_rules(org, cycle, people):
    with pytest.raises(AccessDenied):
        coaching.assign_coach(org.manager.user, cycle, org.manager, org.seller)
    from perf_mgmt_plugin.appraisals.errors import AppraisalError

    with pytest.raises(AppraisalError):  # alice is reviewed by the manager: she would read her own review
        coaching.assign_coach(org.director.user, cycle, org.manager, org.alice)
    with pytest.raises(AppraisalError):
        coaching.assign_coach(org.director.user, cycle, org.manager, org.manager)
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    assert coaching.remove_coach(org.director.user, cycle, org.manager)
    # Removing takes effect at once: the former coach no longer sees the review.
    assert not can(people["coach"], "perf_mgmt.view_review", review)
