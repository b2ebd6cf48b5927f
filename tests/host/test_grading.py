"""
The host grades and certifies like the LMS: a knowledge check answered through its handler becomes a score, a
completion, a persisted course grade and the platform's events with openedx-events' own data classes; a video
completes when watched. The plugin's receivers are connected as in the LMS, so plan items follow these events.
"""

import json
import re

import pytest
from completion.models import BlockCompletion
from openedx_events.learning import signals
from openedx_events.learning.data import CertificateData, CoursePassingStatusData, PersistentCourseGradeData

from lms_host.courses import grading
from lms_host.courses.models import (
    Course,
    CourseEnrollment,
    GeneratedCertificate,
    PersistentCourseGrade,
    StudentScore,
)
from perf_mgmt_plugin.development import services
from perf_mgmt_plugin.development.models import PlanItem
from tests.competencies.conftest import fw  # noqa: F401

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "prompt": "Which question opens a coaching conversation?",
        "choices": ["Why did you fail?", "What happened?"],
        "answer": 1,
    },
    {"prompt": "Who finds the solution?", "choices": ["The coach", "The person coached"], "answer": 1},
]


def check_olx(weight=None, max_attempts=0, questions=QUESTIONS):
    weight_attr = f' weight="{weight}"' if weight is not None else ""
    return (
        f'<knowledge_check display_name="Check"{weight_attr} max_attempts="{max_attempts}" '
        f"questions='{json.dumps(questions)}'/>"
    )


VIDEO_OLX = (
    '<video display_name="Introduction" html5_sources=\'["host_courses/video/intro.webm"]\' '
    'transcripts=\'{"en": "host_courses/video/coaching.vtt"}\'/>'
)


#: The platform events the host sends, by the short name the tests use, with the keyword of their data.
EVENTS = {
    "grade": (signals.PERSISTENT_GRADE_SUMMARY_CHANGED, "grade"),
    "passing": (signals.COURSE_PASSING_STATUS_UPDATED, "course_passing_status"),
    "cert_changed": (signals.CERTIFICATE_CHANGED, "certificate"),
    "cert_created": (signals.CERTIFICATE_CREATED, "certificate"),
    "cert_revoked": (signals.CERTIFICATE_REVOKED, "certificate"),
}


@pytest.fixture
def events():
    """Every platform event the host sends during a test, in order, as (short name, data object)."""
    seen = []
    receivers = []
    for short, (signal, keyword) in EVENTS.items():

        def receiver(signal=None, sender=None, metadata=None, _short=short, _keyword=keyword, **kwargs):  # noqa: ARG001
            seen.append((_short, kwargs[_keyword]))

        signal.connect(receiver, weak=False)
        receivers.append((signal, receiver))
    yield seen
    for signal, receiver in receivers:
        signal.disconnect(receiver)


def handler_urls(client, course_key, handler):
    """The handler URLs of the course page's blocks with ``handler`` (as the JS runtime builds them), and the page."""
    page = client.get(f"/courses/{course_key}/").content.decode()
    block_type = "video" if handler == "publish_completion" else "knowledge_check"
    usages = sorted(set(re.findall(rf"data-usage=.(cb\d+\.{block_type}\.d\d+\.u\d+).", page)))
    return [f"/courses/{course_key}/xblock/{usage}/{handler}/" for usage in usages], page


def submit(client, url, answers):
    token = client.cookies["csrftoken"].value
    return client.post(
        url, data=json.dumps({"answers": answers}), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )


@pytest.fixture
def learner(org, enroll):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alice.user)
    enroll(org.alice.user)
    return client


def test_the_check_is_answered_in_the_course_and_graded_like_the_lms(org, add_block, learner, events):
    add_block(VIDEO_OLX, order=0)
    add_block(check_olx(), order=1)
    (url,), page = handler_urls(learner, org.course_key, "submit")
    assert '"answer"' not in page and "The person coached" in page  # choices shown, answers not

    response = submit(learner, url, {"q0": 0, "q1": 1})  # half right: 0.5, at the default pass mark 0.5
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["correct"] == {"q0": False, "q1": True} and body["earned"] == 1.0

    score = StudentScore.objects.get(user=org.alice.user)
    assert (score.raw_earned, score.raw_possible) == (1.0, 2.0)
    assert BlockCompletion.objects.filter(user=org.alice.user, block_type="knowledge_check", completion=1.0).exists()
    grade = PersistentCourseGrade.objects.get(user_id=org.alice.user.pk, course_id=org.course_key)
    assert grade.percent_grade == 0.5 and grade.letter_grade == "Pass" and grade.passed_timestamp is not None

    kinds = [kind for kind, _data in events]
    assert kinds == ["grade", "passing", "cert_changed"]
    grade_data, passing = events[0][1], events[1][1]
    assert isinstance(grade_data, PersistentCourseGradeData) and grade_data.percent_grade == 0.5
    assert grade_data.course.course_key == org.course_key and grade_data.passed_timestamp == grade.passed_timestamp
    assert isinstance(passing, CoursePassingStatusData) and passing.is_passing and passing.user.id == org.alice.user.pk
    # Audit learners earn no certificate: ``audit_passing`` (CERTIFICATE_CHANGED only, as the platform's save()).
    cert = events[2][1]
    assert isinstance(cert, CertificateData) and cert.current_status == "audit_passing" and cert.mode == "audit"


