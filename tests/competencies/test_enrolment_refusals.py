"""
What people see when the platform refuses an enrolment (issue 12, finding 6): "Assign to everyone here" on the gap
audit, assigning to one person, "Enrol" on a recommendation or a plan item -- on the pages and in REST. The platform's
rules are the host's imitation of its enrolment API (``lms_host.courses.enrollment``); the contract tests prove the
openedx backend meets the same refusals. A refusal says who and why, and nothing is half-written.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from lms_host.courses.enrollment import ENROLLMENT_STARTED, PreventEnrollment
from lms_host.courses.models import Course, CourseEnrollment
from perf_mgmt_plugin.competencies import recommendations
from perf_mgmt_plugin.competencies.models import CompetencyGap, CourseRecommendation
from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import PlanItem

from .test_recommendations import api_url, client_for, linked, recs  # noqa: F401  (linked: a fixture)

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fw_once"),
]

PAST = datetime(2020, 1, 1, tzinfo=UTC)


class PreventAll:
    """A ``CourseEnrollmentStarted`` step of the company's own (openedx-filters' shape)."""

    def run_filter(self, user, course_key, mode):  # pylint: disable=unused-argument
        raise PreventEnrollment("Ask the training team first.")


def close(course_key, **fields):
    Course.objects.filter(id=course_key).update(**(fields or {"enrollment_end": PAST}))


def nothing_written(org):
    assert not recs().exists()
    assert not PlanItem.objects.exists()
    assert not CourseEnrollment.objects.filter(course_id=org.course_key).exists()
    assert not CompetencyGap.objects.filter(status=CompetencyGap.IN_DEVELOPMENT).exists()


def test_rest_assign_to_everyone_here_refused_says_who_and_why(org, linked):  # noqa: F811
    close(org.course_key)
    body = {"kind": "assign", "competency": linked.coach.pk, "by": "org_unit", "row": org.platform.pk}
    response = client_for(org.hr).post(api_url("course-recommendations"), body, content_type="application/json")
    assert response.status_code == 400, response.content
    [message] = response.json()["course_keys"]
    assert "could not be enrolled" in message and f"enrolment in {org.course_key} is closed." in message
    assert message.endswith("Nothing was changed.")
    nothing_written(org)


def test_page_assign_to_everyone_here_refused_shows_the_reason(org, linked):  # noqa: F811
    close(org.course_key, invitation_only=True)
    client = client_for(org.hr)
    body = {"by": "org_unit", "row": org.platform.pk, "competency": linked.coach.pk, "kind": "assign"}
    response = client.post(reverse("perf_mgmt:gap-audit-cell-courses"), {**body, "course": str(org.course_key)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"{org.course_key} is by invitation only. Nothing was changed." in page
    nothing_written(org)


def test_page_assign_to_one_person_refused_by_a_filter(org, linked, settings):  # noqa: F811
    settings.OPEN_EDX_FILTERS_CONFIG = {ENROLLMENT_STARTED: {"pipeline": [f"{__name__}.PreventAll"]}}
    client = client_for(org.manager.user)
    url = reverse("perf_mgmt:person-competencies", kwargs={"pk": org.alice.pk})
    response = client.post(url, {"competency": linked.coach.pk, "course": str(org.course_key), "kind": "assign"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Alice Tester could not be enrolled" in page and "Ask the training team first." in page
    nothing_written(org)


def test_enrol_in_a_recommendation_refused_page_and_rest(org, linked):  # noqa: F811
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    leading = recs(person=org.bob, course_key=org.course_key).get()
    Course.objects.filter(id=org.course_key).update(max_student_enrollments_allowed=0)
    bob = client_for(org.bob.user)
    response = bob.post(reverse("perf_mgmt:respond-to-recommendation", kwargs={"pk": leading.pk}), {"action": "enrol"})
    page = bob.get(response["Location"]).content.decode()
    assert f"You could not be enrolled: {org.course_key} is full. Nothing was changed." in page
    rest = bob.post(
        api_url("course-recommendation-respond", pk=leading.pk), {"action": "enrol"}, content_type="application/json"
    )
    assert rest.status_code == 400 and "is full" in rest.content.decode()
    leading.refresh_from_db()
    assert leading.status == CourseRecommendation.OPEN
    assert not CourseEnrollment.objects.filter(user=org.bob.user).exists()


def test_enrol_in_a_plan_item_refused_page_and_rest(org, linked):  # noqa: F811
    plan = services.create_plan(org.manager.user, org.alice)
    item = services.add_item(org.manager.user, plan, kind="other", title="Shadow a coach")
    item.kind, item.course_key = "course", org.course_key  # a course item that was not enrolled yet
    item.save()
    close(org.course_key)
    alice = client_for(org.alice.user)
    response = alice.post(reverse("perf_mgmt:my-plan"), {"action": "enrol", "item": item.pk})
    page = alice.get(response["Location"]).content.decode()
    assert "You could not be enrolled: enrolment in" in page and "Nothing was changed." in page
    rest = alice.post(api_url("plan-item-enrol", pk=plan.pk, item_pk=item.pk), content_type="application/json")
    assert rest.status_code == 400 and "is closed" in rest.content.decode()
    item.refresh_from_db()
    assert not item.enrolled and item.status == PlanItem.APPROVED


def test_approving_items_refused_keeps_them_proposed(org, linked):  # noqa: F811
    plan = services.create_plan(org.manager.user, org.alice)
    item = services.add_item(org.alice.user, plan, kind="course", title="LT", course_key=org.course_key)
    assert item.status == PlanItem.PROPOSED
    close(org.course_key)
    with pytest.raises(services.DevelopmentError, match="Alice Tester could not be enrolled"):
        services.approve_items(org.manager.user, [item])
    item.refresh_from_db()
    assert item.status == PlanItem.PROPOSED and item.approved_by is None
