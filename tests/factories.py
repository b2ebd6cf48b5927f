"""Test data builders: users, org units, positions and employees placed through the org services."""

import itertools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from perf_mgmt_plugin.org import services
from perf_mgmt_plugin.org.models import Position

_seq = itertools.count(1)


def make_user(username=None, **fields):
    n = next(_seq)
    username = username or f"user{n}"
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("first_name", username.capitalize())
    fields.setdefault("last_name", "Tester")
    user = get_user_model().objects.create_user(username=username, password="pass", **fields)
    return user


def make_unit(code=None, parent=None, kind="team", name=None):
    n = next(_seq)
    code = code or f"U{n}"
    return services.create_org_unit(code=code, name=name or f"Unit {code}", parent=parent, kind=kind)


def make_position(code=None, title=None, org_unit=None):
    n = next(_seq)
    code = code or f"P{n}"
    return Position.objects.create(code=code, title=title or f"Position {code}", org_unit=org_unit)


def make_employee(username=None, manager=None, org_unit=None, position=None, **fields):
    user = make_user(username)
    fields.setdefault("employee_number", f"E{user.pk:05d}")
    return services.create_employee(user, manager=manager, org_unit=org_unit, position=position, **fields)


def make_hr_admin(username="hr", scope_units=()):
    from perf_mgmt_plugin.org.models import HRAdminScope

    user = make_user(username)
    group, _ = Group.objects.get_or_create(name=settings.PERF_MGMT_HR_ADMIN_GROUP)
    user.groups.add(group)
    for unit in scope_units:
        HRAdminScope.objects.create(user=user, org_unit=unit)
    return user


def make_chain(depth, org_unit=None):
    """A reporting line ``depth`` people long, top first."""
    people = []
    manager = None
    for _ in range(depth):
        manager = make_employee(manager=manager, org_unit=org_unit)
        people.append(manager)
    return people
