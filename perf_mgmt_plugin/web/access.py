"""How pages enforce the rules: sign-in first, then one permission, else 403 (never a silent empty page)."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from ..core.access import can


def page_requires(permission=None):
    """Decorator for page views: login required, then ``permission`` (``None`` = any signed-in user)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.is_active or (permission and not can(request.user, permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator
