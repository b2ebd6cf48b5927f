"""``manage.py lms purge_idempotency_keys``: forget the idempotency keys of requests older than a day (for cron)."""

from django.core.management.base import BaseCommand

from ...core import idempotency


class Command(BaseCommand):
    help = "Forget the idempotency keys of create and submit requests older than a day (a retry comes sooner)."

    def handle(self, *args, **options):
        self.stdout.write(f"{idempotency.purge()} idempotency keys purged")
