"""
The one rule set every entry point asks: ``can(user, permission, obj)``.

Domains register their rules (``<domain>/rules.py``) into :data:`RULES`, a private ``rules.RuleSet``, so the plugin
does not depend on the platform adding ``rules``' authentication backend. Unknown permissions are denied.
"""

import rules

from .errors import Refused

RULES = rules.RuleSet()


class AccessDenied(Refused):
    """
    Raised by ``require``; entry points turn it into their own 403. ``permission`` names the permission missing
    (for logs, never shown: the message is the kind's general one).
    """

    def __init__(self, permission=None):
        self.permission = permission
        super().__init__()


#: What an account that is not activated yet still may do, by permission: the LMS lets such accounts sign in and
#: study (its authentication backend allows all users), so a learner acts on their own data; anything else needs an
#: active account, as the platform's course roles do.
_INACTIVE_USER_RULES = {}


def can(user, permission, obj=None):
    """Whether ``user`` holds ``permission`` (on ``obj``); deny by default, including unknown permissions."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not RULES.rule_exists(permission):
        return False
    if not user.is_active:
        predicate = _INACTIVE_USER_RULES.get(permission)
        return bool(predicate is not None and predicate.test(user, obj))
    return RULES.test_rule(permission, user, obj)


def require(user, permission, obj=None):
    """Raise :class:`AccessDenied` unless ``can(user, permission, obj)``."""
    if not can(user, permission, obj):
        raise AccessDenied(permission)


def add_rule(name, predicate, inactive_users=None):
    """
    Register (or replace, for reloads in tests) one permission; ``inactive_users`` is the part of it that accounts
    not activated yet hold (a predicate such as "the person themselves"), none by default.
    """
    RULES.set_rule(name, predicate)
    if inactive_users is None:
        _INACTIVE_USER_RULES.pop(name, None)
    else:
        _INACTIVE_USER_RULES[name] = inactive_users
