"""
``recompute_strategy [--period ID ...] [--no-notify] [--schedule-check-ins]``

Recomputes progress, pace, status and forecast of every active objective bottom-up (the same function as the Celery
task ``perf_mgmt.recompute_strategy``), notifying owners' managers of worse statuses; optionally also creates due
check-ins and marks missed ones (task ``perf_mgmt.schedule_check_ins``). Idempotent; meant for cron.
"""

import time

from django.core.management.base import BaseCommand

from ...strategy import api as strategy_api


class Command(BaseCommand):
    help = "Recompute the strategy cascade's progress and forecasts (and optionally schedule check-ins)."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, action="append", help="period id (repeatable); default all")
        parser.add_argument("--no-notify", action="store_true", help="do not notify of worse statuses")
        parser.add_argument("--schedule-check-ins", action="store_true", help="also create due check-ins")

    def handle(self, *args, **options):
        started = time.monotonic()
        result = strategy_api.recompute_all(period_ids=options["period"], notify=not options["no_notify"])
        self.stdout.write(
            f"{result.objectives} objectives: {result.changed} changed, {result.notified} notifications; "
            f"{time.monotonic() - started:.1f}s"
        )
        if options["schedule_check_ins"]:
            scheduled = strategy_api.schedule_due()
            self.stdout.write(f"{scheduled['scheduled']} check-ins scheduled, {scheduled['missed']} marked missed")
