"""
The public Python interface of perf-mgmt.

XBlocks and other Django apps use only this module (OEP-49): the functions below return plain data records or the
plugin's own model instances where a caller needs to render them, never raw querysets. It gathers the domains' own
apis (``org``, ``competencies``, ``development``, ``strategy``, ``appraisals``: ``perf_mgmt_plugin.<domain>.api``,
each with its ``__all__``), which the plugin's pages, REST views, receivers, tasks and commands import directly;
``.importlinter`` keeps every other module of a domain private to it (ADR 0017).
"""

from .core.access import AccessDenied, can, require  # noqa: F401
from .core.concurrency import Busy, Conflict  # noqa: F401
from .core.retirement import retire_user as _retire_user
from .org.api import Employee, access_context


def retire_user(user, retired_username=None, retired_email=None):
    """Remove or anonymise every domain's personal data about ``user`` (idempotent, atomic)."""
    return _retire_user(user, retired_username=retired_username, retired_email=retired_email)


def replay_failed_platform_events(limit=None):
    """
    Apply again the platform signals whose handling failed on the plugin's side (kept by the receivers, which never
    raise into the platform): LMS events, block completions and retirements. Returns ``(replayed, still_failing)``.
    """
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    from .development import api as development_api  # pylint: disable=import-outside-toplevel

    def retire(user_id, retired_username, retired_email):
        # A hard-deleted user is gone from the table: the steps find their rows by the id alone.
        user_model = get_user_model()
        user = user_model.objects.filter(pk=user_id).first() or user_model(pk=user_id)
        retire_user(user, retired_username=retired_username, retired_email=retired_email)

    return development_api.replay_failed_events(retire, limit=limit)


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

from .competencies import api as competencies_api  # noqa: E402
from .competencies.api import CompetencyError, InvalidLevel, NoEmployeeRecord  # noqa: E402,F401

list_frameworks = competencies_api.list_frameworks
list_competencies = competencies_api.list_competencies
get_scale_for = competencies_api.get_scale_for
record_self_assessment = competencies_api.record_self_assessment
get_self_result = competencies_api.get_self_result
course_self_assessment_summary = competencies_api.course_self_assessment_summary

# Self-assessment inside a course (the self-assessment XBlock): batched scales, one all-or-nothing submission,
# and the staff report with small groups hidden (competencies/course_self_assessment.py).
get_competencies_by_codes = competencies_api.competencies_by_codes
get_scales_for = competencies_api.scales_for
record_self_assessments = competencies_api.record_self_assessments
course_self_assessment_report = competencies_api.course_report
from .core.release import anonymity_min_group  # noqa: E402,F401


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

