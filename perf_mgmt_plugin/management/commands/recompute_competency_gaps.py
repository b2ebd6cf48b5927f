"""
``recompute_competency_gaps [--employee ID ...] [--competency ID ...] [--no-snapshot] [--batch-size N]``

Brings every stored competency gap in line with requirements and assessments (the same function as the Celery
task ``perf_mgmt.recompute_gaps``) and, for a full run, stores today's gap snapshot. Idempotent; meant for cron.
"""

import time

from django.core.management.base import BaseCommand

from ...competencies import api as competencies_api


class Command(BaseCommand):
    help = "Recompute competency gaps (all people, or some) and store today's gap snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--employee", type=int, action="append", help="employee id (repeatable)")
        parser.add_argument("--competency", type=int, action="append", help="competency id (repeatable)")
        parser.add_argument("--no-snapshot", action="store_true", help="do not store today's snapshot")
        parser.add_argument("--batch-size", type=int, default=competencies_api.GAP_BATCH_SIZE)

    def handle(self, *args, **options):
        started = time.monotonic()
        result = competencies_api.recompute_gaps(
            employee_ids=options["employee"], competency_ids=options["competency"], batch_size=options["batch_size"]
        )
        full = not options["employee"] and not options["competency"]
        snapshots = competencies_api.create_snapshot() if full and not options["no_snapshot"] else 0
        self.stdout.write(
            f"{result.people} people in {result.batches} batches: {result.created} gaps created, "
            f"{result.updated} updated, {result.deleted} deleted; {snapshots} snapshot rows; "
            f"{time.monotonic() - started:.1f}s"
        )
