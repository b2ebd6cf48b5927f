"""What the succession domain takes from the domains below it, in one place (redirected to their ``api`` at merge)."""

# pylint: disable=unused-import
from ..appraisals.models import Cycle, Review  # noqa: F401
from ..competencies.models import CompetencyGap, PositionRequirement  # noqa: F401
from ..development import services as development_services  # noqa: F401
from ..development.models import Plan, PlanItem  # noqa: F401
from ..health.api import can_read_pack  # noqa: F401
