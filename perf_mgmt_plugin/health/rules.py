"""
Access rules of the health domain, registered into the plugin's one rule set (``core.access``).

    ``perf_mgmt.view_health_pack`` (OrgUnit): HR admins covering the unit, its senior managers (``health.access``).
    ``perf_mgmt.view_health``: anyone who may read at least one pack (the nav entry and the pack page).
    ``perf_mgmt.view_manager_development`` (Employee, a manager): their managers at any depth, delegates and HR
        admins in scope -- never the manager themselves (the flag is for the people who support them).
    ``perf_mgmt.offer_development_plan`` (Employee): the same people (the plan is made through the development
        domain, which checks again that the actor may manage the person).
"""

import rules

from ..core.access import add_rule
from ..org.api import has_grant_for, has_team, is_hr_admin, is_hr_admin_for, is_manager_of, is_self
from . import access


@rules.predicate
def reads_pack(user, unit):
    return access.can_read_pack(user, unit)


add_rule("perf_mgmt.view_health_pack", reads_pack)
add_rule("perf_mgmt.view_health", has_team | is_hr_admin)
add_rule("perf_mgmt.view_manager_development", (is_manager_of | has_grant_for | is_hr_admin_for) & ~is_self)
add_rule("perf_mgmt.offer_development_plan", (is_manager_of | has_grant_for | is_hr_admin_for) & ~is_self)
