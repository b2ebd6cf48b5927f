"""The host's course app; its ready() connects plugin receivers as the LMS's plugins app does."""

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "lms_host.courses"
    label = "host_courses"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        # openedx-platform: openedx/core/djangoapps/plugins/apps.py calls connect_plugin_receivers in ready().
        from edx_django_utils.plugins import connect_plugin_receivers  # pylint: disable=import-outside-toplevel

        connect_plugin_receivers("lms.djangoapp")
