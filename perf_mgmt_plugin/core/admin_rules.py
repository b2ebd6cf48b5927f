"""
The one Django admin mixin of the plugin (issue 18): model admin permissions from the plugin's rules, deny by default.

Each admin names rules, nothing else::

    view_rule           asked without an object: the module on the index, the changelist
    object_view_rule    asked with the object, so a change page reached by URL, the history page or a history record
                        of an object out of the user's scope is refused too, not only hidden from the list
    change_rule         asked without an object; None: read only
    object_change_rule  asked with the object
    add_rule            None: no adding
    can_delete          deletes wherever changing is allowed (False: never)
    view_if_changeable  an object out of ``object_view_rule`` may still be viewed by who may change it
    change_needs_view   changing and adding also need ``view_rule``

A domain's admins set these on a small configuration class (``StrategyAdminMixin``, ``DevelopmentAdminMixin``...);
none overrides the ``has_*_permission`` methods except for a rule about the object's state (an inline that turns
read only once its template is in use).
"""

from .access import can


class RuleAdminMixin:
    """Model admin permissions from the plugin's rules (see the module's docstring)."""

    view_rule = None
    object_view_rule = None
    change_rule = None
    object_change_rule = None
    add_rule = None
    can_delete = False
    view_if_changeable = False
    change_needs_view = False

    def _allowed(self, request, rule, obj=None):
        return rule is not None and can(request.user, rule, obj)

    def _door(self, request):
        return not self.change_needs_view or self._allowed(request, self.view_rule)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if not self._allowed(request, self.view_rule):
            return False
        if obj is None or not self.object_view_rule:
            return True
        if self._allowed(request, self.object_view_rule, obj):
            return True
        return self.view_if_changeable and self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not self._allowed(request, self.change_rule) or not self._door(request):
            return False
        if obj is not None and self.object_change_rule:
            return self._allowed(request, self.object_change_rule, obj)
        return True

    def has_add_permission(self, request, *args):
        return self._allowed(request, self.add_rule) and self._door(request)

    def has_delete_permission(self, request, obj=None):
        return self.can_delete and self.has_change_permission(request, obj)
