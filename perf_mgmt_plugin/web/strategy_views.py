"""
Strategy pages: "My objectives" (own objectives with their line of sight, progress, check-ins), an objective, a
check-in (prepare, hold, notes), the manager's dashboard, the cascade tree (senior managers from their level, at-risk
branches highlighted) and its CSV export; the forms "New objective" / "Edit objective" (with "apply to the copies")
and "Cascade to my team" (``strategy_forms``).

Thin adapters over ``strategy`` services and dashboards; permissions from the strategy rules (an objective or
check-in the user may not view is a 404, so ids reveal nothing); constant query counts.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..appraisals.api import InterimNote
from ..core.access import can
from ..core.versioning import EditConflict
from ..org.api import Employee, access_context, reports_of
from ..strategy import api as strategy_api
from ..strategy.api import CheckIn, HelpRequest, Impediment, Objective, Period, StrategyError
from .access import page_requires
from .errors import form_errors, page_errors
from .strategy_forms import CascadeForm, ObjectiveForm
from .views import _render


def _objective(request, pk):
    objective = (
        Objective.objects.select_related("level", "owner__user", "owner_unit", "period", "parent")
        .filter(pk=pk, active=True)
        .first()
    )
    if objective is None or not can(request.user, "perf_mgmt.view_objective", objective):
        raise Http404
    return objective


def _record_progress(request, objective):
    """The progress form: a value, done, or the milestones ticked."""
    with page_errors(request):
        strategy_api.record_progress(
            request.user,
            objective,
            value=request.POST.get("value") or None,
            done=request.POST.get("done") == "1",
            milestones_done=request.POST.getlist("milestone"),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Progress on %(title)s is saved.") % {"title": objective.title})


@page_requires()
def my_objectives(request):
    """The signed-in person's objectives, each with the line of sight up to the strategic objective."""
    objectives = list(strategy_api.my_objectives(request.user))
    sight = strategy_api.lines_of_sight(objectives)
    team_pages = can(request.user, "perf_mgmt.view_strategy_dashboard")
    rows = [
        {"objective": o, "sight": sight.get(o.pk, []), "actions": objective_actions(request.user, o, team_pages)}
        for o in objectives
    ]
    upcoming = list(strategy_api.check_ins_of(request.user)[:10])
    context = {
        "rows": rows,
        "check_ins": upcoming,
        "can_create_root": can(request.user, strategy_api.MANAGE_STRATEGY),
    }
    return _render(request, "perf_mgmt/strategy_my_objectives.html", context, _("My objectives"))


@page_requires()
def objective_detail(request, pk):
    """One objective: line of sight, what serves it, its progress history; record progress where allowed."""
    objective = _objective(request, pk)
    if request.method == "POST":
        _record_progress(request, objective)
        return redirect(reverse("perf_mgmt:objective", kwargs={"pk": pk}))
    context = {
        "objective": objective,
        "sight": strategy_api.line_of_sight(objective)[:-1],
        "children": list(
            Objective.objects.filter(parent=objective, active=True).select_related("level").order_by("path")[:500]
        ),
        "history": list(objective.updates.select_related("recorded_by").order_by("-created", "-pk")[:50]),
        "milestones": list(objective.milestones.all()),
        "can_update": can(request.user, "perf_mgmt.update_progress", objective),
        "actions": objective_actions(request.user, objective),
    }
    return _render(request, "perf_mgmt/strategy_objective.html", context, objective.title)


def _direct_reports(user):
    """The user's active direct reports, by name (no query for someone without an employee record)."""
    context = access_context(user)
    if context.employee_id is None:
        return []
    me = Employee(pk=context.employee_id, path=context.employee_path)  # the cached context's facts, no query
    reports = reports_of(me, direct_only=True).select_related("user")
    return list(reports.order_by("user__first_name", "user__last_name", "pk"))


@page_requires("perf_mgmt.view_strategy_dashboard")
def manager_dashboard(request):
    """
    A manager's team: objectives with status and forecast, overdue check-ins, open impediments and help, and the
    quick interim note on a direct report (noted while the manager looks at the team, shown in their next review).
    """
    board = strategy_api.manager_dashboard(request.user)
    context = {
        "board": board,
        "rows": [{"objective": o, "actions": objective_actions(request.user, o, True)} for o in board.objectives],
        "can_create_root": can(request.user, strategy_api.MANAGE_STRATEGY),
        "note_people": _direct_reports(request.user),
        "note_tags": InterimNote.TAG_CHOICES,
    }
    return _render(request, "perf_mgmt/strategy_dashboard.html", context, _("Team objectives"))


