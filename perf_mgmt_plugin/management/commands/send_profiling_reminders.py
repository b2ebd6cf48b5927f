"""``manage.py lms send_profiling_reminders``: remind 360 raters who have not answered yet (for cron)."""

from django.core.management.base import BaseCommand

from ...profiling import api as profiling_api


class Command(BaseCommand):
    help = (
        "Email the raters of open 360 rounds who have not answered (invited at least the interval ago), each at most "
        "once per interval; rounds past their answer date are left alone until HR extends them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval-days",
            type=int,
            default=None,
            help="Days between two reminders of a rater (default: PERF_MGMT_PROFILING_REMINDER_DAYS, or 3).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, **options):
        result = profiling_api.send_profiling_reminders(interval=options["interval_days"], dry_run=options["dry_run"])
        verb = "would be reminded" if options["dry_run"] else "reminded"
        self.stdout.write(f"{result.raters} raters in {result.rounds} rounds {verb}")
