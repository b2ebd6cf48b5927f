"""
Interim notes: what the person or their manager notices through the period, tagged (recognition, observation,
concern, idea), so the review does not rest on memory.

A shared note is read by the person, their managers at any depth and delegates (``perf_mgmt.add_interim_note``
on the person); a private one only by its author, whoever else asks. Only the author changes or deletes a note.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.access import AccessDenied, can, require
from ..core.idempotency import idempotent
from ..core.sanitize import sanitize_html
from ..core.versioning import claim_version
from .errors import AppraisalError
from .models import InterimNote

NOTE = "perf_mgmt.add_interim_note"


def _clean(*, body, tag, noted_on):
    body = sanitize_html(body or "")
    if not body.strip():
        raise AppraisalError(_("Write the note."))
    if tag not in dict(InterimNote.TAG_CHOICES):
        raise AppraisalError(_("Choose the note's tag: recognition, observation, concern or idea."))
    if isinstance(noted_on, str):
        try:
            noted_on = datetime.date.fromisoformat(noted_on)
        except ValueError as exc:
            raise AppraisalError(_("Give the note's date as YYYY-MM-DD.")) from exc
    if noted_on > timezone.localdate():
        raise AppraisalError(_("A note cannot be dated in the future."))
    return body, tag, noted_on


@transaction.atomic
@idempotent("note", InterimNote)
def add_note(user, employee, *, body, tag=InterimNote.OBSERVATION, private=False, noted_on=None):
    """``user`` (the person, a manager or a delegate) notes something about ``employee``."""
    require(user, NOTE, employee)
    body, tag, noted_on = _clean(body=body, tag=tag, noted_on=noted_on or timezone.localdate())
    return InterimNote.objects.create(
        employee=employee, author=user, tag=tag, body=body, private=bool(private), noted_on=noted_on
    )


def _own(user, note):
    if note.author_id is None or note.author_id != user.pk:
        raise AccessDenied(NOTE)


@transaction.atomic
def update_note(user, note, *, body=None, tag=None, private=None, noted_on=None, version=None):
    """
    The author changes their note (its text, tag, privacy or date): only what is given changes. ``version``: the
    one the author read -- a newer one is an ``EditConflict`` and nothing is saved.
    """
    _own(user, note)
    note = InterimNote.objects.select_for_update().get(pk=note.pk)
    claim_version(note, version)
    body, tag, noted_on = _clean(
        body=note.body if body is None else body,
        tag=note.tag if tag is None else tag,
        noted_on=note.noted_on if noted_on is None else noted_on,
    )
    note.body, note.tag, note.noted_on = body, tag, noted_on
    if private is not None:
        note.private = bool(private)
    note.save(update_fields=["body", "tag", "noted_on", "private", "version"])
    return note


@transaction.atomic
def delete_note(user, note):
    """The author deletes their note."""
    _own(user, note)
    note.delete()


def readable_q(user):
    """A ``Q`` on InterimNote: shared notes, and private ones the user wrote."""
    return Q(private=False) | Q(author_id=user.pk)


def note_for(user, pk):
    """The note ``pk`` if ``user`` may read it (as in :func:`notes_for`), else None."""
    note = InterimNote.objects.filter(readable_q(user), pk=pk).select_related("author", "employee__user").first()
    if note is None or not can(user, NOTE, note.employee):
        return None
    return note


def notes_for(user, employee, start=None, end=None):
    """
    The notes about ``employee`` that ``user`` may read (the person, managers, delegates; private ones only their
    own), newest first, optionally between ``start`` and ``end`` (dates, inclusive).
    """
    require(user, NOTE, employee)
    qs = InterimNote.objects.filter(readable_q(user), employee_id=employee.pk).select_related("author")
    if start is not None:
        qs = qs.filter(noted_on__gte=start)
    if end is not None:
        qs = qs.filter(noted_on__lte=end)
    return qs
