"""Imports every domain's rules so they are registered when the app is ready."""

from .appraisals import rules as appraisal_rules  # noqa: F401,E402  pylint: disable=unused-import
from .competencies import rules as competency_rules  # noqa: F401,E402  pylint: disable=unused-import
from .development import rules as development_rules  # noqa: F401,E402  pylint: disable=unused-import
from .org import rules as org_rules  # noqa: F401  pylint: disable=unused-import
from .profiling import rules as profiling_rules  # noqa: F401,E402  pylint: disable=unused-import  (lane profiling)
from .strategy import rules as strategy_rules  # noqa: F401,E402  pylint: disable=unused-import

# lane health: organisational health and succession (issue 19)
# isort: split
from .health import rules as health_rules  # noqa: F401,E402  pylint: disable=unused-import
from .succession import rules as succession_rules  # noqa: F401,E402  pylint: disable=unused-import