def test_a_certificate_earning_mode_gets_a_downloadable_certificate_then_notpassing(org, add_block, learner, events):
    CourseEnrollment.objects.filter(user=org.alice.user).update(mode="honor")
    add_block(check_olx())
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    submit(learner, url, {"q0": 1, "q1": 1})
    statuses = [(kind, data.current_status) for kind, data in events if kind.startswith("cert")]
    assert statuses == [("cert_changed", "downloadable"), ("cert_created", "downloadable")]
    cert = GeneratedCertificate.objects.get(user=org.alice.user)
    assert cert.status == "downloadable" and cert.grade == "1.0" and cert.download_url

    events.clear()
    submit(learner, url, {"q0": 0, "q1": 0})  # now failing: the certificate becomes notpassing and is revoked
    assert [(k, getattr(d, "current_status", getattr(d, "is_passing", None))) for k, d in events] == [
        ("grade", None),
        ("passing", False),
        ("cert_changed", "notpassing"),
        ("cert_revoked", "notpassing"),
    ]
    grade = PersistentCourseGrade.objects.get(user_id=org.alice.user.pk)
    assert grade.percent_grade == 0.0 and grade.letter_grade == "" and grade.passed_timestamp is not None  # kept


def test_weights_and_the_pass_mark_decide_the_grade(org, add_block, learner):
    Course.objects.filter(id=org.course_key).update(lowest_passing_grade="0.80")
    add_block(check_olx(weight=3), order=0)
    add_block(check_olx(weight=1, questions=QUESTIONS[:1]), order=1)
    heavy, light = handler_urls(learner, org.course_key, "submit")[0]
    submit(learner, light, {"q0": 1})  # 1 of 4 weighted points
    grade = PersistentCourseGrade.objects.get(user_id=org.alice.user.pk)
    assert grade.percent_grade == 0.25 and not grade.passed_timestamp
    submit(learner, heavy, {"q0": 1, "q1": 0})  # 1 + 1.5 of 4 = 0.63 (< 0.80)
    grade.refresh_from_db()
    assert grade.percent_grade == 0.63 and grade.letter_grade == ""
    submit(learner, heavy, {"q0": 1, "q1": 1})  # 4 of 4
    grade.refresh_from_db()
    assert grade.percent_grade == 1.0 and grade.letter_grade == "Pass"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"answers": {"q0": 1}}, 400),  # a question unanswered
        ({"answers": {"q0": 5, "q1": 1}}, 400),  # no such choice
        ({"answers": {"q0": True, "q1": 1}}, 400),
        ({"answers": ["q0"]}, 400),
        ({}, 400),
    ],
)
def test_hostile_answers_are_refused(org, add_block, learner, payload, status):
    add_block(check_olx())
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    token = learner.cookies["csrftoken"].value
    response = learner.post(url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == status
    assert not StudentScore.objects.exists() and not PersistentCourseGrade.objects.exists()


def test_attempts_run_out(org, add_block, learner):
    add_block(check_olx(max_attempts=1))
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    assert submit(learner, url, {"q0": 0, "q1": 0}).json()["attempts_left"] == 0
    assert submit(learner, url, {"q0": 1, "q1": 1}).status_code == 409
    assert PersistentCourseGrade.objects.get().percent_grade == 0.0


def test_a_course_without_a_pass_mark_persists_no_grade(org, add_block, learner, events):
    Course.objects.filter(id=org.course_key).update(lowest_passing_grade=None)
    add_block(check_olx())
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    assert submit(learner, url, {"q0": 1, "q1": 1}).status_code == 200
    assert StudentScore.objects.count() == 1 and not PersistentCourseGrade.objects.exists() and events == []


def test_course_staff_viewing_as_the_learner_score_nothing_for_them(org, add_block, enroll):
    from django.test import Client

    enroll(org.alice.user)
    add_block(check_olx())
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(org.staff)
    staff.get(f"/courses/{org.course_key}/")
    token = staff.cookies["csrftoken"].value
    staff.post(f"/courses/{org.course_key}/masquerade/", {"username": "alice"}, HTTP_X_CSRFTOKEN=token)
    (url,), _page = handler_urls(staff, org.course_key, "submit")
    assert submit(staff, url, {"q0": 1, "q1": 1}).status_code == 403
    assert not StudentScore.objects.exists()


def test_the_video_completes_when_watched(org, add_block, learner):
    add_block(VIDEO_OLX)
    (url,), page = handler_urls(learner, org.course_key, "publish_completion")
    assert "/static/host_courses/video/intro.webm" in page and 'kind="captions"' in page
    assert "open question" in page  # the transcript's text, readable without the clip
    token = learner.cookies["csrftoken"].value

    def post(payload):
        return learner.post(url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert post({"completion": 2}).status_code == 400
    assert post({"completion": "1"}).status_code == 400
    assert not BlockCompletion.objects.exists()
    assert post({"completion": 1.0}).status_code == 200
    completion = BlockCompletion.objects.get(user=org.alice.user)
    assert completion.block_type == "video" and completion.completion == 1.0
    assert "Watched." in learner.get(f"/courses/{org.course_key}/").content.decode()


def test_a_plan_item_completes_from_the_hosts_own_events(org, fw, add_block, learner):  # noqa: F811
    """No shortcut: the learner answers the check, the host's events move the plan item to completed."""
    plan = services.create_plan(org.manager.user, org.alice)
    item = services.add_item(
        org.manager.user, plan, kind="course", title="Leading Teams", course_key=org.course_key, competency=fw.coach
    )
    add_block(VIDEO_OLX, order=0)
    add_block(check_olx(), order=1)
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    submit(learner, url, {"q0": 0, "q1": 0})
    item.refresh_from_db()
    assert item.status != PlanItem.COMPLETED and item.grade_percent == 0.0 and item.blocks_completed == 1
    submit(learner, url, {"q0": 1, "q1": 1})
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED and item.achieved and item.progress == 100


def test_invalidating_a_certificate_revokes_it_and_reopens_the_item(org, fw, add_block, learner):  # noqa: F811
    CourseEnrollment.objects.filter(user=org.alice.user).update(mode="verified")
    plan = services.create_plan(org.manager.user, org.alice)
    item = services.add_item(
        org.manager.user, plan, kind="course", title="Leading Teams", course_key=org.course_key, competency=fw.coach
    )
    add_block(check_olx())
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    submit(learner, url, {"q0": 1, "q1": 1})
    item.refresh_from_db()
    assert item.status == PlanItem.COMPLETED
    grading.invalidate_certificate(org.alice.user, org.course_key)
    assert GeneratedCertificate.objects.get().status == "unavailable"
    item.refresh_from_db()
    assert item.status == PlanItem.IN_PROGRESS and not item.achieved


#: Every status of the platform's CertificateStatuses, and what it means for the plan item (None: nothing decided).
STATUS_OUTCOMES = {
    "downloadable": True,
    "generating": True,
    "audit_passing": True,
    "honor_passing": True,
    "notpassing": False,
    "audit_notpassing": False,
    "unavailable": False,
    "invalidated": False,
    "restricted": False,
    "unverified": False,
    "deleted": False,
    "deleting": False,
    "error": None,
    "requesting": None,
    "auditing": None,
}


def test_every_platform_certificate_status_is_known_here():
    statuses = {
        value
        for name, value in vars(grading.CertificateStatuses).items()
        if isinstance(value, str) and not name.startswith("_")
    }
    assert statuses == set(STATUS_OUTCOMES)


@pytest.mark.parametrize(("status", "passed"), sorted(STATUS_OUTCOMES.items()))
def test_each_certificate_status_saved_by_the_host_moves_the_item(org, fw, status, passed):  # noqa: F811
    """The host's certificate save sends CHANGED (and CREATED for passing statuses) with the real CertificateData."""
    plan = services.create_plan(org.manager.user, org.alice)
    item = services.add_item(
        org.manager.user, plan, kind="course", title="Leading Teams", course_key=org.course_key, competency=fw.coach
    )
    cert = GeneratedCertificate(user=org.alice.user, course_id=org.course_key, status=status, mode="honor", grade="0.9")
    grading.save_certificate(cert)
    item.refresh_from_db()
    if passed is None:
        assert item.status != PlanItem.COMPLETED and item.achieved_at is None
    else:
        assert item.achieved is passed and (item.status == PlanItem.COMPLETED) is passed


@pytest.mark.parametrize("passing", [True, False])
def test_the_passing_status_event_moves_the_item_both_ways(org, fw, add_block, learner, passing):  # noqa: F811
    plan = services.create_plan(org.manager.user, org.alice)
    item = services.add_item(
        org.manager.user, plan, kind="course", title="Leading Teams", course_key=org.course_key, competency=fw.coach
    )
    add_block(check_olx())
    (url,), _page = handler_urls(learner, org.course_key, "submit")
    submit(learner, url, {"q0": 1, "q1": 1})
    if not passing:  # then failing: COURSE_PASSING_STATUS_UPDATED(is_passing=False) newer than the pass reopens it
        submit(learner, url, {"q0": 0, "q1": 0})
    item.refresh_from_db()
    assert (item.status == PlanItem.COMPLETED) is passing
    assert PersistentCourseGrade.objects.get().passed_timestamp is not None  # ever passed, as the platform keeps it
