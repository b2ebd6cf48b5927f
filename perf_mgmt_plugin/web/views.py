"""
Pages. Each view is a thin adapter: the permission comes from the rules, the data from the domain services, the
query count is constant (pinned in tests/org/test_query_counts.py).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import api
from ..appraisals.api import InterimNote
from ..openedx import get_backend
from ..org.api import Employee, OrgUnit, Position, build_unit_tree, filter_people, team_q, visible_employees_q
from .access import page_requires
from .nav import nav_context

EMPLOYEE_RELATED = ("user", "position", "org_unit", "manager__user")


def _render(request, template, context, title, status=200):
    return render(request, template, {**nav_context(request), **context, "page_title": title}, status=status)


def _page(request, qs):
    paginator = Paginator(qs, settings.PERF_MGMT_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@page_requires()
def home(request):
    """Everyone's home: their own record and where each of their personas goes next."""
    employee = api.get_employee(request.user)
    chain = []
    if employee is not None:
        from ..org.api import chain_of  # pylint: disable=import-outside-toplevel

        chain = chain_of(employee)
    return _render(request, "perf_mgmt/home.html", {"employee": employee, "chain": chain}, _("My performance"))


@page_requires("perf_mgmt.view_team")
def my_team(request):
    """A manager's team: direct and indirect reports with position and tenure."""
    qs = Employee.objects.filter(team_q(request.user), active=True).select_related(*EMPLOYEE_RELATED)
    if request.GET.get("direct") == "1":
        qs = qs.filter(manager__user=request.user)
    page = _page(request, qs.order_by("path"))
    me = api.get_employee(request.user)
    base_depth = len(me.path) if me else 0
    return _render(
        request,
        "perf_mgmt/my_team.html",
        {
            "page": page,
            "base_depth": base_depth,
            "direct": request.GET.get("direct") == "1",
            "note_tags": InterimNote.TAG_CHOICES,  # the quick interim note form
        },
        _("My team"),
    )


@page_requires("perf_mgmt.hr_admin")
def people(request):
    """HR admins: search and filter everyone in their scope."""
    qs = Employee.objects.filter(visible_employees_q(request.user)).select_related(*EMPLOYEE_RELATED)
    qs = filter_people(qs, request.GET).order_by("user__last_name", "user__first_name", "user__username")
    context = {
        "page": _page(request, qs),
        "units": OrgUnit.objects.filter(active=True).only("code", "name", "path"),
        "positions": Position.objects.filter(active=True).only("code", "title"),
        "filters": request.GET,
    }
    return _render(request, "perf_mgmt/people.html", context, _("People"))


@page_requires("perf_mgmt.hr_admin")
def org_chart(request):
    """HR admins: the org unit tree with head counts, as a nested, keyboard-navigable list."""
    return _render(request, "perf_mgmt/org_chart.html", {"roots": build_unit_tree()}, _("Org chart"))


@page_requires("perf_mgmt.course_staff")
def course_staff(request):
    """Course staff: the courses they teach (per-course reports arrive with development plans)."""
    backend = get_backend()
    keys = sorted(backend.staff_course_keys(request.user), key=str)
    courses = backend.get_courses(keys)
    rows = [{"key": key, "info": courses.get(key), "url": backend.course_url(key)} for key in keys]
    return _render(request, "perf_mgmt/course_staff.html", {"courses": rows}, _("My courses"))
