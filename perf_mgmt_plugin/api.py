"""
The public Python interface of perf-mgmt.

XBlocks, other Django apps, management commands and tasks use only these functions (OEP-49). They return plain
data records or the plugin's own model instances where a caller needs to render them, never raw querysets.
"""

from .core import idempotency as _idempotency  # noqa: F401  registers the idempotency keys' retirement step
from .core.access import AccessDenied, can, require  # noqa: F401
from .core.concurrency import Busy, Conflict  # noqa: F401
from .core.retirement import retire_user as _retire_user
from .org import retirement as _org_retirement  # noqa: F401  registers the org retirement step
from .org.access import access_context
from .org.models import Employee


def retire_user(user, retired_username=None, retired_email=None):
    """Remove or anonymise every domain's personal data about ``user`` (idempotent, atomic)."""
    return _retire_user(user, retired_username=retired_username, retired_email=retired_email)


def replay_failed_platform_events(limit=None):
    """
    Apply again the platform signals whose handling failed on the plugin's side (kept by the receivers, which never
    raise into the platform): LMS events, block completions and retirements. Returns ``(replayed, still_failing)``.
    """
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    from .development import progress  # pylint: disable=import-outside-toplevel

    def retire(user_id, retired_username, retired_email):
        # A hard-deleted user is gone from the table: the steps find their rows by the id alone.
        user_model = get_user_model()
        user = user_model.objects.filter(pk=user_id).first() or user_model(pk=user_id)
        retire_user(user, retired_username=retired_username, retired_email=retired_email)

    return progress.replay_failed_events(retire, limit=limit)


