"""
The one rule set every entry point asks: ``can(user, permission, obj)``.

Domains register their rules (``<domain>/rules.py``) into :data:`RULES`, a private ``rules.RuleSet``, so the plugin
does not depend on the platform adding ``rules``' authentication backend. Unknown permissions are denied.
"""

import rules

RULES = rules.RuleSet()


class AccessDenied(PermissionError):
    """Raised by ``require``; entry points turn it into their own 403."""


def can(user, permission, obj=None):
    """Whether ``user`` holds ``permission`` (on ``obj``); deny by default, including unknown permissions."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not RULES.rule_exists(permission):
        return False
    return RULES.test_rule(permission, user, obj)


def require(user, permission, obj=None):
    """Raise :class:`AccessDenied` unless ``can(user, permission, obj)``."""
    if not can(user, permission, obj):
        raise AccessDenied(permission)


def add_rule(name, predicate):
    """Register (or replace, for reloads in tests) one permission."""
    RULES.set_rule(name, predicate)
