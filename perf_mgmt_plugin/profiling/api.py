"""
The profiling domain's public interface: the only module other domains, entry points and the plugin's ``api``
import. Profiles, rounds, answering, reports (anonymity applied, ADR 0024) and what other domains read of them.
"""

from .errors import DeadlinePassed, ProfilingConflict, ProfilingError
from .models import GROUP_CHOICES, Profile, Rater, Round, Subject
from .reminders import send_due_reminders as send_profiling_reminders
from .report import as_data as report_data
from .report import build as build_report
from .report import csv_rows as report_csv_rows
from .self_mode import change as self_profile_change
from .self_mode import list_self_profiles, self_profile
from .self_mode import record as record_self_profile
from .services import (
    add_course_to_plan,
    answers_overdue,
    approve,
    can_manage_round,
    can_read_report,
    close_round,
    coach_candidate,
    copy_profile,
    create_profile,
    decline,
    extend_round,
    in_use,
    may_release,
    nominate,
    nominations_overdue,
    own_rater,
    progress,
    release_report,
    remind,
    request_own_round,
    save_answers,
    seed_items,
    set_coach,
    set_profile_status,
    start_round,
    update_profile,
)


def last_360_for(person_id):
    """
    The person's last 360 report released to them, with the report's anonymity rules applied, or ``None`` (for the
    appraisal's evidence: what the person has read, nothing more). One query when there is none; a constant number.
    """
    subject = (
        Subject.objects.filter(
            person_id=person_id,
            round__status=Round.CLOSED,
            round__profile__kind=Profile.KIND_360,
            released_at__isnull=False,
        )
        .select_related("round__profile", "person__user", "person__manager")
        .order_by("-round__closed_at", "-pk")
        .first()
    )
    if subject is None:
        return None
    return build_report(subject)


__all__ = [
    "add_course_to_plan",
    "GROUP_CHOICES",
    "Profile",
    "ProfilingConflict",
    "ProfilingError",
    "Rater",
    "Round",
    "Subject",
    "approve",
    "build_report",
    "can_manage_round",
    "can_read_report",
    "close_round",
    "copy_profile",
    "create_profile",
    "decline",
    "in_use",
    "last_360_for",
    "may_release",
    "nominate",
    "own_rater",
    "progress",
    "release_report",
    "remind",
    "report_csv_rows",
    "report_data",
    "request_own_round",
    "save_answers",
    "seed_items",
    "set_coach",
    "set_profile_status",
    "start_round",
    "update_profile",
    # lane profiling2: a self-only profile in a course (the self-assessment XBlock)
    "list_self_profiles",
    "record_self_profile",
    "self_profile",
    "self_profile_change",
    # lane profiling2: deadlines and periodic reminders
    "DeadlinePassed",
    "answers_overdue",
    "extend_round",
    "nominations_overdue",
    "send_profiling_reminders",
    "coach_candidate",
]
