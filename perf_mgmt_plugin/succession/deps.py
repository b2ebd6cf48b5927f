"""What the succession domain takes from the domains below it, in one place (redirected to their ``api`` at merge)."""

# pylint: disable=unused-import
from ..appraisals.api import Cycle, Review  # noqa: F401
from ..competencies.api import CompetencyGap, PositionRequirement  # noqa: F401
from ..development import api as development_services  # noqa: F401
from ..development.api import Plan, PlanItem  # noqa: F401
from ..health.api import can_read_pack  # noqa: F401
