"""
What the profiling domain uses of the domains that have no ``api`` module yet, in this one place (the lead points
these at their ``api`` once lane ``arch`` adds one). Everything else comes from ``competencies.api``.
"""

from ..competencies.models import Competency  # noqa: F401,E402  (a plan item names its competency by instance)
from ..development import services as development_services  # noqa: F401
from ..development.errors import DevelopmentError  # noqa: F401
from ..development.models import Plan  # noqa: F401
from ..org.access import hr_employees_q, team_q  # noqa: F401
from ..org.models import Employee  # noqa: F401
