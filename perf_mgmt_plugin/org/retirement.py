"""Retirement step of the org domain: the employee record and its history lose everything that identifies."""

from ..core.retirement import register_retirement_step
from .models import AccessGrant, Employee, HRAdminScope


@register_retirement_step("org", order=900)
def retire_org_data(user, retired_username=None, retired_email=None):
    """
    Remove the user's employee number and start date (and the same fields in the history), and their grants.

    The record itself stays (deactivated) so that reporting lines and team aggregates remain consistent; it no
    longer says who the person was. Idempotent.
    """
    Employee.objects.filter(user=user).update(employee_number=None, start_date=None, active=False)
    Employee.history.filter(user_id=user.pk).update(employee_number=None, start_date=None)
    AccessGrant.objects.filter(grantee=user).delete()
    HRAdminScope.objects.filter(user=user).delete()


@register_retirement_step("org_import", order=800)
def retire_import_data(user, retired_username=None, retired_email=None):  # pylint: disable=unused-argument
    """
    Remove the user from org chart import jobs (jobs they started, rows and changes that name them).

    Runs before the ``org`` step so that the employee number, one of the ways a row names them, is still known.
    """
    from .importer import forget_user_in_jobs  # pylint: disable=import-outside-toplevel

    forget_user_in_jobs(user)
