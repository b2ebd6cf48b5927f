"""
Idempotent creates and submits (ADR 0016): a request that carries a key (the hidden ``idempotency_key`` field each
form render gets, the REST ``Idempotency-Key`` header) is done once per user and key. The key is stored in
:class:`~perf_mgmt_plugin.core.models.IdempotencyKey` (unique per user and key) in the same transaction as what the
request makes; the same key again -- a double click, a client's retry after a lost answer, even at the same moment
-- waits for the first to commit and is answered with the record the first one made, instead of making another.
If the first failed (rolled back), its key is gone and the retry runs.
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Unprocessable
from .models import IdempotencyKey
from .retirement import register_retirement_step

#: What a key may look like: a UUID or any token of 1-64 letters, digits, ``-``, ``_``, ``.``, ``:``.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
#: How long a key is remembered.
KEEP = datetime.timedelta(days=1)


class IdempotencyError(Unprocessable):
    """The key is malformed, or was used before for another request."""


@dataclass
class Outcome:
    """What :func:`once` gives back: the record (made now, or by the first request) and whether it was replayed."""

    result: object
    replayed: bool = False


def clean_key(key):
    """The key as sent (stripped), '' for none; a malformed key is refused."""
    key = (key or "").strip()
    if key and not KEY_PATTERN.match(key):
        raise IdempotencyError(_("The idempotency key must be 1-64 letters, digits, '-', '_', '.' or ':'."))
    return key


_SHARED_READ = "SELECT * FROM perf_mgmt_idempotencykey WHERE user_id = %s AND `key` = %s LOCK IN SHARE MODE"


def _first_request(user_id, key):
    """
    The key's row, once the duplicate-key check told us the first request with it committed (its insert held us
    until then). A locking read sees it whatever this transaction's snapshot (REPEATABLE READ); a shared one, since
    the duplicate check already holds a shared lock on it in each waiting request, and several of them asking for an
    exclusive lock at once would deadlock one another.
    """
    if connection.vendor != "mysql":
        return IdempotencyKey.objects.get(user_id=user_id, key=key)
    # Read the whole result: a raw cursor left half-read keeps the connection out of sync for the next statement.
    (row,) = list(IdempotencyKey.objects.raw(_SHARED_READ, [user_id, key]))
    return row


def once(user, key, scope, model, make):
    """
    Run ``make()`` (which returns a ``model`` instance) once per ``user`` and ``key``; ``scope`` names the action and
    its target, and a key reused for another scope is refused. Without a key, ``make()`` simply runs. Returns an
    :class:`Outcome`.
    """
    key = clean_key(key)
    if not key or not getattr(user, "pk", None):
        return Outcome(make())
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user_id=user.pk, key=key, scope=scope[:96])
        except IntegrityError:
            row = _first_request(user.pk, key)
            if row.scope != scope[:96]:
                raise IdempotencyError(_("This idempotency key was already used for another request.")) from None
            return Outcome(model._default_manager.filter(pk=row.object_id).first(), replayed=True)
        result = make()
        row.object_id = getattr(result, "pk", None)
        row.save(update_fields=["object_id"])
        return Outcome(result)


def purge(now=None):
    """Forget the keys older than :data:`KEEP`; returns how many."""
    cutoff = (now or timezone.now()) - KEEP
    return IdempotencyKey.objects.filter(created__lt=cutoff).delete()[0]


def idempotent(action, model):
    """
    Decorate a domain function ``func(user, target, ...)`` so it accepts ``idempotency_key=""`` and runs once per
    user and key (:func:`once`), its scope being ``action`` and the target's id. ``action`` may be a callable of the
    function's keyword arguments (one function, several actions: a save and a submit).
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(user, target, *args, idempotency_key="", **kwargs):
            name = action(kwargs) if callable(action) else action
            make = functools.partial(func, user, target, *args, **kwargs)
            return once(user, idempotency_key, f"{name}:{target.pk}", model, make).result

        return wrapper

    return decorate


@register_retirement_step("idempotency_keys")
def retire_idempotency_keys(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """A retired user's keys go (they only say which requests they sent in the last day)."""
    IdempotencyKey.objects.filter(user_id=user.pk).delete()
