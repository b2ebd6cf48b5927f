"""
What the blended domain uses of the domains below it, in one place, each through the domain's ``api`` (ADR 0017).
"""

from ..competencies.api import (  # noqa: F401
    Competency,
    ScaleLevel,
    anonymity_min_group,
    competencies_by_codes,
    list_competencies,
    record_observed_evidence,
)
from ..core.paths import subtree_q  # noqa: F401
from ..development.api import CATEGORY_CHOICES, PlanItem  # noqa: F401
from ..org.api import Employee, access_context  # noqa: F401
