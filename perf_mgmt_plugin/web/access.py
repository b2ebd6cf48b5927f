"""
How pages enforce the rules: sign-in first, then one permission, else 403 (never a silent empty page). A refusal
raised by a domain function, a write that still meets a deadlock after its retries, or one that conflicts with a
change made meanwhile, gets a page saying so with a way back (403 / 503 / 409), never an empty 500 (ADR 0015,
ADR 0018; ``errors.py``).
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..core.access import can
from .errors import error_page


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
            except Exception as exc:  # a refusal, a conflict or a busy write gets its page; anything else goes on
                response = error_page(request, exc)
                if response is None:
                    raise
                return response

        wrapped.required_permission = permission
        return wrapped

    return decorator