def get_employee(user):
    """The active employee record of ``user`` or ``None`` (users without one still use the LMS normally)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Employee.objects.select_related("position", "org_unit", "manager__user").filter(user=user, active=True).first()
    )


def personas(user):
    """
    The personas ``user`` acts as, for navigation: ``learner`` always, then ``manager``, ``hr_admin`` and
    ``course_staff`` when they apply.
    """
    result = ["learner"]
    if can(user, "perf_mgmt.view_team"):
        result.append("manager")
    if access_context(user).is_hr_admin:
        result.append("hr_admin")
    if can(user, "perf_mgmt.course_staff"):
        result.append("course_staff")
    return result


# ------------------------------------------------------------------------------------------------------------------
# Competencies (used by the self-assessment XBlock)
# ------------------------------------------------------------------------------------------------------------------

from .competencies import api as _competencies  # noqa: E402
from .competencies import retirement as _competency_retirement  # noqa: E402,F401  registers the retirement step
from .competencies.errors import CompetencyError, InvalidLevel, NoEmployeeRecord  # noqa: E402,F401

list_frameworks = _competencies.list_frameworks
list_competencies = _competencies.list_competencies
get_scale_for = _competencies.get_scale_for
record_self_assessment = _competencies.record_self_assessment
get_self_result = _competencies.get_self_result
course_self_assessment_summary = _competencies.course_self_assessment_summary

# Self-assessment inside a course (the self-assessment XBlock): batched scales, one all-or-nothing submission,
# and the staff report with small groups hidden (competencies/course_self_assessment.py).
from .competencies import course_self_assessment as _course_self_assessment  # noqa: E402

get_competencies_by_codes = _course_self_assessment.competencies_by_codes
get_scales_for = _course_self_assessment.scales_for
record_self_assessments = _course_self_assessment.record_self_assessments
course_self_assessment_report = _course_self_assessment.course_report
SELF_ASSESSMENT_PHASES = _course_self_assessment.PHASES
anonymity_min_group = _course_self_assessment.anonymity_min_group


def get_user_by_id(user_id):
    """
    The Django user with primary key ``user_id``, or ``None``: how XBlocks turn the user id the runtime's ``user``
    service reports (``opt_attrs['edx-platform.user_id']``) into the user the api functions take. Inactive users
    included: the LMS lets accounts that are not activated yet sign in and study (its authentication backend allows
    all users), and the runtime reports them; permission checks still refuse them staff rights.
    """
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    if user_id in (None, ""):
        return None
    try:
        return get_user_model().objects.filter(pk=int(user_id)).first()
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------------------------------------------
# Strategy execution: check-ins (used by the check-in XBlock) and the cascade
# ------------------------------------------------------------------------------------------------------------------

from .strategy import checkins as _checkins  # noqa: E402
from .strategy import retirement as _strategy_retirement  # noqa: E402,F401  registers the retirement step
from .strategy import rules as _strategy_rules  # noqa: E402,F401  registers the strategy rules
from .strategy import services as _strategy_services  # noqa: E402
from .strategy.errors import NoEmployeeRecordForStrategy, StrategyError  # noqa: E402,F401


def record_course_checkin(  # noqa: PLR0913
    user, course_key, usage_key, steps_done="", reflection="", impediments="", help_request="", request_key=None
):
    """
    Record a learner's on-the-job check-in from inside a course (the check-in XBlock): steps done, a reflection,
    an impediment and a request for help (routed to their manager, shown on the manager's dashboard until
    resolved). Linked to the learner's objective that names this course, or serves one that does, where one exists.
    Returns the CheckIn. Raises ``NoEmployeeRecord`` (users without an employee record) and ``StrategyError``
    (nothing written). ``request_key`` (the form's idempotency key) makes a repeated submission return the check-in
    the first one made.
    """
    return _checkins.record_course_checkin(
        user,
        course_key,
        usage_key,
        steps_done=steps_done,
        reflection=reflection,
        impediments=impediments,
        help_request=help_request,
        request_key=request_key,
    )


def course_checkins_of(user, course_key, usage_key=None):
    """
    The user's own check-ins recorded in this course (and block), newest first (the latest 20), with their
    impediments and help requests fetched alongside (two queries however many check-ins there are).
    """
    qs = _checkins.course_checkins_of(user, course_key, usage_key)
    return list(qs.prefetch_related("impediments", "help_requests")[:20])


def course_checkin_summary(course_key, user=None, usage_key=None):
    """
    Staff aggregates of the check-ins recorded in a course (counts only, no names or text): check-ins, learners,
    with an impediment, with a help request, open help requests, linked to an objective. With ``user``, the user
    must be the course's staff (else ``AccessDenied``); without, the caller has checked access itself.
    """
    if user is not None:
        require(user, "perf_mgmt.view_course_data", course_key)
    return _checkins.course_checkin_summary(course_key, usage_key)


def related_objective_of(user, course_key):
    """The learner's objective a check-in in this course is linked to (or ``None``)."""
    employee = get_employee(user)
    return _checkins.related_objective(employee, course_key) if employee else None


def line_of_sight(objective):
    """
    The objectives ``objective`` serves, from the strategic objective down to itself (one query): what the check-in
    XBlock shows a learner above their related objective. Callers pass an objective the user may already see (their
    own, from :func:`related_objective_of`).
    """
    return _strategy_services.line_of_sight(objective)


# Development plans.
# Appraisals: launching cycles and late joiners (pages, REST, the Celery task and the command call these).
from .appraisals import launch as _appraisal_launch  # noqa: E402
from .appraisals.errors import AppraisalError  # noqa: E402,F401
from .development import retirement as _development_retirement  # noqa: E402,F401  registers the retirement step


def start_cycle_launch(user, cycle):
    """
    Mark ``cycle`` as launching (checks ``perf_mgmt.manage_appraisals``); then enqueue the work with
    ``tasks.enqueue_cycle_launch`` (it waits for the commit). Re-launching an active cycle adds only missing reviews.
    """
    return _appraisal_launch.start_launch(user, cycle)


def run_cycle_launch(cycle_id, rerun=False):
    """
    Create the cycle's missing reviews now, recording progress on the cycle (the worker's and the command's job).
    A duplicate delivery does nothing; ``rerun`` (the command) also re-runs a finished launch.
    """
    return _appraisal_launch.run_launch(cycle_id, rerun=rerun)


def cycle_launch_progress(cycle):
    """``(status, done, total, error)`` of a launch, fresh from the database (for the progress display)."""
    return _appraisal_launch.launch_progress(cycle)


def add_late_joiners(employee_ids=None, user_ids=None):
    """
    Give people who joined an active cycle's population after its launch their review (all active people when
    neither list is given). Returns the number of reviews created.
    """
    if user_ids is not None:
        from .org.services import employee_ids_of_users  # pylint: disable=import-outside-toplevel

        employee_ids = list(employee_ids or ()) + list(employee_ids_of_users(user_ids))
    return _appraisal_launch.add_late_joiners(employee_ids)


# Appraisals: follow-up actions, notes and the reviews a user may see (check-ins, XBlocks, other apps).
from .appraisals import actions as _appraisal_actions  # noqa: E402
from .appraisals import notes as _appraisal_notes  # noqa: E402
from .appraisals import retirement as _appraisal_retirement  # noqa: E402,F401  registers the retirement step
from .appraisals import reviews as _appraisal_reviews  # noqa: E402


def open_follow_up_actions(user, employee=None):
    """
    The open follow-up actions of ``employee`` (the user's own when omitted) agreed in earlier reviews, soonest
    due first: what a check-in or the next review starts from. Only for people the user may see
    (``perf_mgmt.view_employee``); an empty list otherwise.
    """
    if employee is None:
        employee = get_employee(user)
    if employee is None or not can(user, "perf_mgmt.view_employee", employee):
        return []
    return list(_appraisal_actions.open_actions_of([employee.pk]))


def add_interim_note(user, employee, *, body, tag="observation", private=False, noted_on=None):
    """Note something about ``employee`` through the period (the person, a manager or a delegate)."""
    return _appraisal_notes.add_note(user, employee, body=body, tag=tag, private=private, noted_on=noted_on)


def reviews_visible_to(user):
    """The reviews ``user`` may open (their own, their team's, the ones they write or coach, HR scope)."""
    return _appraisal_reviews.reviews_visible_to(user)


def is_masquerade(runtime_user_id, user_service=None):
    """
    Whether an XBlock runtime that reports ``runtime_user_id`` runs for someone other than the person asking
    (course staff "viewing as" a learner): XBlock handlers then must not write in the learner's name.
    """
    from .openedx.masquerade import is_masquerade as _is_masquerade  # pylint: disable=import-outside-toplevel

    return _is_masquerade(runtime_user_id, user_service)


# --- lane speed ---------------------------------------------------------------------------------------------------
def cycle_launch_is_stale(cycle):
    """Whether the cycle's launch says "running" but has shown no sign of life for a while (resumable)."""
    return _appraisal_launch.is_stale(cycle)
