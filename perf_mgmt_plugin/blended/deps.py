"""
What the blended domain uses of the domains below it, in one place (the lead redirects these to their ``api``
modules once every domain has one).
"""

from ..competencies.api import list_competencies  # noqa: F401
from ..competencies.course_self_assessment import anonymity_min_group, competencies_by_codes  # noqa: F401
from ..competencies.models import Competency, ScaleLevel  # noqa: F401
from ..competencies.services import record_observed_evidence  # noqa: F401
from ..core.paths import subtree_q  # noqa: F401
from ..development.models import CATEGORY_CHOICES, PlanItem  # noqa: F401
from ..org.access import access_context  # noqa: F401
from ..org.models import Employee  # noqa: F401
