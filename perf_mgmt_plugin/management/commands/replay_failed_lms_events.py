"""``manage.py lms replay_failed_lms_events``: apply again the platform signals whose handling failed (for cron)."""

from django.core.management.base import BaseCommand

from ... import api


class Command(BaseCommand):
    help = (
        "Apply again the LMS events, block completions and user retirements that the plugin's receivers could not "
        "handle when the platform sent them (they log the failure and keep the signal instead of raising)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Replay at most N kept signals (oldest first).")

    def handle(self, *args, **options):
        replayed, failing = api.replay_failed_platform_events(limit=options["limit"])
        self.stdout.write(f"{replayed} replayed, {failing} still failing")
        if failing:
            self.stderr.write("Some signals failed again: see the log; they stay kept for the next run.")
