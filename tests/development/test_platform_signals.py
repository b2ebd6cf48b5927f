"""
What the platform's signals mean, and receivers that never raise into the platform (issue 12, findings 5 and 7).

Checked against openedx-platform: ``lms/djangoapps/certificates/models.py`` (``GeneratedCertificate.save`` sends
CERTIFICATE_CHANGED on every save and CERTIFICATE_CREATED on every save in a passing status, ``generating`` or
``downloadable``), ``lms/djangoapps/certificates/data.py`` (``CertificateStatuses``), the grades app
(``passed_timestamp`` is set the first time the learner passes and kept after), the v2 XBlock runtime (its
BlockCompletions carry a content library's ``lib:`` context key) and openedx-events (CCX_COURSE_PASSING_STATUS_UPDATED
with a CcxCourseData course).
"""

import io
import uuid

import pytest
from ccx_keys.locator import CCXLocator
from completion.models import BlockCompletion
from django.core.management import call_command
from django.utils import timezone
from opaque_keys.edx.locator import LibraryLocatorV2, LibraryUsageLocatorV2
from openedx_events.data import EventsMetadata
from openedx_events.learning import signals
from openedx_events.learning.data import CcxCourseData, CcxCoursePassingStatusData

from perf_mgmt_plugin import handlers
from perf_mgmt_plugin.development import api as development_api
from perf_mgmt_plugin.development import progress, services
from perf_mgmt_plugin.development.models import PlanItem, ProcessedEvent, UnmatchedEvent

from .conftest import minutes_ago, user_data


@pytest.fixture
def item(org, linked):
    plan = services.create_plan(org.manager.user, org.alice)
    return services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)


def _state(item):
    item.refresh_from_db()
    return item.status, item.achieved


# --- certificate statuses ------------------------------------------------------------------------------------------

CERTIFICATE_CASES = [
    # status, CERTIFICATE_CHANGED's meaning for the item (True: passed, False: not / no longer, None: nothing)
    ("downloadable", True),
    ("generating", True),  # is_passing_status: the learner passed, the PDF is on its way
    ("audit_passing", True),
    ("honor_passing", True),
    ("unavailable", False),
    ("invalidated", False),
    ("notpassing", False),
    ("audit_notpassing", False),
    ("restricted", False),
    ("unverified", False),
    ("deleted", False),
    ("deleting", False),
    ("error", None),  # generating the PDF failed: says nothing about passing
    ("requesting", None),
    ("auditing", None),
    ("revoked", None),  # not a CertificateStatuses value: decides nothing
    ("some_future_status", None),
]


@pytest.mark.parametrize("status, meaning", CERTIFICATE_CASES)
def test_each_certificate_status_after_a_pass(org, item, lms, status, meaning):
    lms.passing(org.alice.user, org.course_key, when=minutes_ago(10))
    assert _state(item) == (PlanItem.COMPLETED, True)
    lms.certificate(org.alice.user, org.course_key, signal=signals.CERTIFICATE_CHANGED, status=status)
    if meaning is False:
        assert _state(item) == (PlanItem.IN_PROGRESS, False)  # no longer passed: reopened
    else:
        assert _state(item) == (PlanItem.COMPLETED, True)


@pytest.mark.parametrize("status, meaning", CERTIFICATE_CASES)
def test_each_certificate_status_before_any_pass(org, item, lms, status, meaning):
    before = _state(item)
    assert before == (PlanItem.IN_PROGRESS, False)  # assigned, so enrolled
    lms.certificate(org.alice.user, org.course_key, signal=signals.CERTIFICATE_CHANGED, status=status)
    assert _state(item) == ((PlanItem.COMPLETED, True) if meaning else before)
    applied = ProcessedEvent.objects.filter(event_type=signals.CERTIFICATE_CHANGED.event_type).exists()
    assert applied is (meaning is not None)


@pytest.mark.parametrize("status", ["generating", "downloadable"])
def test_certificate_created_fires_on_every_passing_save(org, item, lms, status):
    """CERTIFICATE_CREATED comes with each save in generating/downloadable; repeating it changes nothing more."""
    for _ in range(3):
        lms.certificate(org.alice.user, org.course_key, status=status)
    assert _state(item) == (PlanItem.COMPLETED, True)
    certificates = ProcessedEvent.objects.filter(event_type=signals.CERTIFICATE_CREATED.event_type)
    assert certificates.count() == 3  # three events, each applied once


