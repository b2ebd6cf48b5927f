"""``manage.py lms send_appraisal_reminders``: remind people of appraisal steps due soon or overdue (for cron)."""

import datetime

from django.core.management.base import BaseCommand

from ...appraisals import api as appraisals_api


class Command(BaseCommand):
    help = (
        "Email the people who owe a step of a review in an active appraisal cycle, before its deadline and once "
        "overdue (each reminder once)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help="Remind this many days before a deadline (default: PERF_MGMT_APPRAISAL_REMINDER_DAYS).",
        )
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="Act as if today were YYYY-MM-DD."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, **options):
        result = appraisals_api.send_appraisal_reminders(
            today=options["date"], days_before=options["days_before"], dry_run=options["dry_run"]
        )
        verb = "would be sent" if options["dry_run"] else "sent"
        self.stdout.write(f"{result.reviews} reviews to remind, {result.people} people, {result.emails} emails {verb}")
