"""
Everything the health domain takes from the domains below it, in one place (the lead redirects these to each
domain's ``api`` once lane ``arch`` has added them). Nothing else in ``health`` imports another domain.
"""

# pylint: disable=unused-import
from ..appraisals.api import (  # noqa: F401
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    Review,
    SurveyResponse,
    released_cycle_ids,  # noqa: F401
)
from ..appraisals.api import min_group as survey_min_group  # noqa: F401
from ..competencies.api import CompetencyGap, GapSnapshot  # noqa: F401
from ..development import api as development_services  # noqa: F401
from ..development.api import DEFAULT_CATEGORY, Plan, PlanItem, PlanTemplate, TemplateItem  # noqa: F401
from ..strategy.api import CheckIn, HelpRequest, Impediment, Objective, Period  # noqa: F401
