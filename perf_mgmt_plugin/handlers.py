"""
Signal receivers: thin adapters from platform and Django signals to the plugin's api.

Receivers for signals that exist everywhere are declared in ``apps.PerfMgmtConfig.plugin_app['signals_config']``
and connected by edx_django_utils. The platform's retirement signals only exist inside openedx-platform, so they
are connected here when importable (as openedx-authz does).
"""

import logging

from .openedx import compat

log = logging.getLogger(__name__)


def on_user_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """
    A hard-deleted user also loses the personal data kept outside cascading tables (e.g. history rows).

    Runs before the cascade, while every record that a retirement step may need to find is still there.
    """
    from . import api  # pylint: disable=import-outside-toplevel

    api.retire_user(instance)


def after_user_deleted(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """
    Retire again once the cascade is done: deleting the user's records wrote "deleted" history rows holding the
    values loaded before ``on_user_deleted`` ran (employee number, start date). Steps are idempotent and this runs
    in the deletion's transaction.
    """
    from . import api  # pylint: disable=import-outside-toplevel

    api.retire_user(instance)


#: Employee fields whose change can move competency gaps (the position's requirements; only active people have gaps).
_GAP_FIELDS = frozenset({"position", "position_id", "active"})


def on_employee_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):  # pylint: disable=unused-argument
    """
    A saved employee record (new, moved to another position, deactivated) gets its competency gaps recomputed.

    Saves that name only other fields (``update_fields``, e.g. a new manager) are skipped. Bulk imports send no
    ``post_save``: ``on_employees_imported`` covers them.
    """
    if raw or (update_fields is not None and not _GAP_FIELDS.intersection(update_fields)):
        return
    from .competencies import gaps  # pylint: disable=import-outside-toplevel

    gaps.recompute_gaps(employee_ids=[instance.pk])


def on_employees_imported(sender, user_ids=(), **kwargs):  # pylint: disable=unused-argument
    """
    A bulk org import created or moved people (it sends no ``post_save``): their competency gaps are recomputed
    in a worker, after the import has committed.
    """
    from . import tasks  # pylint: disable=import-outside-toplevel

    tasks.enqueue_gap_recompute_of_users(user_ids)


def on_user_retired(sender, user=None, retired_username=None, retired_email=None, **kwargs):  # pylint: disable=unused-argument
    """The platform retires a user (USER_RETIRE_LMS_CRITICAL / USER_RETIRE_LMS_MISC)."""
    from . import api  # pylint: disable=import-outside-toplevel

    if user is None:
        log.warning("perf-mgmt retirement signal without a user: ignored")
        return
    api.retire_user(user, retired_username=retired_username, retired_email=retired_email)


def connect_platform_receivers():
    """Connect to the platform's retirement signals when the platform is installed; True if connected."""
    signals = compat.retirement_signals()
    if signals is None:
        return False
    for name, signal in zip(("critical", "misc"), signals, strict=False):
        signal.connect(on_user_retired, dispatch_uid=f"perf_mgmt.handlers.on_user_retired.{name}")
    return True
