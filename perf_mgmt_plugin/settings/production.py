"""Production settings: the common defaults, overridable from the platform's YAML/ENV_TOKENS like any setting."""

from .common import plugin_settings as common_plugin_settings


def plugin_settings(settings):
    """Apply the common defaults; operators override them in their own settings (e.g. a Tutor patch)."""
    common_plugin_settings(settings)
