"""
Everything the health domain takes from the domains below it, in one place (the lead redirects these to each
domain's ``api`` once lane ``arch`` has added them). Nothing else in ``health`` imports another domain.
"""

# pylint: disable=unused-import
from ..appraisals.models import CoachAssignment, CoachingFeedback, Cycle, FollowUpAction, Review, SurveyResponse  # noqa: F401
from ..appraisals.survey import min_group as survey_min_group  # noqa: F401
from ..appraisals.survey import released_cycle_ids  # noqa: F401
from ..competencies.models import CompetencyGap, GapSnapshot  # noqa: F401
from ..development import services as development_services  # noqa: F401
from ..development.models import DEFAULT_CATEGORY, Plan, PlanItem, PlanTemplate, TemplateItem  # noqa: F401
from ..strategy.models import CheckIn, HelpRequest, Impediment, Objective, Period  # noqa: F401
