"""
The host's grades and certificates, shaped like the LMS's so that the plugin meets the same events here.

Read in openedx-platform (not copied):

* ``lms/djangoapps/grades/course_grade_factory.py`` (``_update``): a learner's course grade is recomputed after a
  score changes; ``PersistentCourseGrade.update_or_create`` stores it (``passed_timestamp`` is stamped the first time
  the learner passes and never cleared) and sends ``PERSISTENT_GRADE_SUMMARY_CHANGED``; then ``COURSE_GRADE_NOW_PASSED``
  or ``COURSE_GRADE_NOW_FAILED``, whose receivers send ``COURSE_PASSING_STATUS_UPDATED`` (``grades/events.py``:
  on every update, not only on a change) and generate or revoke the certificate (``certificates/signals.py``).
* ``lms/djangoapps/certificates/models.py``: every ``GeneratedCertificate.save()`` sends ``CERTIFICATE_CHANGED``, and
  ``CERTIFICATE_CREATED`` too when the status is a passing one (``downloadable``, ``generating``);
  ``_revoke_certificate`` (``invalidate`` -> ``unavailable``, ``mark_notpassing`` -> ``notpassing``) saves and sends
  ``CERTIFICATE_REVOKED``. Learners in a mode that earns no certificate (audit) get ``audit_passing`` /
  ``audit_notpassing`` rather than a certificate.
* edx-completion's ``scorable_block_completion``: a scored block is complete once it has a score, right or wrong.

The grading policy is the host's simplification of the LMS's (one assignment type, no drops): the course grade is
the weighted points earned over the weighted points of every scored block of the course, rounded to two decimals
as the LMS rounds ``percent``; the course passes at ``Course.lowest_passing_grade`` (the LMS's lowest grade cutoff).
Every event is sent with openedx-events' own data classes, synchronously, as the platform sends them.
"""

import hashlib
import json
import logging
from decimal import ROUND_HALF_UP, Decimal

from completion import waffle as completion_waffle
from completion.models import BlockCompletion
from django.db import transaction
from django.utils import timezone
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import (
    CERTIFICATE_CHANGED,
    CERTIFICATE_CREATED,
    CERTIFICATE_REVOKED,
    COURSE_PASSING_STATUS_UPDATED,
    PERSISTENT_GRADE_SUMMARY_CHANGED,
)

from .models import (
    Course,
    CourseBlock,
    CourseEnrollment,
    GeneratedCertificate,
    PersistentCourseGrade,
    StudentScore,
    UserProfile,
)

log = logging.getLogger(__name__)


class CertificateStatuses:
    """The platform's certificate statuses (``lms/djangoapps/certificates/data.py``), the values of ``status``."""

    deleted = "deleted"
    deleting = "deleting"
    downloadable = "downloadable"
    error = "error"
    generating = "generating"
    notpassing = "notpassing"
    restricted = "restricted"
    unavailable = "unavailable"
    auditing = "auditing"
    audit_passing = "audit_passing"
    audit_notpassing = "audit_notpassing"
    honor_passing = "honor_passing"
    unverified = "unverified"
    invalidated = "invalidated"
    requesting = "requesting"

    PASSING_STATUSES = (downloadable, generating)

    @classmethod
    def is_passing_status(cls, status):
        return status in cls.PASSING_STATUSES


#: Enrolment modes that earn a certificate (``CourseMode.is_eligible_for_certificate``: all but audit).
NON_CERTIFICATE_MODES = frozenset({"audit"})
PASS_LETTER = "Pass"


def _round_percent(value):
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def scorable_blocks(course_key):
    """
    ``{usage key text: weighted points possible}`` of every scored block of the course (the LMS collects the same
    from its block structure): a block with ``has_score``, its ``weight`` when set, else its ``max_score()``.
    """
    from lms_host import xblock_runtime  # pylint: disable=import-outside-toplevel  (the runtime imports our models)

    runtime = xblock_runtime.HostRuntime(course_key)
    found = {}
    pending = [xblock_runtime.ensure_parsed(cb) for cb in CourseBlock.objects.filter(course_id=course_key)]
    while pending:
        block = runtime.get_block(pending.pop())
        if getattr(block, "has_score", False):
            weight = getattr(block, "weight", None)
            found[str(block.scope_ids.usage_id.usage_key)] = float(block.max_score() if weight is None else weight)
        pending.extend(getattr(block, "children", None) or [])
    return found


