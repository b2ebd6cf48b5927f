"""
HR pages of the appraisals: "Review cycles" (every cycle with its phase, and the process survey's trends across
cycles), a new cycle from a template with deadlines suggested for its cadence, a cycle's page (launch with a
progress bar that polls, re-run, close) with its reports: completion by phase and org unit, overdue steps, rating
distributions per unit and manager, coaching coverage, survey results and their CSV export.

Thin adapters over ``appraisals.cycles``, ``reports`` and ``survey`` and the launch entry points of ``api`` /
``tasks``; the reports scope their rows to the HR admin's units and hide groups below the minimum size themselves.
"""

import io

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import api, tasks
from ..appraisals import api as appraisals_api
from ..appraisals.api import Cycle, Review, SurveyResponse
from ..core import csv_export
from ..core.access import can
from .access import page_requires
from .appraisal_forms import CycleForm
from .errors import attempt, form_errors
from .views import _page, _render

QUESTIONS = SurveyResponse.QUESTIONS


# ---------------------------------------------------------------------------------------------------------------


def _cycle(request, pk):
    cycle = Cycle.objects.select_related("template", "period").filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


@page_requires("perf_mgmt.view_appraisal_reports")
def cycle_list(request):
    """Every cycle with its state, phase, launch progress and number of reviews."""
    qs = (
        appraisals_api.cycles_visible_to(request.user)
        .select_related("template")
        .annotate(review_count=Count("reviews"))
    )
    page = _page(request, qs.order_by("-start", "name"))
    rows = [{"cycle": c, "phase": appraisals_api.current_phase(c)} for c in page]
    context = {
        "page": page,
        "rows": rows,
        "may_manage": can(request.user, appraisals_api.MANAGE_APPRAISALS),
        "trends": [
            {"point": p, "means": [p.means.get(q) for q in SurveyResponse.QUESTIONS]}
            for p in appraisals_api.trends(request.user)
        ],
        "questions": SurveyResponse.QUESTIONS,
        "min_group": appraisals_api.min_group(),
    }
    return _render(request, "perf_mgmt/appraisal_cycles.html", context, _("Review cycles"))


@page_requires(appraisals_api.MANAGE_APPRAISALS)
def cycle_new(request):
    """A new draft cycle from a template; "Suggest the deadlines" fills the dates for the cadence and start."""
    form = CycleForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "suggest":
        data = form.suggested()
        if data is None:
            messages.error(request, _("Give the cadence and the start date first."))
        # An unbound form with the suggested values: the person reviews them before creating the cycle.
        form = CycleForm(initial=data) if data else form
        return _render(request, "perf_mgmt/appraisal_cycle_form.html", {"form": form}, _("New review cycle"))
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            cycle = appraisals_api.create_cycle(request.user, **form.create_kwargs())
            messages.success(request, _("%(name)s is created as a draft.") % {"name": cycle.name})
            return redirect(reverse("perf_mgmt:appraisal-cycle", kwargs={"pk": cycle.pk}))
    return _render(request, "perf_mgmt/appraisal_cycle_form.html", {"form": form}, _("New review cycle"))


def _completion_rows(completion):
    """Each group's counts in the order of the stages (a template cannot index a dict by a variable)."""
    rows = [*completion.rows, completion.total]
    return [
        {"row": row, "stages": [row.at_stage.get(stage, 0) for stage in Review.STAGE_ORDER], "total": row is rows[-1]}
        for row in rows
    ]


def _rating_rows(distribution):
    """Each group's counts per point of each scale rated, labelled with the point's name."""
    rows = []
    for group in distribution.groups:
        scales = []
        for scale_id, (name, points) in distribution.scales.items():
            counts = dict(group.ratings.get(scale_id, ()))
            scales.append({"name": name, "points": [(value, label, counts.get(value, 0)) for value, label in points]})
        rows.append({"group": group, "scales": scales})
    return rows


def _survey_rows(results):
    return [
        {"group": group, "means": [group.means.get(question) for question in SurveyResponse.QUESTIONS]}
        for group in results.groups
    ]


@page_requires("perf_mgmt.view_appraisal_reports")
def cycle_detail(request, pk):
    """A cycle: facts, launch progress (polled), launch/close for managers of appraisals, the reports."""
    cycle = _cycle(request, pk)
    user = request.user
    status, done, total, error = api.cycle_launch_progress(cycle)
    by_unit = appraisals_api.rating_distribution(user, cycle, by="org_unit")
    by_manager = appraisals_api.rating_distribution(user, cycle, by="manager")
    survey_all = appraisals_api.results(user, cycle)
    survey_units = appraisals_api.results(user, cycle, group_by="org_unit")
    context = {
        "cycle": cycle,
        "phase": appraisals_api.current_phase(cycle),
        "launch": {
            "status": status,
            "done": done,
            "total": total,
            "error": error,
            "stale": api.cycle_launch_is_stale(cycle),
        },
        "may_manage": can(user, appraisals_api.MANAGE_APPRAISALS),
        "stages": Review.STAGE_CHOICES,
        "completion": _completion_rows(appraisals_api.completion_by_phase(user, cycle, by="org_unit")),
        "overdue": appraisals_api.overdue_steps(user, cycle),
        "ratings_by_unit": _rating_rows(by_unit),
        "ratings_by_manager": _rating_rows(by_manager),
        "rating_hidden": (by_unit.hidden_groups, by_manager.hidden_groups),
        "coaching": appraisals_api.coaching_coverage(user, cycle),
        "questions": SurveyResponse.QUESTIONS,
        "survey": survey_all,
        "survey_rows": _survey_rows(survey_all) + _survey_rows(survey_units),
        "survey_hidden": survey_all.hidden_groups + survey_units.hidden_groups,
        "min_group": appraisals_api.min_group(),
    }
    return _render(request, "perf_mgmt/appraisal_cycle.html", context, cycle.name)


@page_requires("perf_mgmt.view_appraisal_reports")
def cycle_progress(request, pk):
    """The launch progress as JSON, polled by the cycle page's progress bar."""
    cycle = _cycle(request, pk)
    status, done, total, error = api.cycle_launch_progress(cycle)
    return JsonResponse({"status": status, "done": done, "total": total, "error": error})


@require_POST
@page_requires(appraisals_api.MANAGE_APPRAISALS)
def cycle_launch(request, pk):
    """Launch (or safely re-run the launch of) a cycle: the reviews are created by a Celery task."""
    cycle = _cycle(request, pk)
    if attempt(request, api.start_cycle_launch, request.user, cycle, success=_("The launch has started.")):
        tasks.enqueue_cycle_launch(cycle)
    return redirect(reverse("perf_mgmt:appraisal-cycle", kwargs={"pk": pk}))


@require_POST
@page_requires(appraisals_api.MANAGE_APPRAISALS)
def cycle_close(request, pk):
    """Close an active cycle; its participants are invited to the process survey."""
    cycle = _cycle(request, pk)
    attempt(
        request, appraisals_api.close_cycle, request.user, cycle, success=_("The cycle is closed; the survey is open.")
    )
    return redirect(reverse("perf_mgmt:appraisal-cycle", kwargs={"pk": pk}))


@page_requires("perf_mgmt.view_appraisal_reports")
def cycle_survey_csv(request, pk):
    """The survey results as CSV, with the same minimum group size as the page."""
    cycle = _cycle(request, pk)
    out = io.StringIO()
    csv_export.writer(out).writerows(appraisals_api.export_rows(request.user, cycle))  # neutralises formulas
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{cycle.pk}-{timezone.localdate():%Y%m%d}.csv"'
    return response
