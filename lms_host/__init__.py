"""
A small Django project that stands in for the Open edX LMS in development, demos and tests.

It loads perf-mgmt exactly the way the LMS does (edx_django_utils.plugins) and provides what the LMS would:
users and login, demo courses with enrollments and course roles, edx-completion's models, Celery, and the
xblock-sdk workbench as the XBlock runtime. It is not shipped in the package.
"""

from .celery import app as celery_app  # noqa: E402,F401  (binds shared_task to the host's Celery app)
