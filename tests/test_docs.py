"""The README stays true to the code: every setting, management command and Celery task the plugin has is in it."""

import re
from pathlib import Path

import pytest
from celery import current_app

import perf_mgmt_plugin
from perf_mgmt_plugin import tasks  # noqa: F401  (registers the tasks)
from perf_mgmt_plugin.settings.common import DEFAULTS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
COMMANDS = Path(perf_mgmt_plugin.__file__).parent / "management" / "commands"


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_every_setting_is_documented(name):
    assert re.search(rf"^\| `{name}` \|", README, re.MULTILINE), f"{name} is missing from the README's settings table"


@pytest.mark.parametrize("command", sorted(p.stem for p in COMMANDS.glob("*.py") if p.stem != "__init__"))
def test_every_management_command_is_documented(command):
    assert re.search(rf"^\| `{command}\b", README, re.MULTILINE), f"{command} is missing from the README"


def test_every_celery_task_is_documented():
    names = sorted(name for name in current_app.tasks if name.startswith("perf_mgmt."))
    assert names, "no perf_mgmt task registered"
    missing = [name for name in names if f"`{name}`" not in README]
    assert not missing, f"tasks missing from the README: {missing}"
