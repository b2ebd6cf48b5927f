"""
Competency pages: "My competencies" (self-assessment, own gaps, courses recommended to them), the gap audit
(heatmap, drill-down, CSV), a person's gaps for their managers and HR, and the one action on gaps: recommend or
assign the linked courses (``competencies.recommendations``).

Thin adapters over ``competencies`` services; permissions from the competency rules; constant query counts.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import api
from ..competencies import api as competencies_api
from ..competencies.api import Competency, CompetencyError, CourseRecommendation, Framework
from ..core.access import can
from ..openedx import get_backend
from ..org.api import Employee
from .access import page_requires
from .errors import page_errors
from .views import _page, _render


@page_requires()
def my_competencies(request):
    """
    The signed-in person's competencies: each required competency with its scale, their latest self-rating,
    current level and gap, and the courses that develop it; a form to self-assess. Users without an employee
    record get an explanation instead.
    """
    employee = api.get_employee(request.user)
    if employee is None:
        return _render(request, "perf_mgmt/my_competencies.html", {"employee": None}, _("My competencies"))
    if request.method == "POST":
        competency = Competency.objects.filter(pk=request.POST.get("competency"), active=True).first()
        with page_errors(request):
            if competency is None:
                raise CompetencyError(_("Choose a competency."))
            level = request.POST.get("level", "")
            if not level.isdigit():
                raise CompetencyError(_("Choose your level in %(name)s.") % {"name": competency.name})
            api.record_self_assessment(request.user, competency.pk, int(level), evidence=request.POST.get("evidence"))
            messages.success(request, _("Your self-assessment of %(name)s is saved.") % {"name": competency.name})
        return redirect(reverse("perf_mgmt:my-competencies"))
    requirements = list(
        competencies_api.requirements_for_positions([employee.position_id] if employee.position_id else [])
    )
    results = {r.competency_id: r for r in api.get_self_result(request.user, [r.competency_id for r in requirements])}
    levels = {}
    for framework in Framework.objects.filter(
        pk__in={r.competency.framework_id for r in requirements}
    ).prefetch_related("scale__levels"):
        levels[framework.pk] = list(framework.scale.levels.all())
    rows = [
        {"requirement": r, "result": results.get(r.competency_id), "levels": levels.get(r.competency.framework_id, [])}
        for r in requirements
    ]
    context = {
        "employee": employee,
        "rows": rows,
        "recommended": _with_courses(competencies_api.recommendations_of(request.user, employee)),
    }
    return _render(request, "perf_mgmt/my_competencies.html", context, _("My competencies"))


def _with_courses(recs):
    """``[{"rec", "course", "url"}]`` for recommendation rows, with the platform's course info (one batch)."""
    recs = list(recs)
    backend = get_backend()
    infos = backend.get_courses({rec.course_key for rec in recs})
    return [
        {"rec": rec, "course": infos.get(rec.course_key), "url": backend.course_url(rec.course_key)} for rec in recs
    ]


@require_POST
@page_requires()
def respond_to_recommendation(request, pk):
    """The person enrols in, or dismisses, a course recommended to them (only their own: 404 for anyone else's)."""
    rec = CourseRecommendation.objects.select_related("person").filter(pk=pk).first()
    if rec is None or not can(request.user, competencies_api.RESPOND_PERMISSION, rec.person):
        raise Http404
    action = request.POST.get("action")
    with page_errors(request):
        competencies_api.respond(request.user, rec, action)
        name = str(rec.course_key)
        info = get_backend().get_course(rec.course_key)
        if info is not None:
            name = info.display_name
        if action == "enrol":
            messages.success(request, _("You are enrolled in %(course)s.") % {"course": name})
        else:
            messages.success(request, _("%(course)s is no longer recommended to you.") % {"course": name})
    return redirect(reverse("perf_mgmt:my-competencies"))


def _audit_filters(request):
    by = request.GET.get("by", "org_unit")
    if by not in competencies_api.BY_CHOICES:
        by = "org_unit"
    framework = None
    if request.GET.get("framework"):
        framework = Framework.objects.filter(slug=request.GET["framework"], active=True).first()
    return by, framework


@page_requires("perf_mgmt.view_gap_audit")
def gap_audit(request):
    """HR admins (their scope) and managers (their reports): org unit or position x competency heatmap."""
    by, framework = _audit_filters(request)
    heatmap = competencies_api.heatmap(request.user, by=by, framework=framework)
    context = {
        "heatmap": heatmap,
        "grid": heatmap.grid(),
        "by": by,
        "framework": framework,
        "frameworks": Framework.objects.filter(active=True).order_by("name"),
    }
    return _render(request, "perf_mgmt/gap_audit.html", context, _("Gap audit"))


