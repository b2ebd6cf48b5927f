"""
Development plan pages: "My development plan" (next steps, links into the courses, propose, enrol, comment), the
team's plans for managers (progress, overdue, awaiting approval), a plan's review page (comment, approve, send
back) and, for course staff, the learners who have their course in a plan (with CSV).

Thin adapters over ``development.services``; permissions from the development rules; constant query counts.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import api
from ..blended import api as blended
from ..core import csv_export
from ..core.access import can
from ..core.versioning import EditConflict
from ..development import api as development_api
from ..development.api import Plan, PlanItem
from ..openedx import get_backend
from ..openedx.backend import parse_course_key
from .access import page_requires
from .errors import attempt
from .views import _page, _render


@page_requires()
def my_plan(request):
    """The person's current plan: what to do next, every item with its progress and course link, comments."""
    employee = api.get_employee(request.user)
    plan = None
    if employee is not None:
        plan = (
            Plan.objects.filter(owner=employee, status__in=Plan.OPEN_STATUSES).order_by("-period_start", "-pk").first()
        )
    conflict = None
    if request.method == "POST" and employee is not None and plan is not None and request.POST.get("action") == "edit":
        conflict = _edit_plan(request, plan)
        if conflict is None:
            return redirect(reverse("perf_mgmt:my-plan"))
    elif request.method == "POST" and employee is not None:
        action, key = request.POST.get("action"), request.POST.get("idempotency_key", "")
        if action == "create" and plan is None:
            attempt(
                request, development_api.create_plan, request.user, employee, success=_("Your draft plan is ready.")
            )
        elif plan is not None:
            item = plan.items.filter(pk=request.POST.get("item") or 0).first()
            if action == "propose":
                attempt(request, development_api.propose_plan, request.user, plan, success=_("Sent to your manager."))
            elif action == "add":
                fields = {k: request.POST.get(k, "") for k in ("kind", "title", "course_key")}
                fields["course_key"] = fields["course_key"] or None
                fields["idempotency_key"] = key
                attempt(
                    request, lambda: development_api.add_item(request.user, plan, **fields), success=_("Item proposed.")
                )
            elif action == "enrol" and item is not None:
                attempt(request, development_api.enrol_in_item, request.user, item, success=_("You are enrolled."))
            elif action == "done" and item is not None:
                attempt(request, development_api.complete_item, request.user, item, success=_("Marked done."))
            elif action == "comment":
                body = request.POST.get("body", "")
                attempt(request, development_api.add_comment, request.user, plan, body, idempotency_key=key)
        return redirect(reverse("perf_mgmt:my-plan"))
    items = blended.attach_job_aids(development_api.items_of_plan(plan) if plan else [])
    context = {
        "mix": blended.plan_mix(plan.owner, items) if plan else None,  # lane guide: 70/20/10
        "employee": employee,
        "plan": plan,
        "items": items,
        "next_steps": development_api.next_steps(items),
        "comments": list(plan.comments.select_related("author")) if plan else [],
        "conflict": conflict,
    }
    if conflict is not None:
        # Someone else saved the plan since the page was rendered: theirs is shown, the user's input kept.
        context["plan"], context["edit"] = conflict["saved"], conflict["mine"]
    title = _("My development plan")
    return _render(request, "perf_mgmt/my_plan.html", context, title, status=200 if conflict is None else 409)


def _edit_plan(request, plan):
    """
    Save the title and goals with the version the form was rendered with; None when saved, else the conflict: the
    plan as saved now and the user's input (to keep in the form).
    """
    mine = {name: request.POST.get(name, "") for name in ("title", "goals")}
    try:
        attempt(
            request,
            development_api.update_plan,
            request.user,
            plan,
            version=request.POST.get("version"),
            reraise=(EditConflict,),
            **mine,
        )
    except EditConflict as exc:
        messages.error(request, str(exc))
        return {"saved": Plan.objects.get(pk=plan.pk), "mine": mine}
    return None


