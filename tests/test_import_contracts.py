"""
The import contracts (``.importlinter``, ADR 0017) catch what they are for.

Each test copies the plugin's and the XBlocks' Python sources to a temporary directory, plants one import there and
runs ``lint-imports`` on the copy: it must fail with the planted import named, and pass on the same copy without it.
The repository itself is never touched.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def _python_only(directory, names):
    return [name for name in names if not name.endswith(".py") and not (Path(directory) / name).is_dir()]


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("contracts")
    for package in ("perf_mgmt_plugin", "xblocks"):
        shutil.copytree(REPO / package, root / package, ignore=_python_only)
    shutil.copy(REPO / ".importlinter", root / ".importlinter")
    return root


def _lint(root):
    # From the copy's directory, so its packages come first on the path (lint-imports adds the working directory).
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_contracts_are_kept_on_the_code_as_it_is(copy):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


PLANTS = [
    # (file the import is planted in, the import, the module the contract must name)
    ("perf_mgmt_plugin/web/nav.py", "from ..appraisals.models import Review", "perf_mgmt_plugin.appraisals.models"),
    ("perf_mgmt_plugin/rest_api/v1/views.py", "from ...org.access import team_q", "perf_mgmt_plugin.org.access"),
    ("perf_mgmt_plugin/tasks.py", "from .strategy.services import create_objective", "perf_mgmt_plugin.strategy"),
    ("perf_mgmt_plugin/handlers.py", "from .development import progress", "perf_mgmt_plugin.development.progress"),
    ("perf_mgmt_plugin/api.py", "from .competencies.gaps import heatmap", "perf_mgmt_plugin.competencies.gaps"),
    # Another domain (allowed by the layers: appraisals may use development, but only through its api).
    ("perf_mgmt_plugin/appraisals/reviews.py", "from ..development.services import plans_of", "development.services"),
    # XBlocks may not reach a domain, not even appraisals, nor a domain's api.
    ("xblocks/common/base.py", "from perf_mgmt_plugin.appraisals.models import Review", "perf_mgmt_plugin.appraisals"),
    ("xblocks/common/base.py", "from perf_mgmt_plugin.org.api import Employee", "perf_mgmt_plugin.org"),
]


@pytest.mark.parametrize(("path", "line", "named"), PLANTS, ids=[f"{p[0]}: {p[1]}" for p in PLANTS])
def test_a_planted_import_of_a_domain_internal_breaks_a_contract(copy, path, line, named):
    target = copy / path
    original = target.read_text()
    target.write_text(f"{original}\n{line}  # planted\n")
    try:
        broken = _lint(copy)
    finally:
        target.write_text(original)
    assert broken.returncode != 0, broken.stdout
    assert "BROKEN" in broken.stdout and named in broken.stdout, broken.stdout
    assert _lint(copy).returncode == 0  # the same copy without the planted line passes


def test_a_new_module_of_a_domain_is_private_the_day_it_is_added(copy):
    """Contracts name packages, not a list of modules: a renamed or new module cannot slip through."""
    new_module = copy / "perf_mgmt_plugin" / "org" / "brand_new.py"
    page = copy / "perf_mgmt_plugin" / "web" / "nav.py"
    original = page.read_text()
    new_module.write_text("VALUE = 1\n")
    page.write_text(f"{original}\nfrom ..org.brand_new import VALUE  # planted\n")
    try:
        broken = _lint(copy)
    finally:
        page.write_text(original)
        new_module.unlink()
    assert broken.returncode != 0 and "perf_mgmt_plugin.org.brand_new" in broken.stdout, broken.stdout


def test_the_layers_are_all_required():
    """Optional layers (in parentheses) let a renamed package slip out of the contract."""
    config = (REPO / ".importlinter").read_text()
    layers = config.split("layers =", 1)[1].split("\n[", 1)[0]
    entries = [line.strip() for line in layers.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert entries and not [entry for entry in entries if "(" in entry], entries


# scripts/redirect_domain_imports.py: what the lead runs on code written against the domains' internals.

SCRIPT = REPO / "scripts" / "redirect_domain_imports.py"


def _script(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_redirect_script_finds_nothing_to_redirect_in_the_repository():
    result = _script("check", str(REPO))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_redirect_script_points_old_imports_at_the_domains_api(tmp_path):
    for package in ("perf_mgmt_plugin", "xblocks"):
        shutil.copytree(REPO / package, tmp_path / package, ignore=_python_only)
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    page = tmp_path / "perf_mgmt_plugin" / "web" / "old_style.py"
    page.write_text(
        "from ..org.models import Employee\n"
        "from ..competencies import gaps\n\n\n"
        "def view(user, cycle):\n"
        "    from ..appraisals import cycles, reviews  # noqa: PLC0415\n\n"
        "    return cycles.current_phase(cycle), reviews.reviews_visible_to(user), gaps.export_csv, Employee\n"
    )
    assert _lint(tmp_path).returncode != 0
    assert _script("check", str(tmp_path)).returncode == 1
    result = _script("rewrite", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    text = page.read_text()
    assert "from ..org.api import Employee\n" in text
    assert "from ..competencies import api as competencies_api\n" in text
    assert "    from ..appraisals import api as appraisals_api  # noqa: PLC0415\n" in text
    assert "appraisals_api.current_phase(cycle), appraisals_api.reviews_visible_to(user)" in text
    assert "competencies_api.export_gaps_csv" in text  # the name the api exports it under
    linted = _lint(tmp_path)
    assert linted.returncode == 0, linted.stdout