def _cascade_rows(request):
    period = None
    if request.GET.get("period"):
        period = Period.objects.filter(pk=request.GET["period"]).first()
    depth = request.GET.get("depth")
    roots = strategy_api.cascade_roots(request.user, period)
    rows = strategy_api.cascade(request.user, roots, max_depth=int(depth) if depth and depth.isdigit() else None)
    return period, rows


@page_requires()
def cascade(request):
    """The cascade from the user's level down as a tree; branches with something at risk are highlighted."""
    period, rows = _cascade_rows(request)
    context = {"rows": rows, "period": period, "periods": Period.objects.filter(active=True)}
    return _render(request, "perf_mgmt/strategy_cascade.html", context, _("Strategy cascade"))


@page_requires()
def cascade_csv(request):
    """The same rows as the cascade page, as CSV."""
    _period, rows = _cascade_rows(request)
    response = HttpResponse(strategy_api.cascade_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cascade-{datetime.date.today():%Y%m%d}.csv"'
    return response


def _check_in(request, pk):
    check_in = CheckIn.objects.select_related("employee__user", "manager__user", "series").filter(pk=pk).first()
    if check_in is None or not can(request.user, "perf_mgmt.view_check_in", check_in):
        raise Http404
    return check_in


def _entries_from(post, objectives):
    entries = []
    for objective in objectives:
        prefix = f"obj-{objective.pk}-"
        if any(post.get(prefix + key) for key in ("status", "confidence", "comment")):
            entries.append(
                {
                    "objective": objective.pk,
                    "status": post.get(prefix + "status", ""),
                    "confidence": post.get(prefix + "confidence") or None,
                    "comment": post.get(prefix + "comment", ""),
                }
            )
    return entries


@page_requires()
def check_in_detail(request, pk):
    """A check-in: the employee prepares it, the manager records it as held; either adds notes (private or not)."""
    check_in = _check_in(request, pk)
    objectives = list(
        Objective.objects.filter(owner=check_in.employee, active=True).select_related("level").order_by("due_date")
    )
    if request.method == "POST":
        action = request.POST.get("action")
        post = request.POST
        with page_errors(request):
            entries = _entries_from(post, objectives)
            impediments = (
                [{"description": post["impediment"], "severity": post.get("severity", "medium")}]
                if post.get("impediment", "").strip()
                else []
            )
            help_requests = [post["help"]] if post.get("help", "").strip() else []
            notes = (
                [{"body": post["note"], "private": post.get("private") == "1"}] if post.get("note", "").strip() else []
            )
            if action == "prepare":
                strategy_api.prepare(
                    request.user,
                    check_in,
                    entries=entries,
                    impediments=impediments,
                    help_requests=help_requests,
                    notes=notes,
                )
            elif action == "hold":
                strategy_api.hold(
                    request.user,
                    check_in,
                    mode=post.get("mode", ""),
                    entries=entries,
                    next_actions=post.get("next_actions", ""),
                    notes=notes,
                    impediments=impediments,
                    help_requests=help_requests,
                )
            elif action == "note" and notes:
                strategy_api.add_note(request.user, check_in, **notes[0])
            else:
                raise StrategyError(_("Nothing to save."))
            messages.success(request, _("The check-in is saved."))
        return redirect(reverse("perf_mgmt:check-in", kwargs={"pk": pk}))
    context = {
        "check_in": check_in,
        "objectives": objectives,
        "entries": list(check_in.objective_entries.select_related("objective")),
        "notes": list(strategy_api.visible_notes(request.user, [check_in.pk]).select_related("author")),
        "impediments": list(check_in.impediments.all()),
        "help_requests": list(check_in.help_requests.all()),
        "can_prepare": can(request.user, "perf_mgmt.prepare_check_in", check_in)
        and check_in.status in strategy_api.OPEN_STATUSES,
        "can_hold": can(request.user, "perf_mgmt.run_check_in", check_in.employee) and check_in.status != CheckIn.HELD,
        "statuses": Objective.STATUS_CHOICES,
        "severities": Impediment.SEVERITY_CHOICES,
    }
    return _render(request, "perf_mgmt/strategy_check_in.html", context, _("Check-in"))


@require_POST
@page_requires()
def resolve_item(request, kind, pk):
    """A manager (or delegate, or HR in scope) resolves an impediment or a help request."""
    model = {"help": HelpRequest, "impediment": Impediment}.get(kind)
    item = model.objects.select_related("employee").filter(pk=pk).first() if model else None
    if item is None or not can(request.user, "perf_mgmt.resolve_for", item.employee):
        raise Http404
    strategy_api.resolve(request.user, item, request.POST.get("resolution", ""))
    messages.success(request, _("Marked as resolved."))
    return redirect(reverse("perf_mgmt:strategy-dashboard"))


# ---------------------------------------------------------------------------------------------------------------
# Forms: new / edit objective, cascade to my team
# ---------------------------------------------------------------------------------------------------------------


def objective_actions(user, objective, has_team_pages=None):
    """
    Which form pages ``user`` may open from ``objective`` (the same tests the pages make). For a list, pass
    ``has_team_pages`` (``view_strategy_dashboard``, a query) once for all rows.
    """
    may_cascade = can(user, "perf_mgmt.cascade_objective", objective)
    if has_team_pages is None:
        has_team_pages = can(user, "perf_mgmt.view_strategy_dashboard")
    return {
        "add": may_cascade,
        "edit": can(user, "perf_mgmt.change_objective", objective),
        "cascade": may_cascade and has_team_pages,
    }


def _require(request, permission, objective=None):
    if not can(request.user, permission, objective):
        raise PermissionDenied


def _form_page(request, form, title, status=200, **context):
    return _render(request, "perf_mgmt/strategy_objective_form.html", {"form": form, **context}, title, status=status)


@page_requires()
def objective_new(request, pk=None):
    """A new objective: under objective ``pk`` (who may cascade from it) or a root (who may manage the strategy)."""
    parent = _objective(request, pk) if pk is not None else None
    _require(request, "perf_mgmt.cascade_objective" if parent else strategy_api.MANAGE_STRATEGY, parent)
    form = ObjectiveForm(request.user, request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            objective = strategy_api.create_objective(request.user, **form.create_kwargs())
            messages.success(request, _("%(title)s is created.") % {"title": objective.title})
            return redirect(reverse("perf_mgmt:objective", kwargs={"pk": objective.pk}))
    title = _("New objective under %(title)s") % {"title": parent.title} if parent else _("New strategic objective")
    return _form_page(request, form, title, parent=parent, submit=_("Create the objective"))


@page_requires()
def objective_edit(request, pk):
    """Edit an objective; a cascaded goal offers to apply the change to the other copies of its group."""
    objective = _objective(request, pk)
    _require(request, "perf_mgmt.change_objective", objective)
    copies, conflict = 0, None
    if objective.template_id:
        copies = Objective.objects.filter(template_id=objective.template_id, active=True).exclude(pk=pk).count()
    form = ObjectiveForm(request.user, request.POST or None, instance=objective, copies=copies)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            changed = strategy_api.edit_objective(
                request.user,
                objective,
                apply_to_copies=form.cleaned_data.get("apply_to_copies", False),
                version=form.cleaned_data.get("version"),
                **form.changes(),
            )
            message = _("%(title)s is saved.") % {"title": objective.title}
            if changed:
                message += " " + _("%(count)s copies were changed too.") % {"count": changed}
            messages.success(request, message)
            return redirect(reverse("perf_mgmt:objective", kwargs={"pk": pk}))
        if isinstance(outcome.error, EditConflict):
            # Someone else saved it since the form was rendered: nothing saved, the input kept, theirs shown.
            conflict = form.saved_now(Objective.objects.get(pk=pk))
    return _form_page(
        request,
        form,
        _("Edit %(title)s") % {"title": objective.title},
        objective=objective,
        submit=_("Save the changes"),
        conflict=conflict,
        status=200 if conflict is None else 409,
    )


@page_requires("perf_mgmt.view_strategy_dashboard")
def objective_cascade(request, pk):
    """
    "Cascade to my team": one goal under objective ``pk`` for each chosen report, or for everyone in a team, in one
    action (``strategy_api.cascade_goal``); the page then lists who got it and who already had it (repeating the
    action only adds newcomers, so a reload does no harm).
    """
    parent = _objective(request, pk)
    _require(request, "perf_mgmt.cascade_objective", parent)
    form = CascadeForm(request.user, parent, request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            outcome = strategy_api.cascade_goal(request.user, parent, **form.cascade_kwargs())
            names = {
                e.pk: e
                for e in Employee.objects.filter(
                    pk__in=[*outcome.created_owner_ids, *outcome.skipped_owner_ids]
                ).select_related("user")
            }
            result = {
                "template": outcome.template,
                "created": [names[pk] for pk in outcome.created_owner_ids if pk in names],
                "skipped": [names[pk] for pk in outcome.skipped_owner_ids if pk in names],
            }
            form = CascadeForm(request.user, parent)
    context = {"form": form, "parent": parent, "result": result}
    title = _("Cascade %(title)s to my team") % {"title": parent.title}
    return _render(request, "perf_mgmt/strategy_cascade_form.html", context, title)
