"""
Plain builders for the survey, report and reminder tests: a cycle with reviews at chosen stages for many people,
written with the models directly so that each test states exactly the data it counts (the launch is tested by
test_launch.py; these tests need reviews in every stage without walking each one through the conversation).
"""

import datetime
import itertools

from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewTemplate
from tests import factories

_names = itertools.count(1)
WEEK = datetime.timedelta(days=7)


def make_cycle(today, *, status=Cycle.ACTIVE, template=None, name=None, start=None):
    """A cycle whose four deadlines are 1, 2, 3 and 4 weeks after ``today``."""
    template = template or ReviewTemplate.objects.get_or_create(slug="plain", defaults={"name": "Plain"})[0]
    return Cycle.objects.create(
        name=name or f"Cycle {next(_names)}",
        template=template,
        start=start or today - 8 * WEEK,
        end=(start or today - 8 * WEEK) + 4 * WEEK,
        self_review_due=today + WEEK,
        manager_review_due=today + 2 * WEEK,
        meeting_due=today + 3 * WEEK,
        sign_off_due=today + 4 * WEEK,
        status=status,
    )


def add_review(cycle, employee, stage=Review.SELF_REVIEW, **fields):
    """A review of ``employee`` by their manager, at ``stage``."""
    fields.setdefault("manager", employee.manager)
    return Review.objects.create(cycle=cycle, employee=employee, stage=stage, **fields)


def make_people(n, manager, org_unit):
    """``n`` more reports of ``manager`` in ``org_unit``."""
    return [factories.make_employee(manager=manager, org_unit=org_unit) for _ in range(n)]


def lead(employee):
    """
    ``employee`` made a manager (one report of their own in their unit), so HR may name them coach
    (``coaching.coach_candidates``: active managers in the assigner's scope); returns ``employee``.
    """
    if not employee.direct_reports.exists():
        factories.make_employee(
            f"{employee.user.username}_report{next(_names)}", manager=employee, org_unit=employee.org_unit
        )
    return employee
