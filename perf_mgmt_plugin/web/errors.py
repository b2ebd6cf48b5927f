"""
The one web helper for domain errors (issue 18, ADR 0018): how a page answers what a domain function refuses.

* a refusal (``Refused``, e.g. ``AccessDenied``) -> the plugin's 403 page, with the navigation and a way back (the
  page was visible, so what the user tried to act on is no secret);
* ``NotFound`` -> 404, as for an id out of sight;
* ``Busy`` (or a deadlock that reached the view unretried) -> the 503 page with ``Retry-After``;
* any other domain error (invalid, conflict, stale version, refused key ...) -> its message on the page, and the
  view carries on (shows the form again, or redirects back);
* anything else -- a ``ValueError`` raised by a bug -- is not caught: a 500, logged, never a message that hides it.

Views run a domain action with :func:`attempt`; the pages' decorator (``access.page_requires``) renders
:func:`error_page` for whatever escapes a view.
"""

import contextlib

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..core import errors
from ..core.concurrency import is_retryable
from .nav import nav_context


def _back_url(request):
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return ""
    return back


def error_page(request, exc):
    """
    The page for an error that escaped a view (``None`` if ``exc`` is not one to answer here): 503 busy, 409
    changed meanwhile, 403 refused -- each with the navigation and a way back.
    """
    if isinstance(exc, errors.Busy) or is_retryable(exc):
        status, title, message = 503, _("Please try again"), str(errors.Busy())
    elif isinstance(exc, errors.Conflict):
        status, title, message = 409, _("This changed in the meantime"), str(exc)
    elif isinstance(exc, errors.Refused):
        status, title, message = 403, _("You may not do that"), str(exc)
    else:
        return None
    context = {**nav_context(request), "page_title": title, "message": message, "back_url": _back_url(request)}
    response = render(request, "perf_mgmt/error.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response


def attempt(request, func, *args, success="", reraise=(), **kwargs):
    """
    Run the domain action ``func(*args, **kwargs)`` for a page. A domain error becomes an error message on the page
    and ``False``; success adds ``success`` (when given) as a message and returns ``True``. A refusal and ``Busy``
    propagate, so the page's decorator answers them with the 403 / 503 page; ``NotFound`` is a 404. The error
    classes in ``reraise`` propagate to the caller, which shows them itself (a stale version, with the input kept).
    """
    with page_errors(request, reraise=reraise) as outcome:
        func(*args, **kwargs)
        if success:
            messages.success(request, success)
    return outcome.error is None


class Outcome:
    """What :func:`form_errors` caught: ``error`` is the domain error shown on the form, ``None`` on success."""

    error = None


@contextlib.contextmanager
def _shown(show, reraise=()):
    """The one translation of :func:`form_errors` and :func:`page_errors`: ``show(message)`` for a domain error."""
    outcome = Outcome()
    try:
        yield outcome
    except (errors.Refused, errors.Busy, *reraise):
        raise
    except errors.NotFound as exc:
        raise Http404 from exc
    except errors.DomainError as exc:
        outcome.error = exc
        show(str(exc))


def form_errors(form):
    """
    For a form page: inside, a domain error becomes an error of the whole form (shown above its fields, the input
    kept) and the rest of the block is skipped; refusals, ``Busy`` and ``NotFound`` go on as :func:`attempt` says.
    The ``Outcome`` it yields tells which error it was (a stale version shows the saved object next to the input)::

        with form_errors(form) as outcome:
            services.edit_objective(...)
            return redirect(...)
        if isinstance(outcome.error, EditConflict):
            ...
    """
    return _shown(lambda message: form.add_error(None, message))


def page_errors(request, reraise=()):
    """
    :func:`attempt` for a block: inside, a domain error becomes an error message on the page and the rest of the
    block is skipped (put the success message last in it); the ``Outcome`` it yields tells which error it was.
    """
    return _shown(lambda message: messages.error(request, message), reraise)