def test_revoked_signal_means_not_certified_whatever_the_status(org, item, lms):
    lms.certificate(org.alice.user, org.course_key, when=minutes_ago(5))
    lms.certificate(org.alice.user, org.course_key, signal=signals.CERTIFICATE_REVOKED, status="notpassing")
    assert _state(item) == (PlanItem.IN_PROGRESS, False)


# --- grades: passed_timestamp is "ever passed" -----------------------------------------------------------------------


def test_passed_timestamp_is_ever_passed_not_passing_now(org, item, lms):
    """
    The learner passed 30 minutes ago, the certificate was invalidated 10 minutes ago; a grade change now still
    carries the old ``passed_timestamp``: it must not complete the item again.
    """
    passed_at = minutes_ago(30)
    lms.grade(org.alice.user, org.course_key, 0.9, passed_at=passed_at, when=passed_at)
    assert _state(item) == (PlanItem.COMPLETED, True)
    lms.certificate(
        org.alice.user, org.course_key, status="invalidated", signal=signals.CERTIFICATE_CHANGED, when=minutes_ago(10)
    )
    assert _state(item) == (PlanItem.IN_PROGRESS, False)
    lms.grade(org.alice.user, org.course_key, 0.95, passed_at=passed_at)  # regraded, still "ever passed"
    assert _state(item) == (PlanItem.IN_PROGRESS, False)
    item.refresh_from_db()
    assert item.grade_percent == 0.95


def test_a_late_grade_event_completes_with_the_time_it_was_passed(org, item, lms):
    lms.grade(org.alice.user, org.course_key, 0.8, passed_at=minutes_ago(20))
    item.refresh_from_db()
    assert item.achieved and abs((item.achieved_at - minutes_ago(20)).total_seconds()) < 5


def test_a_grade_never_passed_does_not_complete(org, item, lms):
    lms.grade(org.alice.user, org.course_key, 0.4)
    assert _state(item) == (PlanItem.IN_PROGRESS, False)


def test_an_unmatched_grade_is_kept_with_its_pass_time_and_replayed(org, linked, lms):
    lms.grade(org.bob.user, org.course_key, 0.9, passed_at=minutes_ago(30))
    kept = UnmatchedEvent.objects.get()
    assert kept.payload["value"][0] == 0.9 and isinstance(kept.payload["value"][1], str)
    plan = services.create_plan(org.manager.user, org.bob)
    new = services.add_item(org.manager.user, plan, kind="course", title="LT", course_key=org.course_key)
    new.refresh_from_db()
    assert new.achieved and abs((new.achieved_at - minutes_ago(30)).total_seconds()) < 5


# --- CCX -----------------------------------------------------------------------------------------------------------


def test_ccx_passing_status_counts_for_the_master_course(org, item, lms):
    ccx_key = CCXLocator.from_course_locator(org.course_key, "7")
    data = CcxCoursePassingStatusData(
        is_passing=True,
        course=CcxCourseData(ccx_course_key=ccx_key, master_course_key=org.course_key, display_name="LT for Acme"),
        user=user_data(org.alice.user),
    )
    signals.CCX_COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)
    assert _state(item) == (PlanItem.COMPLETED, True)


def test_the_ccx_signal_is_subscribed():
    from perf_mgmt_plugin.apps import LEARNING_RECEIVERS

    paths = {(r["receiver_func_name"], r["signal_path"].rsplit(".", 1)[-1]) for r in LEARNING_RECEIVERS}
    assert ("on_course_passing_status", "CCX_COURSE_PASSING_STATUS_UPDATED") in paths
    assert signals.CCX_COURSE_PASSING_STATUS_UPDATED.receivers  # connected in the host, as in the LMS


# --- receivers never raise into the platform ---------------------------------------------------------------------


def test_a_library_block_completion_is_ignored(org, item):
    """The v2 XBlock runtime saves BlockCompletions with a content library's context key: not a course."""
    library = LibraryLocatorV2.from_string("lib:DemoOrg:skills")
    usage = LibraryUsageLocatorV2(library, "problem", "p1")
    completion, _created = BlockCompletion.objects.submit_completion(org.alice.user, usage, 1.0)  # no raise
    assert completion.context_key == library
    assert handlers.on_block_completion_saved(BlockCompletion, completion) is None
    assert not UnmatchedEvent.objects.exists()
    assert _state(item) == (PlanItem.IN_PROGRESS, False)


