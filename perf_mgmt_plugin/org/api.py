"""
The public interface of the ``org`` domain: people, org units, positions, access grants
and HR scopes; who may see whom; the org-chart import.

This is the only module of ``perf_mgmt_plugin.org`` that code outside the domain may import: pages, REST views,
receivers, tasks, management commands, the admin and the other domains (``.importlinter`` checks it, ADR 0017).
Model classes are exported for forms, serializers, type checks and querysets; writes go through the functions,
which check access and keep the domain's rules.
"""

from .access import (
    access_context,
    hr_covers_unit,
    hr_employees_q,
    hr_units_q,
    manages,
    team_q,
    visible_employees_q,
)
from .errors import (
    OrgError,
)
from .importer import (
    COLUMNS,
    EMPLOYEES,
    KINDS,
    MAX_ROWS,
    UNCHANGED,
    ImportFileError,
    apply_preview,
    create_job,
    execute_job,
    job_progress,
    parse_upload,
    rows_from_json,
    run_job,
    runs_async,
)
from .models import (
    AccessGrant,
    Employee,
    HRAdminScope,
    ImportJob,
    OrgUnit,
    Position,
)
from .queries import (
    filter_people,
    find_people,
)
from .rules import (
    has_grant_for,
    has_team,
    is_hr_admin,
    is_hr_admin_for,
    is_hr_admin_for_unit,
    is_manager_of,
    is_self,
    is_unrestricted_hr_admin,
)
from .services import (
    chain_of,
    check_manager,
    check_parent_unit,
    create_employee,
    create_org_unit,
    employee_ids_of_users,
    reports_of,
    set_manager,
    set_parent_unit,
)
from .tree import (
    build_unit_tree,
)

__all__ = [
    "AccessGrant",
    "COLUMNS",
    "EMPLOYEES",
    "Employee",
    "HRAdminScope",
    "ImportFileError",
    "ImportJob",
    "KINDS",
    "MAX_ROWS",
    "OrgError",
    "OrgUnit",
    "Position",
    "UNCHANGED",
    "access_context",
    "hr_covers_unit",
    "apply_preview",
    "build_unit_tree",
    "chain_of",
    "check_manager",
    "check_parent_unit",
    "create_employee",
    "create_job",
    "create_org_unit",
    "employee_ids_of_users",
    "execute_job",
    "filter_people",
    "find_people",
    "has_grant_for",
    "has_team",
    "hr_employees_q",
    "hr_units_q",
    "is_hr_admin",
    "is_hr_admin_for",
    "is_hr_admin_for_unit",
    "is_manager_of",
    "is_self",
    "is_unrestricted_hr_admin",
    "job_progress",
    "manages",
    "parse_upload",
    "reports_of",
    "rows_from_json",
    "run_job",
    "runs_async",
    "set_manager",
    "set_parent_unit",
    "team_q",
    "visible_employees_q",
]
