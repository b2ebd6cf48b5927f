"""WSGI entry of the stand-in host."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_host.settings")
application = get_wsgi_application()
