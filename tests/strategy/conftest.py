"""The strategy suite's data (``org``, its cascade ``strategy``, ``today``) is the whole suite's: tests/fixtures."""

# The old import path of branches written before tests/fixtures existed (``from tests.strategy.conftest import
# strategy, today``); new tests need no import. Remove once no test imports from here.
from tests.fixtures.plugin import strategy, today  # noqa: F401
