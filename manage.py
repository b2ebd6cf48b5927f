#!/usr/bin/env python
"""Management entry of the stand-in LMS host (lms_host)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_host.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
