"""House rules that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

import perf_mgmt_plugin

SOURCES = sorted(Path(perf_mgmt_plugin.__file__).parent.rglob("*.py"))


def test_subtree_filters_go_through_subtree_q():
    """``path__startswith`` is ``LIKE BINARY`` on MySQL and scans the whole index: use ``core.paths.subtree_q``."""
    offenders = [
        f"{path.relative_to(path.parents[1])}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"path__startswith\b", line)
    ]
    assert not offenders, offenders
