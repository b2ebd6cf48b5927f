"""``manage.py lms send_health_packs``: email this month's organisational health packs (daily; sends once a month)."""

from django.core.management.base import BaseCommand

from ...health import api as health


class Command(BaseCommand):
    help = "Email the monthly health pack to those who may read it (a unit already sent this month is skipped)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="The LMS's address, for the links in the emails.")
        parser.add_argument("--force", action="store_true", help="Send again units already sent this month.")

    def handle(self, *args, **options):
        packs, emails = health.send_packs(base_url=options["base_url"], force=options["force"])
        self.stdout.write(f"{packs} packs, {emails} emails sent")
