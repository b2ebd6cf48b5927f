"""Settings for the test suite: the host's settings with the plugin's ``test`` settings type, fast hashing."""

import os

os.environ.setdefault("PERF_MGMT_SETTINGS_TYPE", "test")

from .settings import *  # noqa: E402,F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PERF_MGMT_TEST_SQLITE")}  # noqa: F405

# lane guide: files the tests store (job aids) go to a throwaway folder, not the demo's var/media.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="perf-mgmt-test-media-")
