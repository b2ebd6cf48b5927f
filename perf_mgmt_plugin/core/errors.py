"""
The one error model of the plugin (issue 18, ADR 0018).

Domain functions refuse a request by raising a subclass of :class:`DomainError`; entry points translate it once:
REST through its exception handler (``rest_api/v1/base.py``), pages through their web helper (``web/errors.py``),
XBlock handlers into their JSON error. Nothing here derives from a built-in such as ``ValueError`` or
``PermissionError``, so an ``except DomainError`` cannot swallow a programming error by accident.

A domain error says *what kind* of refusal it is by the kind it derives from; the entry points map kinds, never
single classes:

=========================  ==========================================================  ====  =====================
kind                       meaning                                                     REST  page
=========================  ==========================================================  ====  =====================
:class:`DomainError`       the request is not valid for the domain (``Invalid``)        400   message on the page
:class:`Refused`           the user may not do this                                     403   the 403 page
:class:`NotFound`          no such object (or out of the user's sight)                  404   the 404 page
:class:`Conflict`          the state changed under the request (someone else acted)     409   message on the page
:class:`PreconditionFailed`  the object was saved since the client read it (version)    412   message, input kept
:class:`PreconditionRequired`  the request must state the version it read                428   message on the page
:class:`Unprocessable`     well-formed but refused control data (an idempotency key)    422   message on the page
:class:`Busy`              the database kept refusing the write after its retries       503   message on the page
=========================  ==========================================================  ====  =====================

A domain declares its own base (``class AppraisalError(DomainError)``) and, for the other kinds, a class that
derives from both (``class AppraisalConflict(AppraisalError, Conflict)``), so a page that shows "any appraisal
error" shows a conflict too, while REST answers it with 409.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request the domain refuses, with a message written for the person who made it (400 in REST)."""

    #: The message when none is given (``str(exc)`` is what people read).
    default_message = ""

    def __str__(self):
        text = super().__str__()
        return text or str(self.default_message)


#: The plain kind: the request is not valid for the domain. Same as :class:`DomainError`; named for readers.
Invalid = DomainError


class Refused(DomainError):
    """The user may not do this (403; a page shows the plugin's 403 page)."""

    default_message = _("You may not do that.")


class NotFound(DomainError):
    """No such object, or one out of the user's sight (404, with one body for both so they cannot be told apart)."""

    default_message = _("Not found.")


class Conflict(DomainError):
    """
    The request conflicts with the current state of the data (changed by someone else since the page was shown):
    409 in REST, the message on a page (ADR 0015).
    """

    default_message = _("This changed in the meantime; reload and try again.")


class PreconditionFailed(DomainError):
    """The object was saved by someone else since the client read it (412 in REST, ADR 0016)."""


class PreconditionRequired(DomainError):
    """The request must state the version it read (428 in REST)."""

    default_message = _("State the version you read (If-Match).")


class Unprocessable(DomainError):
    """Control data of the request (not its content) is refused, e.g. a malformed idempotency key (422 in REST)."""


class Busy(DomainError):
    """The database kept refusing the write (deadlocks or lock waits) after every retry: try again shortly (503)."""

    default_message = _("The server is busy with other changes to the same data. Nothing was saved; please try again.")

    @property
    def message(self):
        """The text shown (kept for callers that read ``Busy.message``)."""
        return str(self)


class NoEmployeeRecord(DomainError):
    """
    The user has no active employee record, so there is nobody to act as (the LMS still works for them). One class
    for every domain (competencies, strategy, development ...): callers handle it the same way everywhere.
    """
