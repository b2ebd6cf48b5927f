"""A framework, a linked course with content blocks, and helpers to send the real LMS events."""

import datetime
import uuid

import pytest
from completion.models import BlockCompletion
from django.utils import timezone
from openedx_events.data import EventsMetadata
from openedx_events.learning import signals
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)

from lms_host.courses.models import CourseBlock
from perf_mgmt_plugin.competencies import services as competency_services

BLOCKS = 4


@pytest.fixture
def linked(org, fw):  # noqa: F811
    """
    Leading Teams (4 blocks) develops COACH to 4. Alice rated herself COACH 2 (Developers need 3). (A manager rating
    would win over course evidence under the default policy, so the gap would not move.)
    """
    competency_services.set_course_link(org.course_key, fw.coach, 4)
    competency_services.record_assessment(org.alice.user, org.alice, fw.coach, 2, "self")
    for n in range(BLOCKS):
        CourseBlock.objects.create(course_id=org.course_key, order=n, display_name=f"Unit {n}", olx="<html/>")
    return fw


def user_data(user):
    return UserData(
        id=user.pk, is_active=True, pii=UserPersonalData(username=user.username, email=user.email, name=user.username)
    )


def course_data(key):
    return CourseData(course_key=key, display_name="Leading Teams")


class Lms:
    """Sends the real openedx-events signals (fresh metadata each, or a given id/time) and writes BlockCompletions."""

    @staticmethod
    def _send(signal, when=None, event_id=None, **data):
        metadata = EventsMetadata(
            event_type=signal.event_type, id=event_id or uuid.uuid1(), time=when or timezone.now()
        )
        # Custom metadata is how the event bus redelivers an event (same id); send_robust=False makes a failing
        # receiver fail the test instead of being logged.
        return signal.send_event_with_custom_metadata(metadata, send_robust=False, **data)

    def enroll(self, user, key, active=True, **kw):
        signal = signals.COURSE_ENROLLMENT_CREATED if active else signals.COURSE_ENROLLMENT_CHANGED
        data = CourseEnrollmentData(
            user=user_data(user), course=course_data(key), mode="audit", is_active=active, creation_date=timezone.now()
        )
        return self._send(signal, enrollment=data, **kw)

    def passing(self, user, key, is_passing=True, **kw):
        data = CoursePassingStatusData(is_passing=is_passing, course=course_data(key), user=user_data(user))
        return self._send(signals.COURSE_PASSING_STATUS_UPDATED, course_passing_status=data, **kw)

    def certificate(self, user, key, revoked=False, status=None, signal=None, **kw):
        """CERTIFICATE_CREATED (downloadable) or CERTIFICATE_REVOKED (unavailable), or ``signal`` with ``status``."""
        signal = signal or (signals.CERTIFICATE_REVOKED if revoked else signals.CERTIFICATE_CREATED)
        data = CertificateData(
            user=user_data(user),
            course=course_data(key),
            mode="audit",
            grade="0.9",
            download_url="",
            name="",
            current_status=status or ("unavailable" if revoked else "downloadable"),
        )
        return self._send(signal, certificate=data, **kw)

    def grade(self, user, key, percent, passed=False, passed_at=None, **kw):
        data = PersistentCourseGradeData(
            user_id=user.pk,
            course=course_data(key),
            course_edited_timestamp=timezone.now(),
            course_version="v1",
            grading_policy_hash="h",
            percent_grade=percent,
            letter_grade="Pass" if passed else "",
            passed_timestamp=passed_at or (timezone.now() if passed else None),
        )
        return self._send(signals.PERSISTENT_GRADE_SUMMARY_CHANGED, grade=data, **kw)

    def complete_block(self, user, key, n, completion=1.0):
        usage_key = key.make_usage_key("html", f"unit{n}")
        return BlockCompletion.objects.submit_completion(user, usage_key, completion)


@pytest.fixture
def lms():
    return Lms()


def minutes_ago(n):
    return timezone.now() - datetime.timedelta(minutes=n)
