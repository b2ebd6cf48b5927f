"""
Competency pages: "My competencies" (self-assessment and own gaps) and the gap audit (heatmap, drill-down, CSV).

Thin adapters over ``competencies`` services; permissions from the competency rules; constant query counts.
"""

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import api
from ..competencies import gaps, services
from ..competencies.errors import CompetencyError
from ..competencies.models import Competency, Framework
from .access import page_requires
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
        try:
            if competency is None:
                raise CompetencyError(_("Choose a competency."))
            api.record_self_assessment(
                request.user, competency.pk, int(request.POST.get("level", "0")), evidence=request.POST.get("evidence")
            )
        except (CompetencyError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your self-assessment of %(name)s is saved.") % {"name": competency.name})
        return redirect(reverse("perf_mgmt:my-competencies"))
    requirements = list(services.requirements_for_positions([employee.position_id] if employee.position_id else []))
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
    return _render(
        request, "perf_mgmt/my_competencies.html", {"employee": employee, "rows": rows}, _("My competencies")
    )


def _audit_filters(request):
    by = request.GET.get("by", "org_unit")
    if by not in gaps.BY_CHOICES:
        by = "org_unit"
    framework = None
    if request.GET.get("framework"):
        framework = Framework.objects.filter(slug=request.GET["framework"], active=True).first()
    return by, framework


@page_requires("perf_mgmt.view_gap_audit")
def gap_audit(request):
    """HR admins (their scope) and managers (their reports): org unit or position x competency heatmap."""
    by, framework = _audit_filters(request)
    heatmap = gaps.heatmap(request.user, by=by, framework=framework)
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
    page = _page(request, gaps.cell_gaps(request.user, by, row_id, competency_id, framework=framework))
    courses = services.linked_courses([competency_id]).get(competency_id, [])
    context = {"page": page, "competency": competency, "courses": courses, "by": by, "row": row_id}
    return _render(request, "perf_mgmt/gap_audit_cell.html", context, _("Gap audit: %(name)s") % {"name": competency})


@page_requires("perf_mgmt.view_gap_audit")
def gap_audit_csv(request):
    """The gaps in the viewer's audit scope as a CSV download (streamed)."""
    by, framework = _audit_filters(request)
    try:
        competency_id = int(request.GET["competency"]) if request.GET.get("competency") else None
        row_id = int(request.GET["row"]) if request.GET.get("row") else None
    except ValueError as exc:
        raise Http404 from exc
    lines = gaps.export_csv(request.user, framework=framework, by=by, row_id=row_id, competency_id=competency_id)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="competency-gaps.csv"'
    return response
