"""
Access rules of the blended-modules domain, registered into the plugin's one rule set (``core.access``).

Permissions (the object is the learner's Employee record, or a course key):
    ``perf_mgmt.apply_guide`` (Employee): the learner themselves -- plan and apply a guide's steps.
    ``perf_mgmt.observe_application`` (Employee): the learner's managers at any depth and delegates, never the
        learner themselves -- confirm what they saw, or give feedback. HR admins do not observe: they were not there.
    ``perf_mgmt.view_applications`` (Employee): the learner, their managers and delegates, HR admins in scope.
    ``perf_mgmt.view_course_data`` (course key, from the org rules): course staff -- application rates per step.
    ``perf_mgmt.manage_job_aids``: unrestricted HR admins -- add and change the modules' job aids (Django admin).
"""

from ..core.access import add_rule
from ..org.api import has_grant_for, is_hr_admin_for, is_manager_of, is_self, is_unrestricted_hr_admin

add_rule("perf_mgmt.apply_guide", is_self, inactive_users=is_self)
add_rule("perf_mgmt.observe_application", (is_manager_of | has_grant_for) & ~is_self)
add_rule("perf_mgmt.view_applications", is_self | is_manager_of | has_grant_for | is_hr_admin_for)
add_rule("perf_mgmt.manage_job_aids", is_unrestricted_hr_admin)
