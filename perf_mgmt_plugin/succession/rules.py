"""
Access rules of the succession domain (docs/decisions/0027-succession-suggestions-and-readiness.rst).

    ``perf_mgmt.manage_succession``: mark key positions, edit pools (talent review) -- HR admins.
    ``perf_mgmt.view_succession_pool`` (KeyPosition): HR admins covering the position's unit (unrestricted HR for a
        position with no unit) and the unit's senior managers (``health.access``) -- never a person in the pool.
    ``perf_mgmt.edit_succession_pool`` (KeyPosition): HR admins covering the position's unit, not in the pool.
    ``perf_mgmt.view_talent_grid`` (OrgUnit): who may read the unit's health pack.
    ``perf_mgmt.rate_potential`` (Employee): their managers at any depth, delegates, HR admins in scope; not self.
"""

import rules

from ..core.access import add_rule
from ..org.api import (
    access_context,
    has_grant_for,
    hr_covers_unit,
    is_hr_admin,
    is_hr_admin_for,
    is_manager_of,
    is_self,
)
from .deps import can_read_pack


def _unit(key_position):
    return key_position.position.org_unit if key_position.position.org_unit_id else None


@rules.predicate
def in_pool(user, key_position):
    context = access_context(user)
    return bool(context.employee_id) and key_position.candidates.filter(employee_id=context.employee_id).exists()


@rules.predicate
def hr_covers_key_position(user, key_position):
    if key_position is None:
        return False
    context = access_context(user)
    unit = _unit(key_position)
    return context.hr_unrestricted if unit is None else hr_covers_unit(context, unit)


@rules.predicate
def senior_manager_of_key_position(user, key_position):
    unit = _unit(key_position) if key_position is not None else None
    return unit is not None and can_read_pack(user, unit)


@rules.predicate
def reads_unit_pack(user, unit):
    return can_read_pack(user, unit)


add_rule("perf_mgmt.manage_succession", is_hr_admin)
add_rule("perf_mgmt.view_succession_pool", (hr_covers_key_position | senior_manager_of_key_position) & ~in_pool)
add_rule("perf_mgmt.edit_succession_pool", hr_covers_key_position & ~in_pool)
add_rule("perf_mgmt.view_talent_grid", reads_unit_pack)
add_rule("perf_mgmt.rate_potential", (is_manager_of | has_grant_for | is_hr_admin_for) & ~is_self)
