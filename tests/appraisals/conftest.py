"""
The appraisal suite's data (``org``, ``strategy``, ``fw``, ``kra_scale``, ``template``, ``cycle``) is the whole
suite's: ``tests/fixtures`` (``build.cycle_dates`` for cycles of one's own). Other suites may add fixtures here.
"""

# The old import path of branches written before tests/fixtures existed (``from tests.appraisals.conftest import
# cycle, ...``); new tests need no import. Remove once no test imports from here.
from tests.fixtures.build import cycle_dates  # noqa: F401
from tests.fixtures.plugin import cycle, fw, kra_scale, strategy, template, today  # noqa: F401
