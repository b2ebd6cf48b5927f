"""
Plugin discovery limited to this project's own apps.

Other installed packages (edx-completion, edx-toggles...) also register ``lms.djangoapp`` entry points and expect
the platform's full settings. The LMS loads them all; this host keeps edx_django_utils' real discovery and
loading calls but filters the entry points to this project's packages, so the same code path runs.
"""

from collections import OrderedDict

from edx_django_utils.plugins.plugin_manager import PluginManager
from stevedore.extension import ExtensionManager

#: Top-level packages whose entry points the host loads (this project's own; XBlocks come in their own group).
HOST_PLUGIN_PACKAGES = ("perf_mgmt_plugin",)

_original = PluginManager.get_available_plugins


def _package_of(extension):
    return extension.entry_point.value.split(":", 1)[0].split(".", 1)[0]


def _limited(cls, namespace=None):  # pylint: disable=unused-argument
    manager = ExtensionManager(namespace=namespace or cls.NAMESPACE)
    plugins = OrderedDict()
    for extension in manager.extensions:
        if _package_of(extension) in HOST_PLUGIN_PACKAGES:
            plugins[extension.name] = extension.plugin
    return plugins


def limit_plugin_discovery():
    """Make edx_django_utils see only this project's plugins (idempotent)."""
    if getattr(PluginManager.get_available_plugins, "_perf_mgmt_limited", False):
        return
    import functools  # pylint: disable=import-outside-toplevel

    limited = functools.lru_cache(maxsize=None)(_limited)
    limited._perf_mgmt_limited = True  # pylint: disable=protected-access
    PluginManager.get_available_plugins = classmethod(limited)