@page_requires("perf_mgmt.view_team_plans")
def team_plans(request):
    """The team's open plans with progress, overdue items and items awaiting approval."""
    qs = development_api.team_plans(request.user)
    if request.GET.get("filter") == "awaiting":
        qs = qs.filter(awaiting_count__gt=0) | qs.filter(status=Plan.PROPOSED)
    elif request.GET.get("filter") == "overdue":
        qs = qs.filter(overdue_count__gt=0)
    page = _page(request, qs)
    return _render(
        request,
        "perf_mgmt/team_plans.html",
        {"page": page, "filter": request.GET.get("filter", "")},
        _("Team development plans"),
    )


@page_requires()
def plan_review(request, pk):
    """A plan for its managers (and its owner, read-only here): comment, approve items or the plan, send back."""
    plan = Plan.objects.select_related("owner__user", "owner__manager__user").filter(pk=pk).first()
    if plan is None or not can(request.user, "perf_mgmt.view_plan", plan.owner):
        raise Http404
    may_manage = can(request.user, "perf_mgmt.manage_plan", plan.owner)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        comment, key = request.POST.get("comment", ""), request.POST.get("idempotency_key", "")
        if action == "approve":
            done = _("Plan approved.")
            attempt(
                request, development_api.approve_plan, request.user, plan, comment, idempotency_key=key, success=done
            )
        elif action == "return":
            attempt(request, development_api.return_plan, request.user, plan, comment, success=_("Sent back."))
        elif action == "approve_item":
            items = plan.items.filter(pk=request.POST.get("item") or 0)
            attempt(request, development_api.approve_items, request.user, items, success=_("Item approved."))
        elif action == "comment":
            done = _("Comment added.")
            attempt(
                request, development_api.add_comment, request.user, plan, comment, idempotency_key=key, success=done
            )
        return redirect(reverse("perf_mgmt:plan-review", kwargs={"pk": plan.pk}))
    items = blended.attach_job_aids(development_api.items_of_plan(plan))
    context = {
        "mix": blended.plan_mix(plan.owner, items),  # lane guide: 70/20/10
        "plan": plan,
        "items": items,
        "may_manage": may_manage,
        "comments": list(plan.comments.select_related("author")),
    }
    return _render(
        request,
        "perf_mgmt/plan_review.html",
        context,
        _("Development plan of %(name)s") % {"name": plan.owner.display_name},
    )


def _course_rows(request, course_id):
    try:
        key = parse_course_key(course_id)
    except ValueError as exc:
        raise Http404 from exc
    if not can(request.user, "perf_mgmt.view_course_data", key):
        raise PermissionDenied
    return key, list(development_api.course_learners(request.user, key))


@page_requires()  # the course rule (view_course_data) is checked per course below
def course_learners(request, course_id):
    """The learners who have this course in a plan, their progress and completion, for the course's staff."""
    key, items = _course_rows(request, course_id)
    info = get_backend().get_course(key)
    context = {
        "course_key": key,
        "course": info,
        "items": items,
        "summary": development_api.course_summary(items),
        "self_assessment": api.course_self_assessment_summary(request.user, key),
        # The strategy domain's check-in aggregates (counts only); development sits below strategy, so the page
        # combines them, through the public api (access to the course was checked above).
        "checkins": api.course_checkin_summary(key),
        "checkins_min_group": api.anonymity_min_group(),
    }
    return _render(request, "perf_mgmt/course_learners.html", context, info.display_name if info else str(key))


@page_requires()  # the course rule (view_course_data) is checked per course below
def course_learners_csv(request, course_id):
    """The same list as CSV."""
    key, items = _course_rows(request, course_id)
    out = io.StringIO()
    writer = csv_export.writer(out)  # neutralises formulas (CSV injection)
    writer.writerow(["username", "name", "unit", "item", "status", "progress", "enrolled", "completed_at", "due_date"])
    for item in items:
        owner = item.owner
        writer.writerow(
            [
                owner.user.username,
                owner.display_name,
                owner.org_unit.name if owner.org_unit else "",
                item.title,
                item.status,
                item.progress,
                item.enrolled,
                item.completed_at.isoformat() if item.completed_at else "",
                item.due_date.isoformat() if item.due_date else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-learners-{key.course}.csv"'
    return response


PLAN_ITEM_STATUSES = dict(PlanItem.STATUS_CHOICES)
