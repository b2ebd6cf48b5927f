"""Models shared by every domain: the idempotency keys of create and submit requests (ADR 0016)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """
    A create or submit request already handled for one user: the key the client sent (the hidden field of a form,
    the REST ``Idempotency-Key`` header), what it was for (``scope``: the action and its target) and the record it
    made, so the same request sent again is answered with that record instead of making another. Kept a day.

    .. pii: Which user sent a request with this key and the id of the record it made. Deleted by the retirement
       step ``idempotency_keys`` (and with the user), purged after a day by ``purge_idempotency_keys``.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    # No foreign key constraint in the database: its check takes a shared lock on the user's row at every insert,
    # which deadlocked with the waiting duplicates as soon as the first request locked that row (a review's
    # ``select_for_update`` with its user). Deleting a user still deletes their keys (Django's cascade).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    key = models.CharField(max_length=64)
    scope = models.CharField(max_length=96, help_text="The action and its target, e.g. note:12.")
    object_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The record the first request made.")
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = "perf_mgmt"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="perf_idempotency_once")]

    def __str__(self):
        return f"{self.user_id}: {self.key}"
