"""DRF permissions that defer to the plugin's one rule set (``core.access.can``)."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from ...core.access import can


def rule_permission(view_permission, object_permission=None):
    """
    A DRF permission class: the view needs ``view_permission`` (``None`` = any signed-in user), each object
    ``object_permission`` (a permission to *see* it). An object the caller may not see is a 404, exactly like a
    missing one, so ids cannot be enumerated.
    """

    class RulePermission(BasePermission):
        def has_permission(self, request, view):
            if not (request.user and request.user.is_authenticated and request.user.is_active):
                return False
            return view_permission is None or can(request.user, view_permission)

        def has_object_permission(self, request, view, obj):
            if object_permission is not None and not can(request.user, object_permission, obj):
                raise NotFound()
            return True

    RulePermission.__name__ = f"RulePermission[{view_permission},{object_permission}]"
    return RulePermission
