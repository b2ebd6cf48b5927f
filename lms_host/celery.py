"""The host's Celery app; like the LMS's, it autodiscovers ``shared_task``s of installed apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_host.settings")

app = Celery("lms_host")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
