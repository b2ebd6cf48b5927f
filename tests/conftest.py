"""Shared fixtures: a small organisation with one person per persona."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseAccessRole

from . import factories

COURSE_KEY = CourseKey.from_string("course-v1:DemoOrg+LEAD101+2026")


@pytest.fixture
def org(db):
    """
    company > engineering > platform-team; a CEO, a director, a manager with two reports, and an outsider in
    another unit. Plus an HR admin, an HR admin limited to engineering, and a course staff member.
    """
    company = factories.make_unit("ACME", kind="company")
    engineering = factories.make_unit("ENG", parent=company, kind="department")
    platform = factories.make_unit("PLAT", parent=engineering)
    sales = factories.make_unit("SALES", parent=company, kind="department")
    dev = factories.make_position("DEV", "Developer", platform)
    ceo = factories.make_employee("ceo", org_unit=company)
    director = factories.make_employee("director", manager=ceo, org_unit=engineering)
    manager = factories.make_employee("manager", manager=director, org_unit=platform)
    alice = factories.make_employee("alice", manager=manager, org_unit=platform, position=dev)
    bob = factories.make_employee("bob", manager=manager, org_unit=platform, position=dev)
    seller = factories.make_employee("seller", manager=ceo, org_unit=sales)
    hr = factories.make_hr_admin("hr")
    hr_eng = factories.make_hr_admin("hr_eng", scope_units=[engineering])
    staff = factories.make_user("coursestaff")
    Course.objects.create(id=COURSE_KEY, display_name="Leading Teams")
    CourseAccessRole.objects.create(user=staff, course_id=COURSE_KEY, role="staff", org="DemoOrg")
    outsider = factories.make_user("outsider")
    return type(
        "Org",
        (),
        {
            "company": company,
            "engineering": engineering,
            "platform": platform,
            "sales": sales,
            "dev": dev,
            "ceo": ceo,
            "director": director,
            "manager": manager,
            "alice": alice,
            "bob": bob,
            "seller": seller,
            "hr": hr,
            "hr_eng": hr_eng,
            "staff": staff,
            "outsider": outsider,
            "course_key": COURSE_KEY,
        },
    )


@pytest.fixture
def count_queries():
    """``with count_queries() as q: ...; len(q)`` -- the number of queries run in the block."""

    def factory():
        return CaptureQueriesContext(connection)

    return factory
