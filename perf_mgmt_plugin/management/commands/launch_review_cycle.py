"""
``launch_review_cycle CYCLE_ID [--late-joiners]``

The operator's re-run of a cycle's launch (the same function as the Celery task ``perf_mgmt.launch_review_cycle``):
creates the reviews that are missing, in batches, printing progress. Safe to repeat. ``--late-joiners`` instead
adds everyone who joined any active, launched cycle's population since (useful as a nightly cron safety net).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from ... import api
from ...appraisals.api import Cycle


class Command(BaseCommand):
    help = "Create the missing reviews of an appraisal cycle (safe re-run), or add late joiners to active cycles."

    def add_arguments(self, parser):
        parser.add_argument("cycle_id", nargs="?", type=int, help="the cycle to launch or re-run")
        parser.add_argument("--late-joiners", action="store_true", help="add late joiners to every active cycle")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["late_joiners"]:
            created = api.add_late_joiners()
            self.stdout.write(f"{created} late joiners added; {time.monotonic() - started:.1f}s")
            return
        if options["cycle_id"] is None:
            raise CommandError("Give a cycle id, or --late-joiners.")
        cycle = Cycle.objects.filter(pk=options["cycle_id"]).first()
        if cycle is None:
            raise CommandError(f"No cycle {options['cycle_id']}.")
        if cycle.status != Cycle.ACTIVE:
            raise CommandError(f"Cycle {cycle.pk} is {cycle.status}: launch it from the cycle page first.")
        try:
            created = api.run_cycle_launch(cycle.pk, rerun=True)
        except api.AppraisalError as error:
            raise CommandError(str(error)) from error
        status, done, total, _error = api.cycle_launch_progress(cycle)
        self.stdout.write(
            f"{created} reviews created; {done}/{total} people have a review ({status}); "
            f"{time.monotonic() - started:.1f}s"
        )
