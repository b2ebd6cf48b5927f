"""
Optimistic concurrency (ADR 0016): the objects people edit carry a version number; a save states the version the
editor read, and the domain's update function moves it on with a compare-and-set inside its transaction::

    UPDATE table SET version = version + 1 WHERE id = %s AND version = %s

No row changed means someone else saved since: :class:`EditConflict`, and nothing of this save is written. A save
that states no version (a script, an older client) still moves the version on, so every open editor learns of it.
The one helper every domain uses; the pages show the conflict with the user's input kept, REST answers 412.
"""

from django.db.models import F
from django.utils.translation import gettext as _

from .errors import PreconditionFailed


class EditConflict(PreconditionFailed):
    """The object was saved by someone else since the caller read it. ``current`` is its version now."""

    def __init__(self, current=None):
        self.current = current
        super().__init__(
            _("This was changed by someone else since you opened it. Nothing of yours was saved: check their changes.")
        )


def as_version(value):
    """The version a form or header sent: None when none was sent; anything but a whole number is a conflict."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise EditConflict() from None
    if number < 0:
        raise EditConflict()
    return number


def claim_version(instance, expected=None, field="version"):
    """
    Move ``instance``'s version on by one in the database, checking first (in the same UPDATE) that it still is
    ``expected`` when given; set the new number on ``instance`` (so a later ``save()`` writes the same). Must run
    inside the caller's transaction, before the object's other changes are written.
    """
    expected = as_version(expected)
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    target = rows if expected is None else rows.filter(**{field: expected})
    if not target.update(**{field: F(field) + 1}):
        # A locking read sees the latest committed version, whatever this transaction's snapshot.
        raise EditConflict(rows.select_for_update().values_list(field, flat=True).first())
    setattr(instance, field, rows.select_for_update().values_list(field, flat=True).get())
    return getattr(instance, field)
