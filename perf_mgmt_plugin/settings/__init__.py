"""Plugin settings, applied by edx_django_utils.plugins.add_plugins for each settings type."""