@page_requires("perf_mgmt.view_gap_audit")
def gap_audit_cell(request):
    """Drill-down to the people behind one heatmap cell, with the courses that close each gap."""
    by, framework = _audit_filters(request)
    try:
        competency_id = int(request.GET["competency"])
        row_id = int(request.GET["row"]) if request.GET.get("row") else None
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    competency = Competency.objects.select_related("framework").filter(pk=competency_id).first()
    if competency is None:
        raise Http404
    page = _page(request, competencies_api.cell_gaps(request.user, by, row_id, competency_id, framework=framework))
    links = competencies_api.linked_courses([competency_id]).get(competency_id, [])
    backend = get_backend()
    infos = backend.get_courses({link.course_key for link in links})
    courses = [{"link": link, "course": infos.get(link.course_key)} for link in links if link.course_key in infos]
    live = _named(competencies_api.live_by_gap({gap.person_id for gap in page}, [competency_id]), infos)
    rows = [{"gap": gap, "recommended": live.get((gap.person_id, competency_id), [])} for gap in page]
    context = {
        "page": page,
        "rows": rows,
        "competency": competency,
        "courses": courses,
        "by": by,
        "row": row_id,
        "framework": framework,
        "filters": request.GET,
    }
    return _render(request, "perf_mgmt/gap_audit_cell.html", context, _("Gap audit: %(name)s") % {"name": competency})


@require_POST
@page_requires("perf_mgmt.view_gap_audit")
def gap_audit_cell_courses(request):
    """
    The drill-down's action: recommend or assign (``kind``) one linked ``course`` (or all of them when empty) to
    everyone behind the cell the viewer may act for; back to the drill-down with what was done.
    """
    by = request.POST.get("by") if request.POST.get("by") in competencies_api.BY_CHOICES else "org_unit"
    try:
        competency_id = int(request.POST["competency"])
        row_id = int(request.POST["row"]) if request.POST.get("row") else None
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    framework = None
    if request.POST.get("framework"):
        framework = Framework.objects.filter(slug=request.POST["framework"], active=True).first()
    course = request.POST.get("course") or None
    with page_errors(request):
        result = competencies_api.act_on_cell(
            request.user,
            by,
            row_id,
            competency_id,
            request.POST.get("kind"),
            course_keys=[course] if course else None,
            framework=framework,
        )
        messages.success(request, result.summary())
    params = {"by": by, "row": row_id or "", "competency": competency_id}
    if framework is not None:
        params["framework"] = framework.slug
    return redirect(f"{reverse('perf_mgmt:gap-audit-cell')}?{urlencode(params)}")


def _named(live, infos):
    """Give each recommendation of ``live_by_gap`` the course's display name (``course_name``) for templates."""
    for recs in live.values():
        for rec in recs:
            info = infos.get(rec.course_key)
            rec.course_name = info.display_name if info else str(rec.course_key)
    return live


def _person_or_404(user, pk):
    person = Employee.objects.select_related("user", "org_unit", "position").filter(pk=pk).first()
    if person is None or not can(user, "perf_mgmt.view_competencies", person):
        raise Http404
    return person


@page_requires()
def person_competencies(request, pk):
    """
    One person's gaps for their managers and HR (and themselves): each gap with the courses that close it, what is
    already recommended or assigned, and -- for those who may -- the recommend and assign buttons.
    """
    person = _person_or_404(request.user, pk)
    may_act = can(request.user, competencies_api.RECOMMEND_PERMISSION, person)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        competency = Competency.objects.filter(pk=request.POST.get("competency")).first()
        course = request.POST.get("course") or None
        with page_errors(request):
            if competency is None:
                raise CompetencyError(_("Choose a competency."))
            result = competencies_api.act_on_person(
                request.user,
                person,
                request.POST.get("kind"),
                competency=competency,
                course_keys=[course] if course else None,
            )
            messages.success(request, result.summary())
        return redirect(reverse("perf_mgmt:person-competencies", kwargs={"pk": person.pk}))
    gap_rows = list(competencies_api.gaps_of(person))
    links = competencies_api.linked_courses({gap.competency_id for gap in gap_rows})
    backend = get_backend()
    infos = backend.get_courses({link.course_key for group in links.values() for link in group})
    live = _named(competencies_api.live_by_gap([person.pk], {gap.competency_id for gap in gap_rows}), infos)
    rows = [
        {
            "gap": gap,
            "courses": [
                {"link": link, "course": infos[link.course_key]}
                for link in links.get(gap.competency_id, ())
                if link.course_key in infos and link.target_level > (gap.current_level or 0)
            ],
            "recommended": live.get((person.pk, gap.competency_id), []),
        }
        for gap in gap_rows
    ]
    context = {
        "person": person,
        "rows": rows,
        "may_act": may_act,
    }
    return _render(
        request,
        "perf_mgmt/person_competencies.html",
        context,
        _("Competencies of %(name)s") % {"name": person.display_name},
    )


@page_requires("perf_mgmt.view_gap_audit")
def gap_audit_csv(request):
    """The gaps in the viewer's audit scope as a CSV download (streamed)."""
    by, framework = _audit_filters(request)
    try:
        competency_id = int(request.GET["competency"]) if request.GET.get("competency") else None
        row_id = int(request.GET["row"]) if request.GET.get("row") else None
    except ValueError as exc:
        raise Http404 from exc
    lines = competencies_api.export_gaps_csv(
        request.user, framework=framework, by=by, row_id=row_id, competency_id=competency_id
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="competency-gaps.csv"'
    return response
