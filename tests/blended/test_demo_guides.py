"""The demo's blended modules get their guides and job aids, and learners part-way with observations waiting."""

import pytest
from django.contrib.auth import get_user_model

from lms_host import demo, demo_guides
from lms_host.courses.models import CourseBlock
from perf_mgmt_plugin.blended import api as blended
from perf_mgmt_plugin.blended.models import GuideApplication, JobAid

pytestmark = pytest.mark.django_db


def test_each_module_has_a_guide_of_four_to_six_steps_and_two_job_aids(client):
    demo.load_demo_data()
    demo.load_demo_data()  # idempotent
    for key in demo_guides.GUIDES:
        [guide] = CourseBlock.objects.filter(course_id=key, olx__contains="<perf_mgmt_implementation_guide")
        assert guide.order == demo_guides.GUIDE_ORDER
        steps = demo_guides.GUIDES[key][3]
        assert 4 <= len(steps) <= 6 and any(step["observe"] for step in steps)
        aids = JobAid.objects.filter(course_key=key)
        assert aids.count() == 2 and all(aid.file for aid in aids)
    # Priya (the demo's manager) has Alex's and Chen's steps waiting; Tomas (above them) Priya's conversation too.
    users = get_user_model().objects
    priya_queue = blended.observation_queue(users.get(username="priya"))
    assert {(a.person.user.username, a.step_id) for a in priya_queue} == {("alex", "estimate"), ("chen", "agree")}
    tomas_queue = blended.observation_queue(users.get(username="tomas"))
    assert {a.person.user.username for a in tomas_queue} == {"alex", "chen", "priya"}
    assert [a.step_id for a in blended.observation_queue(users.get(username="amara"))] == ["praise"]
    assert GuideApplication.objects.filter(status="planned").count() == 2
    # Alex opens his module: the guide shows his progress and the job aids download (counted).
    client.force_login(users.get(username="alex"))
    page = client.get("/courses/course-v1:Northwind+PLAN101+2026/").content.decode()
    assert 'data-testid="implementation-guide"' in page and "2 of 4 steps done" not in page
    assert "1 of 4 steps done" in page  # breakdown done; estimate waits for Priya's observation
    aid = JobAid.objects.filter(course_key="course-v1:Northwind+PLAN101+2026").first()
    response = client.get(f"/perf-mgmt/job-aids/{aid.pk}/download/")
    assert response.status_code == 200 and b"Deliverable" in b"".join(response.streaming_content)


def test_the_readme_loop_observation_closes_chens_gap_and_reaches_the_review():
    from perf_mgmt_plugin.appraisals import evidence  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.appraisals.models import Review  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.competencies.models import CompetencyGap  # pylint: disable=import-outside-toplevel

    demo.load_demo_data()
    users = get_user_model().objects
    chen = users.get(username="chen")
    waiting = blended.observation_queue(users.get(username="priya")).get(person__user=chen)
    gap = CompetencyGap.objects.get(person__user=chen, competency__code="STAKE")
    assert gap.gap > 0
    blended.observe(users.get(username="priya"), waiting, confirmed=True, comment="Clear agreement with billing")
    gap.refresh_from_db()
    assert (gap.gap, gap.status) == (0.0, CompetencyGap.CLOSED)
    review = Review.objects.filter(employee__user=chen).order_by("-cycle__end").select_related("cycle").first()
    modules = evidence.evidence_for(review).modules
    assert any(m.steps_observed == 1 and m.reflections for m in modules)
