"""
"Coaches" of a review cycle: HR admins and senior managers give each reviewing manager below them (or in their HR
scope) a coach manager, who reads that manager's drafts before they are shared, or take the coach away.

A thin adapter over ``appraisals.coaching``: the rows and the people offered as coaches come from the domain
(``reviewers_to_coach``, ``coach_candidates``), and ``assign_coach`` / ``remove_coach`` check the permission again.
A user with nobody to give a coach in the cycle gets a 404, so cycle ids reveal nothing.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ..appraisals import api as appraisals_api
from ..appraisals.api import Cycle
from .access import page_requires
from .errors import attempt
from .views import _render


def _reviewer_of(rows, value):
    """The reviewing manager posted as ``value`` if the user may give them a coach, else 404."""
    reviewer = next((row.reviewer for row in rows if str(row.reviewer.pk) == str(value)), None)
    if reviewer is None:
        raise Http404
    return reviewer


def _post(request, cycle, rows):
    post = request.POST
    reviewer = _reviewer_of(rows, post.get("reviewer"))
    if post.get("action") == "remove":
        attempt(request, appraisals_api.remove_coach, request.user, cycle, reviewer, success=_("The coach is removed."))
        return
    coach = appraisals_api.coach_by_id(request.user, post.get("coach"))
    if coach is None:
        messages.error(request, _("Choose the coach from the list."))
        return
    success = _("%(coach)s now coaches the reviews of %(reviewer)s.") % {
        "coach": coach.display_name,
        "reviewer": reviewer.display_name,
    }
    attempt(request, appraisals_api.assign_coach, request.user, cycle, reviewer, coach, success=success)


@page_requires()
def cycle_coaches(request, pk):
    """The reviewing managers of the cycle the user may give a coach, each with a coach to choose or remove."""
    cycle = appraisals_api.cycles_visible_to(request.user).exclude(status=Cycle.DRAFT).filter(pk=pk).first()
    rows = appraisals_api.reviewers_to_coach(request.user, cycle) if cycle is not None else []
    if not rows:
        raise Http404
    if request.method == "POST":
        _post(request, cycle, rows)
        return redirect(reverse("perf_mgmt:appraisal-cycle-coaches", kwargs={"pk": pk}))
    context = {
        "cycle": cycle,
        "rows": rows,
        "candidates": list(appraisals_api.coach_candidates(request.user)) if cycle.status == Cycle.ACTIVE else [],
    }
    title = _("Coaches: %(cycle)s") % {"cycle": cycle.name}
    return _render(request, "perf_mgmt/appraisal_cycle_coaches.html", context, title)
