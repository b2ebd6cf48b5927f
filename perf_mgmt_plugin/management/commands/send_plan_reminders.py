"""``manage.py lms send_plan_reminders``: email people (and their managers) about overdue plan items (for cron)."""

from django.core.management.base import BaseCommand

from ...development import api as development_api


class Command(BaseCommand):
    help = "Email people and their managers about overdue development plan items (each item once per interval)."

    def add_arguments(self, parser):
        parser.add_argument("--interval-days", type=int, default=7, help="Remind an item at most once per N days.")
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, **options):
        result = development_api.send_overdue_reminders(
            interval_days=options["interval_days"], dry_run=options["dry_run"]
        )
        self.stdout.write(f"{result.items} overdue items, {result.people} people, {result.emails} emails sent")
