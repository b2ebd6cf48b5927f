"""
Celery tasks: thin adapters over the domains, safe to run more than once (a retried or duplicated message finds
its work already done and does nothing).

Pages and API views enqueue them through the ``enqueue_*`` helpers, which wait for the surrounding transaction to
commit so that a worker never looks for a row that is not visible yet.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from .org import importer


@shared_task(name="perf_mgmt.run_org_import", ignore_result=True)
def run_org_import(job_id):
    """Run a pending org chart import job (progress, result and status are recorded on the job)."""
    importer.run_job(job_id)


def enqueue_org_import(job):
    """Run ``job`` in a worker once the current transaction commits, on ``PERF_MGMT_CELERY_QUEUE`` if set."""
    queue = settings.PERF_MGMT_CELERY_QUEUE
    options = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: run_org_import.apply_async((job.pk,), **options))
