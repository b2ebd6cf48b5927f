"""
Access rules of the profiling domain, registered into the plugin's one rule set (``core.access``).

Permissions (the object, where there is one, is the subject's Employee record):
    ``perf_mgmt.manage_profiles``: HR admins -- create, edit (new versions), copy, activate and retire profiles.
    ``perf_mgmt.start_profiling_round``: HR admins and managers (managers for their own people only, checked with
        each person by ``perf_mgmt.include_in_round``).
    ``perf_mgmt.include_in_round`` (Employee): HR admins in scope, the person's managers at any depth.
    ``perf_mgmt.nominate_raters`` (Employee): the subject themselves, HR admins in scope.
    ``perf_mgmt.approve_raters`` (Employee): the subject's managers at any depth, HR admins in scope.
    ``perf_mgmt.debrief_profile`` (Employee): read a report before its release (to debrief) -- managers and HR
        admins in scope; a round's named coach is checked by the services with the subject row.
Reading a report as its subject needs the report released (``services.can_read_report``); answering needs the
rater row to be the caller's own. Both are state checks made by the services with the rows.
"""

from ..core.access import add_rule
from ..org.api import has_team, is_hr_admin, is_hr_admin_for, is_manager_of, is_self

add_rule("perf_mgmt.manage_profiles", is_hr_admin)
add_rule("perf_mgmt.start_profiling_round", is_hr_admin | has_team)
add_rule("perf_mgmt.include_in_round", is_hr_admin_for | is_manager_of)
add_rule("perf_mgmt.nominate_raters", is_self | is_hr_admin_for)
add_rule("perf_mgmt.approve_raters", is_manager_of | is_hr_admin_for)
add_rule("perf_mgmt.debrief_profile", is_manager_of | is_hr_admin_for)
