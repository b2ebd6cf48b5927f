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
        if re.search(r"path__i?startswith\b", line) and path.name != "paths.py"
    ]
    assert not offenders, offenders


def test_views_take_extend_schema_from_the_plugins_wrapper():
    """drf-spectacular's own ``extend_schema`` builds on DRF's schema class in the LMS (rest_api/openapi.py)."""
    root = Path(perf_mgmt_plugin.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "openapi.py"
        for names in re.findall(r"from drf_spectacular\.utils import (\([^)]*\)|[^\n]*)", path.read_text())
        if re.search(r"\bextend_schema\b", names)
    ]
    assert not offenders, f"import extend_schema from perf_mgmt_plugin.rest_api.openapi in: {offenders}"
