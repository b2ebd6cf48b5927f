"""
The Django app configuration that makes perf-mgmt an Open edX plugin.

The LMS and Studio discover this class through the ``lms.djangoapp`` / ``cms.djangoapp`` entry points and read
``plugin_app`` to mount URLs, apply settings and connect receivers (edx_django_utils.plugins). Nothing here reads
``settings`` at import time: the platform imports this module before its settings are final.
"""

from django.apps import AppConfig

try:  # pragma: no cover - the constants are optional in older edx-django-utils
    from edx_django_utils.plugins.constants import PluginSettings, PluginSignals, PluginURLs
except ImportError:  # pragma: no cover
    PluginSettings = PluginSignals = PluginURLs = None

LMS = "lms.djangoapp"
CMS = "cms.djangoapp"


_EVENTS = "openedx_events.learning.signals."
#: openedx-events signals and edx-completion's BlockCompletion saves that move development plan items.
LEARNING_RECEIVERS = [
    *(
        {
            "receiver_func_name": receiver,
            "signal_path": _EVENTS + signal,
            "dispatch_uid": f"perf_mgmt.handlers.{receiver}.{signal}",
        }
        for receiver, signal in (
            ("on_course_enrollment", "COURSE_ENROLLMENT_CREATED"),
            ("on_course_enrollment", "COURSE_ENROLLMENT_CHANGED"),
            ("on_course_enrollment", "COURSE_UNENROLLMENT_COMPLETED"),
            ("on_course_passing_status", "COURSE_PASSING_STATUS_UPDATED"),
            ("on_course_passing_status", "CCX_COURSE_PASSING_STATUS_UPDATED"),
            ("on_persistent_grade", "PERSISTENT_GRADE_SUMMARY_CHANGED"),
            ("on_certificate", "CERTIFICATE_CREATED"),
            ("on_certificate", "CERTIFICATE_CHANGED"),
            ("on_certificate", "CERTIFICATE_REVOKED"),
        )
    ),
    {
        "receiver_func_name": "on_block_completion_saved",
        "signal_path": "django.db.models.signals.post_save",
        "sender_path": "completion.models.BlockCompletion",
        "dispatch_uid": "perf_mgmt.handlers.on_block_completion_saved",
    },
]


class PerfMgmtConfig(AppConfig):
    """Plugin app for performance management and strategy execution."""

    name = "perf_mgmt_plugin"
    label = "perf_mgmt"
    verbose_name = "Performance management"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {
            LMS: {
                "namespace": "perf_mgmt",
                "app_name": "perf_mgmt",
                "regex": r"^perf-mgmt/",
                "relative_path": "urls",
            },
        },
        "settings_config": {
            project: {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
                "test": {"relative_path": "settings.test"},
                "devstack": {"relative_path": "settings.common"},
            }
            for project in (LMS, CMS)
        },
        "signals_config": {
            project: {
                "relative_path": "handlers",
                "receivers": [
                    {
                        "receiver_func_name": "on_user_deleted",
                        "signal_path": "django.db.models.signals.pre_delete",
                        "sender_path": "django.contrib.auth.models.User",
                        "dispatch_uid": "perf_mgmt.handlers.on_user_deleted",
                    },
                    {
                        "receiver_func_name": "after_user_deleted",
                        "signal_path": "django.db.models.signals.post_delete",
                        "sender_path": "django.contrib.auth.models.User",
                        "dispatch_uid": "perf_mgmt.handlers.after_user_deleted",
                    },
                    {
                        "receiver_func_name": "on_employee_saved",
                        "signal_path": "django.db.models.signals.post_save",
                        "sender_path": "perf_mgmt_plugin.org.models.Employee",
                        "dispatch_uid": "perf_mgmt.handlers.on_employee_saved",
                    },
                    {
                        "receiver_func_name": "on_employees_imported",
                        "signal_path": "perf_mgmt_plugin.org.signals.employees_changed",
                        "dispatch_uid": "perf_mgmt.handlers.on_employees_imported",
                    },
                    {
                        "receiver_func_name": "on_course_recommendations_changed",
                        "signal_path": "perf_mgmt_plugin.competencies.signals.course_recommendations_changed",
                        "dispatch_uid": "perf_mgmt.handlers.on_course_recommendations_changed",
                    },
                    # The learning loop (LMS only: the learner's progress happens there).
                    *(LEARNING_RECEIVERS if project == LMS else []),
                ],
            }
            for project in (LMS, CMS)
        },
    }

    def ready(self):
        # Rules (permissions) and retirement steps register themselves when their modules are imported: here, once,
        # for every domain (not as a side effect of importing the public api). Platform-only signals are connected
        # only when the platform is there (their modules do not exist in other hosts).
        # pylint: disable=unused-import,import-outside-toplevel
        from . import handlers, rules  # noqa: F401
        from .appraisals import retirement as _appraisals_retirement  # noqa: F401
        from .blended import retirement as _blended_retirement  # noqa: F401
        from .competencies import retirement as _competencies_retirement  # noqa: F401
        from .core import idempotency as _idempotency_retirement  # noqa: F401
        from .development import retirement as _development_retirement  # noqa: F401
        from .health import retirement as _health_retirement  # noqa: F401
        from .org import retirement as _org_retirement  # noqa: F401
        from .profiling import retirement as _profiling_retirement  # noqa: F401
        from .strategy import retirement as _strategy_retirement  # noqa: F401
        from .succession import retirement as _succession_retirement  # noqa: F401

        handlers.connect_platform_receivers()
