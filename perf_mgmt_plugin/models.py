"""Django discovers the app's models here; each domain keeps its own models module."""

from .org.models import AccessGrant, Employee, HRAdminScope, OrgUnit, Position  # noqa: F401