def grading_policy(course):
    """The course's grading policy in the LMS's shape, and its hash (``grading_policy_hash``)."""
    cutoff = course.lowest_passing_grade
    policy = {
        "GRADER": [{"type": "Knowledge check", "short_label": "KC", "weight": 1.0, "min_count": 0, "drop_count": 0}],
        "GRADE_CUTOFFS": {PASS_LETTER: float(cutoff)} if cutoff is not None else {},
    }
    digest = hashlib.sha1(json.dumps(policy, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
    return policy, digest


def user_data(user):
    """The platform's ``UserData`` for ``user`` (the name is the profile's, as the certificates app sends it)."""
    profile = UserProfile.objects.filter(user=user).first()
    name = profile.name if profile is not None else (user.get_full_name() or user.username)
    return UserData(
        id=user.pk,
        is_active=user.is_active,
        pii=UserPersonalData(username=user.username, email=user.email, name=name),
    )


@transaction.atomic
def score_published(user, usage_key, raw_earned, raw_possible, weight=None):
    """
    A scored block published a ``grade`` event for ``user`` (the LMS's ``handle_grade_event``): the score is kept,
    the block counts as completed, and the course grade is recomputed (events included). Returns the course grade.
    """
    course_key = usage_key.course_key
    StudentScore.objects.update_or_create(
        user=user,
        course_id=course_key,
        usage_key=str(usage_key),
        defaults={"raw_earned": float(raw_earned), "raw_possible": float(raw_possible), "weight": weight},
    )
    if completion_waffle.ENABLE_COMPLETION_TRACKING_SWITCH.is_enabled():
        BlockCompletion.objects.submit_completion(user, usage_key, 1.0)
    return update_course_grade(user, course_key)


@transaction.atomic
def update_course_grade(user, course_key):
    """
    Recompute and persist ``user``'s grade in ``course_key``, then send what the platform sends after a grade update:
    PERSISTENT_GRADE_SUMMARY_CHANGED, COURSE_PASSING_STATUS_UPDATED, and the certificate's events when its status
    changes. ``None`` for a course without a pass mark or scored blocks (nothing to grade, as the LMS persists no
    grade before a first attempt).
    """
    course = Course.objects.filter(id=course_key).first()
    possible_of = scorable_blocks(course_key) if course is not None else {}
    total = sum(possible_of.values())
    if course is None or course.lowest_passing_grade is None or not total:
        return None
    earned = sum(
        score.weighted[0]
        for score in StudentScore.objects.filter(user=user, course_id=course_key, usage_key__in=list(possible_of))
    )
    percent = _round_percent(earned / total)
    passed = percent >= float(course.lowest_passing_grade)
    _policy, policy_hash = grading_policy(course)
    now = timezone.now()
    grade, _created = PersistentCourseGrade.objects.select_for_update().get_or_create(
        user_id=user.pk, course_id=course_key, defaults={"percent_grade": percent, "grading_policy_hash": policy_hash}
    )
    grade.percent_grade, grade.grading_policy_hash = percent, policy_hash
    grade.letter_grade = PASS_LETTER if passed else ""
    grade.course_version = _course_version(course_key)
    grade.course_edited_timestamp = grade.course_edited_timestamp or now
    if passed and grade.passed_timestamp is None:
        grade.passed_timestamp = now
    grade.save()
    course_data = CourseData(course_key=course_key, display_name=course.display_name)
    PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(
        grade=PersistentCourseGradeData(
            user_id=user.pk,
            course=course_data,
            course_edited_timestamp=grade.course_edited_timestamp,
            course_version=grade.course_version,
            grading_policy_hash=grade.grading_policy_hash,
            percent_grade=grade.percent_grade,
            letter_grade=grade.letter_grade,
            passed_timestamp=grade.passed_timestamp,
        )
    )
    COURSE_PASSING_STATUS_UPDATED.send_event(
        course_passing_status=CoursePassingStatusData(is_passing=passed, course=course_data, user=user_data(user))
    )
    if passed:
        generate_certificate(user, course_key, grade=percent)
    else:
        mark_notpassing(user, course_key, grade=percent)
    return grade


def _course_version(course_key):
    digests = CourseBlock.objects.filter(course_id=course_key).order_by("pk").values_list("olx_digest", flat=True)
    return hashlib.sha1("".join(digests).encode(), usedforsecurity=False).hexdigest()[:24]


def _enrollment_mode(user, course_key):
    return (
        CourseEnrollment.objects.filter(user=user, course_id=course_key).values_list("mode", flat=True).first()
        or "audit"
    )


def generate_certificate(user, course_key, grade):
    """
    A passing learner's certificate (``generate_certificate_task``): ``downloadable`` in a certificate-earning mode,
    ``audit_passing`` in audit. A certificate already in that status is left alone (no new events).
    """
    mode = _enrollment_mode(user, course_key)
    status = CertificateStatuses.audit_passing if mode in NON_CERTIFICATE_MODES else CertificateStatuses.downloadable
    cert = GeneratedCertificate.objects.select_for_update().filter(user=user, course_id=course_key).first()
    if cert is not None and cert.status == status:
        return cert
    cert = cert or GeneratedCertificate(user=user, course_id=course_key)
    cert.status, cert.mode, cert.grade = status, mode, str(grade)
    cert.name = user_data(user).pii.name
    cert.download_url = f"/certificates/{course_key}/{user.pk}/" if status == CertificateStatuses.downloadable else ""
    save_certificate(cert)
    return cert


def mark_notpassing(user, course_key, grade):
    """
    A learner no longer passing loses a passing certificate (``_listen_for_failing_grade`` -> ``mark_notpassing``):
    the certificate becomes ``notpassing`` and is revoked. Without a passing certificate nothing happens.
    """
    cert = GeneratedCertificate.objects.select_for_update().filter(user=user, course_id=course_key).first()
    if cert is None or not CertificateStatuses.is_passing_status(cert.status):
        return cert
    revoke_certificate(cert, CertificateStatuses.notpassing, grade=str(grade))
    return cert


def invalidate_certificate(user, course_key):
    """Course staff invalidate a certificate (``GeneratedCertificate.invalidate``): ``unavailable``, revoked."""
    cert = GeneratedCertificate.objects.select_for_update().filter(user=user, course_id=course_key).first()
    if cert is not None:
        revoke_certificate(cert, CertificateStatuses.unavailable, grade="")
    return cert


def revoke_certificate(cert, status, grade=""):
    """``GeneratedCertificate._revoke_certificate``: saved (CERTIFICATE_CHANGED), then CERTIFICATE_REVOKED."""
    cert.status, cert.grade, cert.download_url = status, grade, ""
    save_certificate(cert)
    CERTIFICATE_REVOKED.send_event(certificate=certificate_data(cert))


def save_certificate(cert):
    """``GeneratedCertificate.save()``: CERTIFICATE_CHANGED on every save, CERTIFICATE_CREATED on a passing status."""
    cert.save()
    data = certificate_data(cert)
    CERTIFICATE_CHANGED.send_event(certificate=data)
    if CertificateStatuses.is_passing_status(cert.status):
        CERTIFICATE_CREATED.send_event(certificate=data)


def certificate_data(cert):
    return CertificateData(
        user=user_data(cert.user),
        course=CourseData(course_key=cert.course_id),
        mode=cert.mode,
        grade=cert.grade,
        current_status=cert.status,
        download_url=cert.download_url,
        name=cert.name,
    )
