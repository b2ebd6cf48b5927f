"""
The distribution as an operator's pip gets it: the sdist and the wheel carry the licence, the templates, static files,
translations and migrations, and nothing of the tests, the host or the demo's ``var/``; building them prints none of
setuptools' warnings ("Package would be ignored", deprecated licence classifiers).
"""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # two builds of the package


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the virtualenv's pinned setuptools (requirements/test.txt), no download.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    sdist = next(out.glob("*.tar.gz"))
    wheel = next(out.glob("*.whl"))
    with tarfile.open(sdist) as tar:
        sdist_names = [name.split("/", 1)[1] for name in tar.getnames() if "/" in name]
    with zipfile.ZipFile(wheel) as whl:
        wheel_names = whl.namelist()
    return {"log": result.stdout + result.stderr, "sdist": sdist_names, "wheel": wheel_names}


def test_the_build_prints_no_setuptools_warnings(built):
    log = built["log"]
    assert "would be ignored" not in log
    assert "License classifiers are deprecated" not in log
    assert "SetuptoolsDeprecationWarning" not in log


def test_the_licence_text_is_shipped(built):
    licence = (ROOT / "LICENSE.txt").read_text()
    assert licence.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE") and "Version 3, 19 November 2007" in licence
    assert "LICENSE.txt" in built["sdist"]
    assert any(name.endswith(".dist-info/licenses/LICENSE.txt") for name in built["wheel"])


@pytest.mark.parametrize("kind", ["sdist", "wheel"])
def test_data_files_and_migrations_are_shipped(built, kind):
    names = set(built[kind])
    for path in (ROOT / "perf_mgmt_plugin").rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        data = any(f"/{folder}/" in f"/{relative}" for folder in ("templates", "static", "translations", "locale"))
        if path.is_file() and (data or "/migrations/" in relative) and "__pycache__" not in relative:
            assert relative in names, f"{relative} missing from the {kind}"
    for path in (ROOT / "xblocks").rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_file() and path.suffix in {".html", ".css", ".js", ".po", ".mo"}:
            assert relative in names, f"{relative} missing from the {kind}"
    assert "perf_mgmt_plugin/templates/perf_mgmt/base.html" in names
    assert "perf_mgmt_plugin/migrations/0001_initial.py" in names


@pytest.mark.parametrize("kind", ["sdist", "wheel"])
def test_no_tests_host_or_demo_data_are_shipped(built, kind):
    stray = [
        name
        for name in built[kind]
        if name.split("/")[0] in {"tests", "var", "lms_host", "benchmarks", "tutor_perf_mgmt", "build"}
        or "__pycache__" in name
        or name.endswith((".pyc", ".sqlite3"))
        or Path(name).name.startswith("test_")
    ]
    assert not stray, stray
