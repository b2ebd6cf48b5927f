"""
The blended domain outside the block: observed evidence under the current-level policy, the 70/20/10 mix of plans,
job aids (counted, access-checked downloads; on the plan item), the modules in an appraisal's evidence, retirement.
"""

import datetime

import pytest
from django.utils import timezone

from lms_host.courses.models import CourseEnrollment
from perf_mgmt_plugin import api
from perf_mgmt_plugin.blended import api as blended
from perf_mgmt_plugin.blended.models import GuideApplication, JobAid, JobAidDownload
from perf_mgmt_plugin.competencies import services as competencies
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap
from perf_mgmt_plugin.competencies.policy import Policy, Rating, current_level
from perf_mgmt_plugin.development import services as development
from tests.appraisals.conftest import cycle, kra_scale, template  # noqa: F401  (fixtures)
from tests.competencies.conftest import fw  # noqa: F401
from tests.strategy.conftest import strategy, today  # noqa: F401

pytestmark = pytest.mark.django_db


def guide(org, observe=True, level=4):
    return blended.Guide(
        course_key=org.course_key,
        usage_key="block-v1:DemoOrg+LT+2026+type@perf_mgmt_implementation_guide+block@g1",
        title="Coaching on the job",
        steps=(blended.Step("one", "Hold a 1:1", needs_observation=observe), blended.Step("two", "Follow up")),
        framework="leadership",
        competency_code="COACH",
        evidence_level=level,
    )


def test_observed_evidence_is_its_own_source_weighted_by_the_policy():
    now = timezone.now()
    ratings = [Rating(1, "self", 7, "", now, 1), Rating(4, "observed", 8, "", now, 2)]
    policy = Policy(manager_wins=True, recency_days=None, weights={"self": 1.0, "observed": 2.0})
    assert current_level(ratings, policy) == 3.0  # (1*1 + 4*2) / 3
    # It is not the manager's own rating: manager_wins does not make it the level.
    assert current_level(ratings, Policy(True, None, {"self": 1.0, "observed": 0.0})) == 1.0


def test_observation_moves_the_gap_with_the_self_assessment(org, fw):  # noqa: F811
    competencies.record_assessment(org.alice.user, org.alice, fw.coach, 1, Assessment.SELF)
    gap = CompetencyGap.objects.get(person=org.alice, competency=fw.coach)
    assert gap.gap == 2.0
    blended.apply_step(org.alice.user, guide(org), "one", reflection="Asked open questions")
    application = GuideApplication.objects.get()
    blended.observe(org.manager.user, application, confirmed=True, comment="Saw it")
    gap.refresh_from_db()
    # Default weights: self 1, observed 2 -> (1 + 2*4) / 3 = 3.0, the required level: the gap closes.
    assert (gap.current_level, gap.gap, gap.status) == (3.0, 0.0, CompetencyGap.CLOSED)


def test_only_the_learners_managers_observe(org, fw):  # noqa: F811
    blended.apply_step(org.alice.user, guide(org), "one", reflection="Done")
    application = GuideApplication.objects.get()
    for user in (org.alice.user, org.bob.user, org.hr, org.staff, org.seller.user):
        with pytest.raises(api.AccessDenied):
            blended.observe(user, application, confirmed=True)
    assert blended.get_application_for_observer(org.bob.user, application.pk) is None
    assert list(blended.observation_queue(org.bob.user)) == []
    assert list(blended.observation_queue(org.director.user)) == [application]  # a manager at any depth
    blended.observe(org.director.user, application, confirmed=True)
    with pytest.raises(blended.BlendedError):  # nothing awaits any more
        blended.observe(org.manager.user, application, confirmed=True)


def test_plan_mix_counts_guide_steps_as_on_the_job(org, fw):  # noqa: F811
    plan = development.create_plan(org.manager.user, org.alice)
    course = development.add_item(org.manager.user, plan, kind="course", title="Coaching", course_key=org.course_key)
    development.add_item(org.manager.user, plan, kind="coaching", title="Mentor")
    items = list(plan.items.all())
    mix = blended.plan_mix(org.alice, items)
    assert [(r["category"], r["count"], r["percent"]) for r in mix["rows"]] == [
        ("experience", 0, 0),
        ("exposure", 1, 50),
        ("education", 1, 50),
    ]
    blended.plan_step(org.alice.user, guide(org), "one", datetime.date(2026, 12, 10))
    blended.apply_step(org.alice.user, guide(org), "two", reflection="ok")
    mix = blended.plan_mix(org.alice, items)
    assert [(r["count"], r["percent"]) for r in mix["rows"]] == [(2, 50), (1, 25), (1, 25)]
    assert mix["guide_steps"] == 2 and course.course_key == org.course_key


