"""
Access rules of the development domain, registered into the plugin's one rule set (``core.access``).

Permissions (the object, where there is one, is the plan owner's Employee record, or a course key):
    ``perf_mgmt.view_plan`` (Employee): the person, their managers at any depth, HR admins in scope, delegates.
    ``perf_mgmt.edit_own_plan`` (Employee): the person -- write a draft, propose items, enrol, comment.
    ``perf_mgmt.manage_plan`` (Employee): their managers at any depth, delegates, HR admins in scope; never the
        person themselves -- approve, assign items (which enrolls), cancel, comment as the manager.
    ``perf_mgmt.view_team_plans``: anyone with a team, and HR admins (their scope) -- the team plans page.
    ``perf_mgmt.assign_plan_templates``: HR admins (a population is cut to their scope).
    ``perf_mgmt.manage_plan_templates``: unrestricted HR admins (templates are organisation-wide).
    ``perf_mgmt.view_course_data`` (course key, from the org rules): the course's staff and unrestricted HR admins
        -- who has the course in a plan and how far they are.
    ``perf_mgmt.view_learning_events``: unrestricted HR admins -- the processed / unmatched LMS event logs (they
        are about LMS users, not scoped people).
"""

from ..core.access import add_rule
from ..org.api import (
    has_grant_for,
    has_team,
    is_hr_admin,
    is_hr_admin_for,
    is_manager_of,
    is_self,
    is_unrestricted_hr_admin,
)

add_rule("perf_mgmt.view_plan", is_self | is_manager_of | is_hr_admin_for | has_grant_for)
add_rule("perf_mgmt.edit_own_plan", is_self)
add_rule("perf_mgmt.manage_plan", (is_manager_of | has_grant_for | is_hr_admin_for) & ~is_self)
add_rule("perf_mgmt.view_team_plans", has_team | is_hr_admin)
add_rule("perf_mgmt.assign_plan_templates", is_hr_admin)
add_rule("perf_mgmt.manage_plan_templates", is_unrestricted_hr_admin)
add_rule("perf_mgmt.view_learning_events", is_unrestricted_hr_admin)
