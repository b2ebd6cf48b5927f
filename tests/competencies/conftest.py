"""The competency suite's framework ``fw`` (on the shared ``org``) is the whole suite's: ``tests/fixtures``."""

# The old import path of branches written before tests/fixtures existed (``from tests.competencies.conftest import
# fw``); new tests need no import. Remove once no test imports from here.
from tests.fixtures.plugin import fw  # noqa: F401
