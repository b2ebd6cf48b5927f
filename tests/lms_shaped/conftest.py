"""
These tests run only under ``lms_host.lms_shaped_settings`` (the "pages and API under LMS-shaped settings" step of
``make test``, after ``collectstatic``); the main run under the host's settings does not collect them.
"""

import os

LMS_SHAPED = os.environ.get("DJANGO_SETTINGS_MODULE") == "lms_host.lms_shaped_settings"
collect_ignore_glob = [] if LMS_SHAPED else ["test_*.py"]
