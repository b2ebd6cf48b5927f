"""
The plugin is found and loaded the way the LMS and Studio do it.

Discovery goes through the installed distribution's entry points and edx_django_utils' own calls (the same ones as
``lms/envs/common.py``, ``lms/urls.py`` and the platform's plugins app), so these tests fail if packaging,
``plugin_app`` or the modules it names drift apart.
"""

import sys
import types
from datetime import date
from importlib import import_module
from importlib.metadata import entry_points
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models.signals import post_delete, pre_delete
from django.urls import reverse
from edx_django_utils.plugins import add_plugins, get_plugin_apps, get_plugin_url_patterns
from edx_django_utils.plugins.plugin_manager import PluginManager

from lms_host.plugins import HOST_PLUGIN_PACKAGES
from perf_mgmt_plugin.apps import CMS, LEARNING_RECEIVERS, LMS, PerfMgmtConfig
from perf_mgmt_plugin.org.models import Employee
from perf_mgmt_plugin.settings.common import DEFAULTS

from . import factories

APP_CONFIG_PATH = "perf_mgmt_plugin.apps.PerfMgmtConfig"
ENTRY_POINT_VALUE = "perf_mgmt_plugin.apps:PerfMgmtConfig"
SETTINGS_TYPES = ("common", "production", "devstack", "test")


@pytest.mark.parametrize("group", [LMS, CMS])
def test_entry_points_of_the_installed_distribution(group):
    found = {ep.name: ep.value for ep in entry_points(group=group)}
    assert found.get("perf_mgmt") == ENTRY_POINT_VALUE


def test_plugin_app_is_installed_through_get_plugin_apps():
    assert APP_CONFIG_PATH in get_plugin_apps(LMS)
    assert APP_CONFIG_PATH in settings.INSTALLED_APPS


def test_urls_are_mounted_under_perf_mgmt():
    patterns = get_plugin_url_patterns(LMS)
    ours = [p for p in patterns if p.namespace == "perf_mgmt"]
    assert len(ours) == 1
    assert ours[0].pattern.regex.pattern == r"^perf-mgmt/"
    assert reverse("perf_mgmt:home") == "/perf-mgmt/"
    assert reverse("perf_mgmt:api-v1:me") == "/perf-mgmt/api/v1/me/"
    assert reverse("perf_mgmt:api-schema") == "/perf-mgmt/api/schema/"


def test_every_default_setting_is_applied():
    for name in DEFAULTS:
        assert hasattr(settings, name), name
    # The host sets its own backend; everything it does not set has the plugin's default.
    assert settings.PERF_MGMT_PLATFORM_BACKEND == "lms_host.courses.backend.HostPlatformBackend"
    default_group = DEFAULTS["PERF_MGMT_HR_ADMIN_GROUP"]
    assert default_group == settings.PERF_MGMT_HR_ADMIN_GROUP


@pytest.mark.parametrize("settings_type", SETTINGS_TYPES)
def test_each_settings_module_keeps_operator_values(settings_type):
    relative = PerfMgmtConfig.plugin_app["settings_config"][LMS][settings_type]["relative_path"]
    module = import_module(f"perf_mgmt_plugin.{relative}")
    operator = SimpleNamespace(PERF_MGMT_PAGE_SIZE=7)
    module.plugin_settings(operator)
    assert operator.PERF_MGMT_PAGE_SIZE == 7
    for name, value in DEFAULTS.items():
        if name != "PERF_MGMT_PAGE_SIZE":
            assert getattr(operator, name) == value


@pytest.mark.parametrize("project", [LMS, CMS])
@pytest.mark.parametrize("settings_type", SETTINGS_TYPES)
def test_add_plugins_applies_settings_for_each_project_and_type(project, settings_type, monkeypatch):
    """The platform's own call on a settings module, for LMS and Studio and every settings type."""
    fake_settings = types.ModuleType("fake_platform_settings_for_test")
    fake_settings.PERF_MGMT_ANONYMITY_MIN_GROUP = 10
    monkeypatch.setitem(sys.modules, fake_settings.__name__, fake_settings)
    add_plugins(fake_settings.__name__, project, settings_type)
    assert fake_settings.PERF_MGMT_ANONYMITY_MIN_GROUP == 10
    default_backend = DEFAULTS["PERF_MGMT_PLATFORM_BACKEND"]
    assert default_backend == fake_settings.PERF_MGMT_PLATFORM_BACKEND
    assert set(DEFAULTS) <= set(vars(fake_settings))


def test_lms_and_cms_share_settings_and_signals_config():
    plugin_app = PerfMgmtConfig.plugin_app
    assert plugin_app["settings_config"][LMS] == plugin_app["settings_config"][CMS]
    # The learning loop's receivers (openedx-events learning signals, edx-completion) are the LMS's only: the
    # learner's progress happens there, and edx-completion's models are not an installed app of every CMS.
    lms_receivers = plugin_app["signals_config"][LMS]["receivers"]
    assert [r for r in lms_receivers if r not in LEARNING_RECEIVERS] == plugin_app["signals_config"][CMS]["receivers"]
    assert all(r in lms_receivers for r in LEARNING_RECEIVERS)


def _dispatch_uids(signal):
    return {receiver[0][0] for receiver in signal.receivers}


def test_user_deletion_receivers_are_connected():
    assert pre_delete.has_listeners(User)
    assert post_delete.has_listeners(User)
    assert "perf_mgmt.handlers.on_user_deleted" in _dispatch_uids(pre_delete)
    assert "perf_mgmt.handlers.after_user_deleted" in _dispatch_uids(post_delete)


@pytest.mark.django_db
def test_deleting_a_user_runs_the_retirement_registry():
    user = factories.make_user()
    with mock.patch("perf_mgmt_plugin.api.retire_user") as retire:
        user.delete()
    assert retire.call_count == 2  # before the cascade, and after it for the history rows the cascade wrote
    assert all(call.args[0].username == user.username for call in retire.call_args_list)


@pytest.mark.django_db
def test_deleting_a_user_leaves_no_employee_number_in_history():
    employee = factories.make_employee("leaver", start_date=date(2021, 3, 1))
    employee.employee_number = "E-LEAVER-2"
    employee.save()
    user_id = employee.user_id
    employee.user.delete()
    history = Employee.history.filter(user_id=user_id)
    assert history.exists()
    assert set(history.values_list("employee_number", "start_date")) == {(None, None)}


def test_host_discovery_keeps_only_this_projects_entry_points():
    """edx-completion (and edx-toggles) register ``lms.djangoapp`` too but need the full LMS; the host drops them."""
    installed = {ep.name: ep.value for ep in entry_points(group=LMS)}
    assert installed.get("completion", "").startswith("completion.")
    available = PluginManager.get_available_plugins(LMS)
    assert "completion" not in available
    assert set(available) == {"perf_mgmt"}
    assert HOST_PLUGIN_PACKAGES == ("perf_mgmt_plugin",)
    assert all(not path.startswith("completion.") for path in get_plugin_apps(LMS))
