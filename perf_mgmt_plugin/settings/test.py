"""Test settings: the common defaults, so platform test runs see the same values as production."""

from .common import plugin_settings as common_plugin_settings


def plugin_settings(settings):
    """Apply the common defaults."""
    common_plugin_settings(settings)
