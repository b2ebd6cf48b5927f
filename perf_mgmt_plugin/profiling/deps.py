"""
What the profiling domain uses of other domains, in one place, each through the domain's ``api`` (ADR 0017).
"""

from ..competencies import api as competencies_api  # noqa: F401

# Competency: a plan item names its competency by instance; Assessment: self mode reads its self-assessments back.
from ..competencies.api import Assessment, Competency  # noqa: F401
from ..development import api as development_services  # noqa: F401
from ..development.api import DevelopmentError, Plan  # noqa: F401
from ..org.api import Employee, hr_employees_q, team_q  # noqa: F401