def test_events_about_a_library_are_ignored(org, item, lms):
    library = LibraryLocatorV2.from_string("lib:DemoOrg:skills")
    before = ProcessedEvent.objects.count()  # the assignment's own enrolment event came back
    lms.passing(org.alice.user, library)
    lms.enroll(org.alice.user, str(library))
    assert ProcessedEvent.objects.count() == before and not UnmatchedEvent.objects.exists()


@pytest.fixture
def broken_apply(monkeypatch):
    """Our side fails (a bug, a lock timeout...) for the next calls: the worker's batch, then its pair alone."""
    state = {"left": 2}

    def wrap(real):
        def failing(*args, **kwargs):
            if state["left"]:
                state["left"] -= 1
                raise RuntimeError("lock wait timeout")
            return real(*args, **kwargs)

        return failing

    monkeypatch.setattr(progress, "apply_pending", wrap(progress.apply_pending))  # the worker's side (ADR 0021)
    return state


def test_a_failing_event_receiver_does_not_raise_and_the_event_is_replayed(org, item, lms, broken_apply):
    event_id = uuid.uuid1()
    lms.passing(org.alice.user, org.course_key, event_id=event_id)  # send_robust=False: a raise would fail here
    assert _state(item) == (PlanItem.IN_PROGRESS, False)
    kept = UnmatchedEvent.objects.get()
    assert kept.event_id == str(event_id) and kept.error == "lock wait timeout"
    assert kept.payload == {"fact": "achievement", "value": True}
    assert not progress.catch_up([item])  # a failure is not an ordinary unmatched event
    out = io.StringIO()
    call_command("replay_failed_lms_events", stdout=out)
    assert "1 replayed, 0 still failing" in out.getvalue()
    assert _state(item) == (PlanItem.COMPLETED, True)
    assert not UnmatchedEvent.objects.exists()
    assert ProcessedEvent.objects.filter(event_id=str(event_id)).exists()


def test_a_failing_block_completion_receiver_does_not_stop_the_save(org, item, lms, broken_apply):
    lms.complete_block(org.alice.user, org.course_key, 0)  # the platform's save goes through
    assert BlockCompletion.objects.filter(user=org.alice.user).count() == 1
    kept = UnmatchedEvent.objects.get()
    assert kept.event_type == progress.BLOCK_COMPLETION_EVENT and kept.course_key == org.course_key
    assert api_replay() == (1, 0)
    item.refresh_from_db()
    assert item.blocks_completed == 1 and item.status == PlanItem.IN_PROGRESS


def test_a_replay_that_fails_again_keeps_the_event(org, item, lms, broken_apply):
    broken_apply["left"] = 3  # the worker's two tries, then the first replay
    lms.passing(org.alice.user, org.course_key)
    assert api_replay() == (0, 1)
    assert UnmatchedEvent.objects.get().error == "lock wait timeout"
    assert api_replay() == (1, 0)
    assert _state(item) == (PlanItem.COMPLETED, True)


def test_a_receiver_that_cannot_even_keep_the_event_still_does_not_raise(org, item, lms, broken_apply, monkeypatch):
    def no_database(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(development_api, "keep_failed_event", no_database)  # the receivers go through the api
    metadata = EventsMetadata(event_type=signals.COURSE_PASSING_STATUS_UPDATED.event_type, time=timezone.now())
    data = type(
        "D",
        (),
        {
            "is_passing": True,
            "course": type("C", (), {"course_key": org.course_key})(),
            "user": user_data(org.alice.user),
        },
    )()
    assert handlers.on_course_passing_status(None, course_passing_status=data, metadata=metadata) is None


def api_replay():
    from perf_mgmt_plugin import api

    return api.replay_failed_platform_events()


def test_the_plugins_own_enrolment_event_comes_back_harmlessly(org, linked):
    """
    Enrolling through the platform sends COURSE_ENROLLMENT_CREATED in the same request, into this plugin's receiver:
    applied once, nothing left unmatched, the item enrolled once.
    """
    from perf_mgmt_plugin.competencies import recommendations

    recommendations.act_on_person(org.manager.user, org.alice, "assign", competency=linked.coach)
    enrolment_events = ProcessedEvent.objects.filter(event_type=signals.COURSE_ENROLLMENT_CREATED.event_type)
    assert enrolment_events.count() == 1
    assert not UnmatchedEvent.objects.filter(resolved_at__isnull=True).exists()
    item = PlanItem.objects.get(owner=org.alice)
    assert item.enrolled and item.status == PlanItem.IN_PROGRESS
