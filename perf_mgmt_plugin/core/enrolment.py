"""
Enrolling people through the platform from the domains, with a refusal people can read.

The platform enrols by its own rules (enrolment dates, invitation-only and full courses, the course's modes, its
``CourseEnrollmentStarted`` filter): a refusal stops the whole action. Every caller runs in one transaction, so what
the action had written is rolled back with it -- nothing is half-written -- and the message says who could not be
enrolled, why, and that nothing changed.
"""

from django.utils.translation import gettext as _

from ..openedx import EnrollmentRefused, get_backend


def enroll(user, course_key, error, actor=None, backend=None):
    """
    Enrol ``user`` in ``course_key`` (idempotent); a refusal raises ``error`` (the domain's error class) with a
    sentence naming the person ("You" when ``actor`` is the user), the platform's reason, and "Nothing was changed."
    """
    try:
        (backend or get_backend()).enroll(user, course_key)
    except EnrollmentRefused as exc:
        raise error(refusal_message(exc, user, actor)) from exc


def refusal_message(refusal, user, actor=None):
    """The sentence shown on the pages and in REST for an :class:`EnrollmentRefused`."""
    if actor is not None and actor.pk == user.pk:
        who = _("You could not be enrolled")
    else:
        who = _("%(name)s could not be enrolled") % {"name": user.get_full_name() or user.username}
    return _("%(who)s: %(reason)s Nothing was changed.") % {"who": who, "reason": refusal.message}
