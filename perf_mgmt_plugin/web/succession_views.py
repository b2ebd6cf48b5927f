"""
Succession pages (issue 19): key positions (HR marks them), a key position's pool with bench strength, risks and
suggestions (the talent review confirms or changes readiness, adds suggested people, turns a candidate's gaps into
plan items), and the talent-review grid (9-box) of a unit. A key position or unit out of reach is a 404; a person in
a pool never sees it.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ..core.access import can
from ..core.charts import grid
from ..core.versioning import EditConflict
from ..health import api as health
from ..org.api import Employee, OrgUnit, Position
from ..succession import api as succession
from .access import page_requires
from .views import _render


def _int(value):
    """A form's id as a number; anything else (text, a number beyond the database's) is 0, which matches nothing."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) <= 2**31 - 1 else 0


PERFORMANCE = (_("Low performance"), _("Medium performance"), _("High performance"))
POTENTIAL = (_("High potential"), _("Medium potential"), _("Low potential"))


@page_requires("perf_mgmt.manage_succession")
def key_positions(request):
    """HR: the key positions (bench and risk of each) and marking another one."""
    if request.method == "POST":
        position = Position.objects.filter(pk=_int(request.POST.get("position")), active=True).first()
        if position is None:
            messages.error(request, _("Choose a position."))
        else:
            succession.mark_key_position(request.user, position, reason=request.POST.get("reason", "")[:255])
            messages.success(request, _("%(position)s is now a key position.") % {"position": position.title})
        return redirect(reverse("perf_mgmt:succession"))
    benches = [succession.pool(request.user, k) for k in succession.key_positions_for(request.user)]
    marked = {b.key_position.position_id for b in benches}
    context = {
        "benches": benches,
        "positions": [p for p in Position.objects.filter(active=True).order_by("title")[:500] if p.pk not in marked],
        "risk_labels": succession.RISK_LABELS,
    }
    return _render(request, "perf_mgmt/succession_positions.html", context, _("Succession"))


def _key_position_or_404(request, pk):
    key = succession.KeyPosition.objects.select_related("position__org_unit").filter(pk=_int(pk), active=True).first()
    if key is None or not can(request.user, "perf_mgmt.view_succession_pool", key):
        raise Http404
    return key


def _post_pool(request, key):  # noqa: PLR0911
    action = request.POST.get("action")
    if not can(request.user, "perf_mgmt.edit_succession_pool", key):
        raise Http404
    if action == "add":
        employee = Employee.objects.filter(pk=_int(request.POST.get("employee")), active=True).first()
        if employee is None:
            raise Http404
        succession.add_candidate(request.user, key, employee, idempotency_key=request.POST.get("idempotency_key", ""))
        messages.success(request, _("%(name)s is in the pool.") % {"name": employee.display_name})
        return None
    candidate = succession.candidate_of(request.user, _int(request.POST.get("candidate")))
    if candidate is None or candidate.key_position_id != key.pk:
        raise Http404
    if action == "readiness":
        succession.set_readiness(
            request.user, candidate, request.POST.get("readiness", ""), version=request.POST.get("version")
        )
        messages.success(request, _("Readiness saved."))
    elif action == "gaps":
        added = succession.gaps_to_plan(request.user, candidate)
        messages.success(request, _("%(n)s plan items added.") % {"n": len(added)})
    elif action == "remove":
        succession.remove_candidate(request.user, candidate)
        messages.success(request, _("Removed from the pool."))
    return None


@page_requires()
def key_position(request, pk):
    """One key position: bench strength, risks, the pool (talent review) and suggestions."""
    key = _key_position_or_404(request, pk)
    if request.method == "POST":
        try:
            _post_pool(request, key)
        except EditConflict as exc:
            messages.error(request, str(exc))
        except succession.SuccessionError as exc:
            messages.error(request, str(exc))
        return redirect(reverse("perf_mgmt:succession-position", kwargs={"pk": key.pk}))
    bench = succession.pool(request.user, key)
    editable = can(request.user, "perf_mgmt.edit_succession_pool", key)
    gaps = {c.pk: succession.candidate_gaps(key, c.employee) for c in bench.candidates} if editable else {}
    context = {
        "key": key,
        "bench": bench,
        "editable": editable,
        "suggestions": succession.suggestions(key) if editable else [],
        "readiness_choices": succession.READINESS_CHOICES,
        "requirements": succession.requirements_of(key.position),
        "gaps": gaps,
        "risk_labels": succession.RISK_LABELS,
    }
    return _render(
        request,
        "perf_mgmt/succession_position.html",
        context,
        _("Key position: %(title)s") % {"title": key.position.title},
    )


@page_requires("perf_mgmt.view_health")
def talent_grid(request):
    """The talent-review grid of a unit the reader may open (``?unit=``), potential by performance."""
    units = health.readable_units(request.user)
    unit_id = request.GET.get("unit")
    unit = (
        OrgUnit.objects.filter(pk=int(unit_id)).first()
        if unit_id and unit_id.isdigit()
        else (units[0] if units else None)
    )
    if (unit_id and unit is None) or (unit is not None and not can(request.user, "perf_mgmt.view_talent_grid", unit)):
        raise Http404
    context = {"units": units, "unit": unit}
    if unit is not None:
        board = succession.talent_grid(request.user, unit)
        context["board"] = board
        context["chart"] = grid(
            _("Talent review grid: %(unit)s") % {"unit": unit.name},
            POTENTIAL,
            PERFORMANCE,
            [[len(cell) for cell in row] for row in board.cells],
        )
        context["rows"] = list(zip(POTENTIAL, board.cells, strict=True))
    return _render(request, "perf_mgmt/succession_grid.html", context, _("Talent review"))
