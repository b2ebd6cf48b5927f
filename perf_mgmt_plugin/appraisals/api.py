"""
The public interface of the ``appraisals`` domain: review templates, cycles and their launch, reviews
and their stages, coaching, notes, follow-up actions, surveys and reports.

This is the only module of ``perf_mgmt_plugin.appraisals`` that code outside the domain may import: pages, REST views,
receivers, tasks, management commands, the admin and the other domains (``.importlinter`` checks it, ADR 0017).
Model classes are exported for forms, serializers, type checks and querysets; writes go through the functions,
which check access and keep the domain's rules.
"""

from .actions import (
    MANAGE as MANAGE_FOLLOW_UP,
)
from .actions import (
    add_action,
    cancel_action,
    complete_action,
    open_actions_of,
)
from .coaching import (
    ASSIGN as ASSIGN_COACH,
)
from .coaching import (
    NOT_A_COACH,
    add_feedback,
    assign_coach,
    coach_by_id,
    coach_candidates,
    coached_reviews,
    cycles_to_assign_coaches,
    remove_coach,
    reviewers_to_coach,
)
from .cycles import (
    DATE_FIELDS,
    MANAGE_APPRAISALS,
    check_population,
    close_cycle,
    create_cycle,
    current_phase,
    cycles_visible_to,
    may_see_population,
    overdue_q,
    suggested_dates,
    update_cycle,
)
from .errors import (
    AppraisalError,
)
from .launch import (
    add_late_joiners,
    launch_progress,
    run_launch,
    start_launch,
)
from .launch import (
    is_stale as launch_is_stale,
)
from .models import (
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    InterimNote,
    Review,
    ReviewTemplate,
    SurveyInvitation,
    SurveyResponse,
    TemplateSection,
)
from .notes import (
    add_note,
    note_for,
    notes_for,
    update_note,
)
from .reminders import (
    send_appraisal_reminders,
)
from .reports import (
    coaching_coverage,
    completion_by_phase,
    overdue_steps,
    rating_distribution,
)
from .reviews import (
    ReviewActions,
    available_actions,
    confirm_attendance,
    reopen,
    reopen_stages,
    request_coaching,
    review_detail,
    reviews_visible_to,
    save_manager_review,
    save_self_review,
    schedule_meeting,
    share_review,
    sign_off,
)
from .survey import (
    GROUP_BY,
    export_rows,
    min_group,
    pending_surveys,
    released_cycle_ids,
    results,
    submit_response,
    trends,
)
from .templates import (
    create_template,
    sections_of,
    template_in_use,
    templates_overview,
    update_template,
)

__all__ = [
    "ASSIGN_COACH",
    "AppraisalError",
    "Cycle",
    "DATE_FIELDS",
    "FollowUpAction",
    "GROUP_BY",
    "InterimNote",
    "MANAGE_APPRAISALS",
    "MANAGE_FOLLOW_UP",
    "NOT_A_COACH",
    "Review",
    "ReviewActions",
    "ReviewTemplate",
    "SurveyInvitation",
    "SurveyResponse",
    "TemplateSection",
    "add_action",
    "add_feedback",
    "add_late_joiners",
    "add_note",
    "assign_coach",
    "available_actions",
    "cancel_action",
    "check_population",
    "close_cycle",
    "coach_by_id",
    "coach_candidates",
    "coached_reviews",
    "coaching_coverage",
    "complete_action",
    "completion_by_phase",
    "confirm_attendance",
    "create_cycle",
    "create_template",
    "current_phase",
    "cycles_to_assign_coaches",
    "cycles_visible_to",
    "export_rows",
    "launch_progress",
    "may_see_population",
    "min_group",
    "note_for",
    "notes_for",
    "open_actions_of",
    "overdue_q",
    "overdue_steps",
    "pending_surveys",
    "rating_distribution",
    "remove_coach",
    "reopen",
    "reopen_stages",
    "request_coaching",
    "results",
    "review_detail",
    "reviewers_to_coach",
    "reviews_visible_to",
    "run_launch",
    "save_manager_review",
    "save_self_review",
    "schedule_meeting",
    "sections_of",
    "send_appraisal_reminders",
    "share_review",
    "sign_off",
    "start_launch",
    "submit_response",
    "suggested_dates",
    "template_in_use",
    "templates_overview",
    "trends",
    "update_cycle",
    "update_note",
    "update_template",
    "CoachAssignment",
    "CoachingFeedback",
    "released_cycle_ids",
    "launch_is_stale",
]
