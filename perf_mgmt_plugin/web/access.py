"""
How pages enforce the rules: sign-in first, then one permission, else 403 (never a silent empty page). A write that
still meets a deadlock after its retries, or that conflicts with a change made meanwhile, gets a page saying so
with a way back (503 / 409), never an empty 500 (ADR 0015).
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..core.access import can
from ..core.concurrency import Busy, Conflict, is_retryable
from .nav import nav_context


def concurrency_page(request, exc):
    """The page for a concurrency failure (``None`` if ``exc`` is not one): 503 busy, 409 changed meanwhile."""
    if isinstance(exc, Busy) or is_retryable(exc):
        status, title, message = 503, _("Please try again"), str(Busy())
    elif isinstance(exc, Conflict):
        status, title, message = 409, _("This changed in the meantime"), str(exc)
    else:
        return None
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    context = {**nav_context(request), "page_title": title, "message": message, "back_url": back}
    response = render(request, "perf_mgmt/error.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response


def page_requires(permission=None):
    """Decorator for page views: login required, then ``permission`` (``None`` = any signed-in user)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.is_active or (permission and not can(request.user, permission)):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except Exception as exc:  # a concurrency failure gets its page; anything else goes on as it was
                response = concurrency_page(request, exc)
                if response is None:
                    raise
                return response

        wrapped.required_permission = permission
        return wrapped

    return decorator