from .strategy import api as strategy_api  # noqa: E402
from .strategy.api import NoEmployeeRecordForStrategy, StrategyError  # noqa: E402,F401


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
    return strategy_api.record_course_checkin(
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
    qs = strategy_api.course_checkins_of(user, course_key, usage_key)
    return list(qs.prefetch_related("impediments", "help_requests")[:20])


def course_checkin_summary(course_key, user=None, usage_key=None):
    """
    Staff aggregates of the check-ins recorded in a course (counts only, no names or text): check-ins, learners,
    with an impediment, with a help request, open help requests, linked to an objective. With ``user``, the user
    must be the course's staff (else ``AccessDenied``); without, the caller has checked access itself.
    """
    if user is not None:
        require(user, "perf_mgmt.view_course_data", course_key)
    return strategy_api.course_checkin_summary(course_key, usage_key)


def related_objective_of(user, course_key):
    """The learner's objective a check-in in this course is linked to (or ``None``)."""
    employee = get_employee(user)
    return strategy_api.related_objective(employee, course_key) if employee else None


def line_of_sight(objective):
    """
    The objectives ``objective`` serves, from the strategic objective down to itself (one query): what the check-in
    XBlock shows a learner above their related objective. Callers pass an objective the user may already see (their
    own, from :func:`related_objective_of`).
    """
    return strategy_api.line_of_sight(objective)


# Development plans.
# Appraisals: launching cycles and late joiners (pages, REST, the Celery task and the command call these).
from .appraisals import api as appraisals_api  # noqa: E402
from .appraisals.api import AppraisalError  # noqa: E402,F401


def start_cycle_launch(user, cycle):
    """
    Mark ``cycle`` as launching (checks ``perf_mgmt.manage_appraisals``); then enqueue the work with
    ``tasks.enqueue_cycle_launch`` (it waits for the commit). Re-launching an active cycle adds only missing reviews.
    """
    return appraisals_api.start_launch(user, cycle)


def run_cycle_launch(cycle_id, rerun=False):
    """
    Create the cycle's missing reviews now, recording progress on the cycle (the worker's and the command's job).
    A duplicate delivery does nothing; ``rerun`` (the command) also re-runs a finished launch.
    """
    return appraisals_api.run_launch(cycle_id, rerun=rerun)


def cycle_launch_progress(cycle):
    """``(status, done, total, error)`` of a launch, fresh from the database (for the progress display)."""
    return appraisals_api.launch_progress(cycle)


def add_late_joiners(employee_ids=None, user_ids=None):
    """
    Give people who joined an active cycle's population after its launch their review (all active people when
    neither list is given). Returns the number of reviews created.
    """
    if user_ids is not None:
        from .org.api import employee_ids_of_users  # pylint: disable=import-outside-toplevel

        employee_ids = list(employee_ids or ()) + list(employee_ids_of_users(user_ids))
    return appraisals_api.add_late_joiners(employee_ids)


# Appraisals: follow-up actions, notes and the reviews a user may see (check-ins, XBlocks, other apps).


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
    return list(appraisals_api.open_actions_of([employee.pk]))


def add_interim_note(user, employee, *, body, tag="observation", private=False, noted_on=None):
    """Note something about ``employee`` through the period (the person, a manager or a delegate)."""
    return appraisals_api.add_note(user, employee, body=body, tag=tag, private=private, noted_on=noted_on)


def reviews_visible_to(user):
    """The reviews ``user`` may open (their own, their team's, the ones they write or coach, HR scope)."""
    return appraisals_api.reviews_visible_to(user)


def is_masquerade(runtime_user_id, user_service=None):
    """
    Whether an XBlock runtime that reports ``runtime_user_id`` runs for someone other than the person asking
    (course staff "viewing as" a learner): XBlock handlers then must not write in the learner's name.
    """
    from .openedx.masquerade import is_masquerade as _is_masquerade  # pylint: disable=import-outside-toplevel

    return _is_masquerade(runtime_user_id, user_service)


def cycle_launch_is_stale(cycle):
    """Whether the cycle's launch says "running" but has shown no sign of life for a while (resumable)."""
    return appraisals_api.launch_is_stale(cycle)


# ------------------------------------------------------------------------------------------------------------------
# Blended modules -- implementation guides (the guide XBlock), observations, job aids (issue 13)
# ------------------------------------------------------------------------------------------------------------------

from .blended import api as _blended  # noqa: E402

BlendedError = _blended.BlendedError
NoEmployeeRecordForGuide = _blended.NoEmployeeRecordForGuide
GuideSpec = _blended.Guide
GuideStep = _blended.Step
GUIDE_MAX_TEXT = _blended.MAX_TEXT
guide_applications_of = _blended.applications_of
guide_completion = _blended.completion
plan_guide_step = _blended.plan_step
apply_guide_step = _blended.apply_step
guide_step_rates = _blended.step_rates
job_aids_of = _blended.job_aids_of
observation_queue = _blended.observation_queue
observe_application = _blended.observe
from .core.idempotency import IdempotencyError  # noqa: E402,F401
from .core.versioning import EditConflict  # noqa: E402,F401


def job_aid_download_url(aid):
    """The counted, access-checked download address of a job aid (the file or link is never linked directly)."""
    from django.urls import reverse  # pylint: disable=import-outside-toplevel

    return reverse("perf_mgmt:job-aid-download", kwargs={"pk": aid.pk})


# ------------------------------------------------------------------------------------------------------------------
# The domains' apis, gathered (``api.appraisals.create_cycle`` ...): one import for another Django app.
# ------------------------------------------------------------------------------------------------------------------

from .appraisals import api as appraisals  # noqa: E402
from .blended import api as blended  # noqa: E402
from .competencies import api as competencies  # noqa: E402
from .development import api as development  # noqa: E402
from .health import api as health  # noqa: E402
from .org import api as org  # noqa: E402
from .profiling import api as profiling  # noqa: E402
from .strategy import api as strategy  # noqa: E402
from .succession import api as succession  # noqa: E402

# -- lane profiling2: a self-only profile in a course (the self-assessment XBlock's profile mode) --
ProfilingError = profiling.ProfilingError
list_self_profiles = profiling.list_self_profiles
get_self_profile = profiling.self_profile
record_self_profile = profiling.record_self_profile
self_profile_change = profiling.self_profile_change

__all__ = [
    # Access and concurrency
    "AccessDenied",
    "Busy",
    "Conflict",
    "can",
    "require",
    # People, personas, retirement, platform events
    "get_employee",
    "get_user_by_id",
    "is_masquerade",
    "personas",
    "replay_failed_platform_events",
    "retire_user",
    # Competencies (the self-assessment XBlock)
    "CompetencyError",
    "InvalidLevel",
    "NoEmployeeRecord",
    "anonymity_min_group",
    "course_self_assessment_report",
    "course_self_assessment_summary",
    "get_competencies_by_codes",
    "get_scale_for",
    "get_scales_for",
    "get_self_result",
    "list_competencies",
    "list_frameworks",
    "record_self_assessment",
    "record_self_assessments",
    # Strategy (the check-in XBlock)
    "NoEmployeeRecordForStrategy",
    "StrategyError",
    "course_checkin_summary",
    "course_checkins_of",
    "line_of_sight",
    "record_course_checkin",
    "related_objective_of",
    # Appraisals
    "AppraisalError",
    "add_interim_note",
    "add_late_joiners",
    "cycle_launch_is_stale",
    "cycle_launch_progress",
    "open_follow_up_actions",
    "reviews_visible_to",
    "run_cycle_launch",
    "start_cycle_launch",
    # Blended modules (the implementation-guide XBlock)
    "BlendedError",
    "EditConflict",
    "GUIDE_MAX_TEXT",
    "GuideSpec",
    "GuideStep",
    "IdempotencyError",
    "NoEmployeeRecordForGuide",
    "apply_guide_step",
    "guide_applications_of",
    "guide_completion",
    "guide_step_rates",
    "job_aid_download_url",
    "job_aids_of",
    "observation_queue",
    "observe_application",
    "plan_guide_step",
    # The domains' apis
    "appraisals",
    "blended",
    "competencies",
    "development",
    "health",
    "org",
    "profiling",
    "strategy",
    # lane profiling2: a self-only profile in a course (the self-assessment XBlock)
    "ProfilingError",
    "get_self_profile",
    "list_self_profiles",
    "record_self_profile",
    "self_profile_change",
    "succession",
]
