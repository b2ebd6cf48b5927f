"""``manage.py load_demo_data``: load the demo organisation and print a login per persona."""

from django.conf import settings
from django.core.management.base import BaseCommand

from lms_host import demo


class Command(BaseCommand):
    help = "Load the Northwind Learning demo organisation (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        demo.load_demo_data()
        # LMS_ROOT_URL follows `make demo HOST=... PORT=...` (PERF_MGMT_ROOT_URL).
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Sign in at {settings.LMS_ROOT_URL}/login/ as:"))
        for persona, username in demo.PERSONAS.items():
            self.stdout.write(f"  {persona:<36} {username:<8} / {demo.DEMO_PASSWORD}")
