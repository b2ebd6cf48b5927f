"""
The Tutor plugin (``tutor_perf_mgmt/``), with Tutor installed from the package registry into its own virtualenv
(``var/tutor-venv``; Tutor's pins need not agree with the project's): enable it, ``tutor config save`` into a
throwaway ``TUTOR_ROOT``, and read the rendered environment (no Docker needed).

Skipped, loudly, when Tutor cannot be installed (no network); a failure under ``PERF_MGMT_REQUIRE_ALL=1`` (CI).
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

import perf_mgmt_plugin

pytestmark = pytest.mark.tutor

ROOT = Path(__file__).resolve().parents[2]
TUTOR_VENV = Path(os.environ.get("PERF_MGMT_TUTOR_VENV", ROOT / "var" / "tutor-venv"))
MARKER = "# perf-mgmt for Open edX (tutor-contrib-perf-mgmt)"


def unavailable(reason):
    if os.environ.get("PERF_MGMT_REQUIRE_ALL") == "1":
        pytest.fail(f"the Tutor plugin test is required here (PERF_MGMT_REQUIRE_ALL=1): {reason}")
    pytest.skip(f"!!! Tutor plugin test skipped: {reason}")


@pytest.fixture(scope="module")
def tutor_bin():
    """``tutor`` from PyPI in its own virtualenv, with this checkout's plugin installed (not editable: as shipped)."""
    tutor = TUTOR_VENV / "bin" / "tutor"
    pip = [str(TUTOR_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not tutor.exists():
        venv.create(TUTOR_VENV, with_pip=True, clear=True)
        result = subprocess.run([*pip, "tutor"], capture_output=True, text=True, check=False, timeout=900)
        if result.returncode != 0:
            unavailable(f"`pip install tutor` failed: {result.stderr.strip()[-500:]}")
    result = subprocess.run(
        [*pip, "--no-deps", "--force-reinstall", str(ROOT / "tutor_perf_mgmt")],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return str(tutor)


def render(tutor_bin, tmp_path, *settings):
    """Enable the plugin and save the configuration with ``--set`` values; return the rendered env folder."""
    env = {**os.environ, "TUTOR_ROOT": str(tmp_path), "TUTOR_PLUGINS_ROOT": str(tmp_path / "plugins")}
    for command in (["plugins", "enable", "perf-mgmt"], ["config", "save", *[f"--set={s}" for s in settings]]):
        result = subprocess.run([tutor_bin, *command], env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return tmp_path / "env"


def settings_patch(text):
    """The plugin's part of a rendered settings module (from its marker to the end of the schedule)."""
    start = text.index(MARKER)
    return text[start : text.index("\n})\n", start) + 4]


def test_enabled_plugin_renders_the_requirement_settings_queue_and_beat(tutor_bin, tmp_path):
    env = render(tutor_bin, tmp_path)

    dockerfile = (env / "build" / "openedx" / "Dockerfile").read_text()
    assert f"install 'openedx-perf-mgmt=={perf_mgmt_plugin.__version__}'" in dockerfile

    for module in ("production.py", "development.py"):
        text = (env / "apps" / "openedx" / "settings" / "lms" / module).read_text()
        compile(text, module, "exec")  # the patched settings module is valid Python
        patch = settings_patch(text)
        namespace = {}
        exec(patch, namespace)  # noqa: S102  (our own rendered template: it must run as the LMS would run it)
        assert namespace["PERF_MGMT_CELERY_QUEUE"] == "edx.lms.core.default"
        schedule = namespace["CELERYBEAT_SCHEDULE"]
        # Every scheduled job is a task the plugin registers, sent to the plugin's queue.
        from perf_mgmt_plugin import tasks

        registered = {getattr(tasks, name).name for name in dir(tasks) if hasattr(getattr(tasks, name), "delay")}
        assert set(schedule) <= registered, set(schedule) - registered
        assert {
            "perf_mgmt.recompute_gaps",
            "perf_mgmt.recompute_strategy",
            "perf_mgmt.schedule_check_ins",
            "perf_mgmt.send_plan_reminders",
            "perf_mgmt.send_appraisal_reminders",
        } <= set(schedule)
        assert all(job["options"] == {"queue": "edx.lms.core.default"} for job in schedule.values())

    compose = yaml.safe_load((env / "local" / "docker-compose.prod.yml").read_text())
    worker_queues = [item for item in compose["services"]["lms-worker"]["command"] if item.startswith("--queues=")]
    assert worker_queues == ["--queues=edx.lms.core.default,edx.lms.core.high,edx.lms.core.high_mem"]
    beat = compose["services"]["perf-mgmt-beat"]
    assert beat["command"][:3] == ["celery", "--app=lms.celery", "beat"]
    assert beat["environment"]["DJANGO_SETTINGS_MODULE"] == "lms.envs.tutor.production"


def test_a_dedicated_queue_is_consumed_by_the_lms_worker_and_beat_can_be_left_out(tutor_bin, tmp_path):
    env = render(
        tutor_bin,
        tmp_path,
        "PERF_MGMT_CELERY_QUEUE=edx.lms.core.perf_mgmt",
        "PERF_MGMT_RUN_BEAT=false",
        "PERF_MGMT_PIP_REQUIREMENT=git+https://example.org/perf-mgmt.git@v0.1.0#egg=openedx-perf-mgmt",
    )
    text = (env / "apps" / "openedx" / "settings" / "lms" / "production.py").read_text()
    namespace = {}
    exec(settings_patch(text), namespace)  # noqa: S102
    assert namespace["PERF_MGMT_CELERY_QUEUE"] == "edx.lms.core.perf_mgmt"
    compose = yaml.safe_load((env / "local" / "docker-compose.prod.yml").read_text())
    assert (
        "--queues=edx.lms.core.default,edx.lms.core.high,edx.lms.core.high_mem,edx.lms.core.perf_mgmt"
        in (compose["services"]["lms-worker"]["command"])
    )
    assert "perf-mgmt-beat" not in compose["services"]
    dockerfile = (env / "build" / "openedx" / "Dockerfile").read_text()
    assert "install 'git+https://example.org/perf-mgmt.git@v0.1.0#egg=openedx-perf-mgmt'" in dockerfile


def test_the_plugin_version_follows_the_django_plugins():
    sys.path.insert(0, str(ROOT / "tutor_perf_mgmt"))
    try:
        import tutorperfmgmt  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(str(ROOT / "tutor_perf_mgmt"))
    assert tutorperfmgmt.__version__ == perf_mgmt_plugin.__version__
