"""
The public interface of the ``development`` domain: development plans, their items and templates;
the learning loop that moves items on platform events.

This is the only module of ``perf_mgmt_plugin.development`` that code outside the domain may import: pages, REST views,
receivers, tasks, management commands, the admin and the other domains (``.importlinter`` checks it, ADR 0017).
Model classes are exported for forms, serializers, type checks and querysets; writes go through the functions,
which check access and keep the domain's rules.
"""

from .errors import (
    DevelopmentError,
)
from .models import (
    CATEGORY_CHOICES,
    DEFAULT_CATEGORY,
    KIND_CHOICES,
    Plan,
    PlanComment,
    PlanItem,
    PlanTemplate,
    TemplateItem,
)
from .progress import (
    BLOCK_COMPLETION_EVENT,
    RETIREMENT_EVENT,
    apply_pending,
    json_value,
    keep_failed_event,
    record_block_completion,
    record_event,
    replay_failed_events,
    run_pending,
)
from .reminders import (
    send_overdue_reminders,
)
from .services import (
    absorb_recommendations,
    add_comment,
    add_item,
    approve_items,
    approve_plan,
    assign_template,
    cancel_item,
    complete_item,
    course_learners,
    course_summary,
    create_plan,
    create_template,
    enrol_in_item,
    items_of_plan,
    next_steps,
    plans_of,
    propose_plan,
    return_plan,
    set_plan_status,
    team_plans,
    update_plan,
    visible_plans,
)

__all__ = [
    "BLOCK_COMPLETION_EVENT",
    "CATEGORY_CHOICES",
    "DevelopmentError",
    "KIND_CHOICES",
    "Plan",
    "PlanComment",
    "PlanItem",
    "PlanTemplate",
    "RETIREMENT_EVENT",
    "absorb_recommendations",
    "add_comment",
    "add_item",
    "apply_pending",
    "record_block_completion",
    "record_event",
    "run_pending",
    "approve_items",
    "approve_plan",
    "assign_template",
    "cancel_item",
    "complete_item",
    "course_learners",
    "course_summary",
    "create_plan",
    "enrol_in_item",
    "items_of_plan",
    "json_value",
    "keep_failed_event",
    "next_steps",
    "plans_of",
    "propose_plan",
    "replay_failed_events",
    "return_plan",
    "send_overdue_reminders",
    "set_plan_status",
    "team_plans",
    "update_plan",
    "visible_plans",
    "DEFAULT_CATEGORY",
    "TemplateItem",
    "create_template",
]