def test_plan_pages_show_the_mix_and_the_job_aids(client, org, fw):  # noqa: F811
    plan = development.create_plan(org.manager.user, org.alice)
    development.add_item(org.manager.user, plan, kind="course", title="Coaching", course_key=org.course_key)
    aid = JobAid.objects.create(course_key=org.course_key, title="Coaching card", url="/asset-v1:x+type@asset+block@c")
    client.force_login(org.manager.user)
    page = client.get(f"/perf-mgmt/plans/{plan.pk}/").content.decode()
    assert 'data-testid="plan-mix"' in page
    assert f"/perf-mgmt/job-aids/{aid.pk}/download/" in page and "Coaching card" in page


def test_job_aid_downloads_are_counted_per_learner_and_checked(client, org):
    aid = JobAid.objects.create(course_key=org.course_key, title="Card", url="/asset-v1:x+type@asset+block@card.pdf")
    link = JobAid.objects.create(course_key=org.course_key, title="Link", url="javascript:alert(1)")
    url = f"/perf-mgmt/job-aids/{aid.pk}/download/"
    client.force_login(org.alice.user)
    assert client.get(url).status_code == 404  # not enrolled, not in a plan: as if it did not exist
    CourseEnrollment.objects.create(user=org.alice.user, course_id=org.course_key)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, aid.url)
    client.get(url)
    assert JobAidDownload.objects.get(user=org.alice.user).count == 2
    assert client.get(f"/perf-mgmt/job-aids/{link.pk}/download/").status_code == 404  # only / or https
    client.force_login(org.staff)
    assert client.get(url).status_code == 302
    assert blended.job_aid_downloads(org.staff, org.course_key) == {aid.pk: None, link.pk: None}  # below minimum


def test_the_review_shows_the_modules_of_the_period(client, org, fw, cycle):  # noqa: F811
    from perf_mgmt_plugin.appraisals.models import Review  # pylint: disable=import-outside-toplevel

    review = Review.objects.get(cycle=cycle, employee=org.alice)
    blended.apply_step(org.alice.user, guide(org), "one", reflection="I let them talk first")
    blended.observe(org.manager.user, GuideApplication.objects.get(), confirmed=True, comment="Good silence")
    client.force_login(org.manager.user)
    page = client.get(f"/perf-mgmt/reviews/{review.pk}/").content.decode()
    assert 'data-testid="module-evidence"' in page
    assert "I let them talk first" in page and "Good silence" in page
    assert "1 guide steps applied, 1 observed by the manager" in page


def test_retirement_removes_the_learners_applications_and_unlinks_the_observer(org, fw):  # noqa: F811
    blended.apply_step(org.alice.user, guide(org), "one", reflection="Mine")
    blended.apply_step(org.bob.user, guide(org), "one", reflection="Bob's")
    blended.observe(org.manager.user, GuideApplication.objects.get(person=org.bob), confirmed=True, comment="ok")
    api.retire_user(org.alice.user)
    api.retire_user(org.manager.user)
    assert list(GuideApplication.objects.values_list("person__user__username", "observer", "manager_comment")) == [
        ("bob", None, "")
    ]


def test_only_unrestricted_hr_admins_manage_job_aids_in_django_admin(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile  # pylint: disable=import-outside-toplevel

    for user in (org.hr, org.hr_eng, org.staff):
        user.is_staff = True
        user.save()
    aid = JobAid.objects.create(course_key=org.course_key, title="Card", url="/asset-v1:x")
    JobAidDownload.objects.create(job_aid=aid, user=org.alice.user, count=3)
    for user, status in ((org.hr_eng, 403), (org.staff, 403), (org.hr, 200)):
        client.force_login(user)
        assert client.get("/admin/perf_mgmt/jobaid/").status_code == status, user
    page = client.get("/admin/perf_mgmt/jobaid/").content.decode()
    assert "Card" in page
    add = "/admin/perf_mgmt/jobaid/add/"
    form = {"course_key": str(org.course_key), "title": "Both", "url": "/asset-v1:y", "order": 0, "active": "on"}
    response = client.post(add, {**form, "file": SimpleUploadedFile("card.txt", b"x")})
    assert response.status_code == 200 and not JobAid.objects.filter(title="Both").exists()  # a file or a link
    assert client.post(add, {**form, "url": "javascript:alert(1)"}).status_code == 200
    assert client.post(add, {**form, "title": "Link"}).status_code == 302
    assert JobAid.objects.filter(title="Link", url="/asset-v1:y").exists()
