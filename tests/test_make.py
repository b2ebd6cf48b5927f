"""
The README's two commands as a fresh machine meets them: ``make demo`` installs nothing compiled and never asks for
the MariaDB headers, and prints the URL it really serves; ``make test`` sees to its system needs first.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def make_dry_run(*args):
    # As a person at a shell would run it: not as a sub-make of `make test` (whose MAKEFLAGS print directories).
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def pins(name):
    text = (ROOT / "requirements" / name).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", text, re.M))


def test_the_demo_installs_nothing_compiled_and_the_tests_versions():
    demo, test = pins("demo.txt"), pins("test.txt")
    assert "mysqlclient" not in {name.lower() for name in demo}
    assert "mysqlclient" in {name.lower() for name in test}
    assert {name: version for name, version in demo.items() if test.get(name) != version} == {}


def test_a_fresh_demo_never_runs_the_test_prerequisites(tmp_path):
    commands = make_dry_run("demo", f"VENV={tmp_path / 'venv'}")
    assert "requirements/demo.txt" in commands
    assert "test_prerequisites" not in commands and "requirements/test.txt" not in commands


@pytest.mark.parametrize(
    ("host", "port", "url", "allowed"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000/", "127.0.0.1"),
        ("demo.example.org", "9001", "http://demo.example.org:9001/", "demo.example.org"),
    ],
)
def test_the_demo_prints_the_url_it_serves(host, port, url, allowed):
    commands = make_dry_run("demo", f"HOST={host}", f"PORT={port}")
    assert f"Serving the demo on {url}" in commands
    assert f"runserver {host}:{port}" in commands
    assert f"PERF_MGMT_ALLOWED_HOSTS='{allowed}'" in commands


def test_the_demo_on_every_interface_prints_a_reachable_address():
    commands = make_dry_run("demo", "HOST=0.0.0.0", "PORT=8080")
    served = re.search(r"Serving the demo on (http://\S+)", commands).group(1)
    assert served != "http://0.0.0.0:8080/" and served.endswith(":8080/")
    assert "PERF_MGMT_ALLOWED_HOSTS='*'" in commands


def test_make_test_sees_to_its_system_needs_before_installing():
    commands = make_dry_run("test").splitlines()
    assert commands[0] == "bash scripts/test_prerequisites.sh services"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "apt-get" not in ci and "mariadbd" not in ci
