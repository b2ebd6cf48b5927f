"""
Writing safely while other requests write the same rows (ADR 0015).

* :func:`atomic_retry` -- on top of a domain function that is (or is decorated) ``transaction.atomic``: when it is
  the outermost transaction, a deadlock or a lock-wait timeout (MySQL/MariaDB errors 1213 and 1205) or SQLite's
  "database is locked" reruns the whole function -- its whole transaction -- a few times with a short random
  back-off, then gives up with :class:`Busy`. Inside someone else's transaction it does nothing: the outermost
  caller owns the retry (a deadlock rolls the whole transaction back, not only the inner block).
* :func:`lock` -- re-read a row with ``SELECT ... FOR UPDATE`` (a locking read sees the latest committed row, not
  the transaction's REPEATABLE-READ snapshot) so that a state transition checks its source state under the lock.
* :func:`lock_rows` -- lock several rows of one table in a fixed order (primary key), so that two transactions
  locking overlapping sets cannot deadlock on each other.
* :class:`Conflict` -- a transition the current state no longer allows (someone else changed it first): entry
  points answer 409 or show the message. :class:`Busy` -- retries exhausted: 503 with ``Retry-After``.
"""

import functools
import logging
import random
import time

from django.db import OperationalError, connection, transaction

from .errors import Busy, Conflict

__all__ = ["ATTEMPTS", "BACKOFF", "Busy", "Conflict", "atomic_retry", "is_retryable", "lock", "lock_rows"]

log = logging.getLogger(__name__)

#: MySQL/MariaDB: ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT.
RETRYABLE_MYSQL_CODES = frozenset({1213, 1205})
#: How many times the whole transaction runs before :class:`Busy`.
ATTEMPTS = 4
#: Back-off before the n-th retry: ``BACKOFF * 2**n`` seconds, times a random factor in [0.5, 1.5).
BACKOFF = 0.02


def is_retryable(exc):
    """Whether ``exc`` is a deadlock / lock-wait timeout (MySQL, MariaDB) or SQLite's "database is locked"."""
    if not isinstance(exc, OperationalError):
        return False
    code = exc.args[0] if exc.args else None
    if isinstance(code, int):
        return code in RETRYABLE_MYSQL_CODES
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def atomic_retry(func=None, *, attempts=None):
    """
    Decorator: run ``func`` in a transaction, retrying the whole transaction on deadlock / lock-wait timeout.

    ``func`` is wrapped in ``transaction.atomic`` here. When called inside an outer atomic block it runs once (the
    outer block's owner retries, if anyone does) and adds no query of its own.
    """

    def decorator(inner):
        atomic_inner = transaction.atomic(inner)

        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            if connection.in_atomic_block:
                return atomic_inner(*args, **kwargs)
            tries = attempts or ATTEMPTS
            for attempt in range(tries):
                try:
                    return atomic_inner(*args, **kwargs)
                except OperationalError as exc:
                    if not is_retryable(exc):
                        raise
                    if attempt == tries - 1:
                        log.warning("%s gave up after %s attempts: %s", inner.__qualname__, tries, exc)
                        raise Busy() from exc
                    log.info("%s: %s, retrying (%s/%s)", inner.__qualname__, exc, attempt + 1, tries - 1)
                    time.sleep(BACKOFF * (2**attempt) * (0.5 + random.random()))  # noqa: S311 (jitter only)
            raise AssertionError("unreachable")  # pragma: no cover

        wrapper.retries_deadlocks = True
        return wrapper

    return decorator(func) if func is not None else decorator


def lock(instance, fields=None):
    """
    Lock ``instance``'s row (``SELECT ... FOR UPDATE``) and reload its ``fields`` (all by default) from the latest
    committed version; reloading only the state a transition checks keeps the instance's cached relations.

    Must run in a transaction. Returns the instance (updated in place). A no-op lock on SQLite, which serialises
    writers anyway.
    """
    instance.refresh_from_db(fields=fields, from_queryset=type(instance)._default_manager.select_for_update())
    return instance


def lock_rows(model, pks):
    """Lock the rows of ``model`` with these primary keys, in primary-key order; ``{pk: instance}``."""
    pks = sorted(set(pks))
    if not pks:
        return {}
    return {row.pk: row for row in model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk")}
