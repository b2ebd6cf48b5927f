"""DRF permissions that defer to the plugin's one rule set (``core.access.can``)."""

from rest_framework.permissions import BasePermission

from ...core.access import can


def rule_permission(view_permission, object_permission=None):
    """
    A DRF permission class: the view needs ``view_permission`` (``None`` = any signed-in user), each object
    ``object_permission``.
    """

    class RulePermission(BasePermission):
        def has_permission(self, request, view):
            if not (request.user and request.user.is_authenticated and request.user.is_active):
                return False
            return view_permission is None or can(request.user, view_permission)

        def has_object_permission(self, request, view, obj):
            return object_permission is None or can(request.user, object_permission, obj)

    RulePermission.__name__ = f"RulePermission[{view_permission},{object_permission}]"
    return RulePermission
