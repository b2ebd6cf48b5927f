"""
Organisational health pages (issue 19): a unit's health pack with pictures and its print view (the meeting pack),
the monthly-email preference, and a lagging manager's flag with the one-click coaching plan.

Thin adapters over ``health.api``; a unit or a manager the reader may not see is a 404 (ids reveal nothing).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..core.access import can
from ..core.charts import Series, bars, line, stacked_bars
from ..core.charts.palette import STATUS
from ..health import api as health
from ..org.api import Employee, OrgUnit
from ..strategy.api import Period
from .access import page_requires
from .views import _render

STATUS_LABELS = [
    ("on_track", _("On track")),
    ("done", _("Done")),
    ("not_started", _("Not started")),
    ("at_risk", _("At risk")),
    ("off_track", _("Off track")),
]


def _int(value):
    """A query's id as a number; anything else (text, a number beyond the database's) is 0, which matches nothing."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) <= 2**31 - 1 else 0


def _pct(value):
    return None if value is None else round(100 * value, 1)


def pack_charts(pack):
    """The pictures of a pack, each a ``core.charts`` chart with its data table."""
    s, p, c, people = pack.strategy, pack.process, pack.capability, pack.people_figures
    charts = {
        "objectives": bars(
            _("Objectives by status"),
            [label for _key, label in STATUS_LABELS],
            [s.by_status.get(key, 0) for key, _label in STATUS_LABELS],
            colours=[
                STATUS.get(key, STATUS["none"]) if key != "done" else STATUS["on_track"] for key, _l in STATUS_LABELS
            ],
            value_column=_("Objectives"),
        ),
        "checkins": bars(
            _("Reports with a check-in in the last %(weeks)s weeks, by manager (%%)") % {"weeks": p.weeks},
            [m.name or str(m.manager_id) for m in p.managers if m.reports][:25],
            [_pct(m.checkin_share) for m in p.managers if m.reports][:25],
            max_value=100,
            unit="%",
            value_column=_("Share of reports (%)"),
        ),
        "mix": stacked_bars(
            _("Plan items by 70/20/10 category"),
            [_("Plan items")],
            [
                (_("Experience (70)"), [c.mix.get("experience", {}).get("items", 0)]),
                (_("Exposure (20)"), [c.mix.get("exposure", {}).get("items", 0)]),
                (_("Education (10)"), [c.mix.get("education", {}).get("items", 0)]),
            ],
            percent=True,
        ),
    }
    if people.distribution:
        charts["ratings"] = bars(
            _("Manager ratings (released groups only)"),
            [str(score) if score is not None else _("Not scored") for score, _n in people.distribution],
            [n for _score, n in people.distribution],
            value_column=_("Reviews"),
        )
    if p.survey:
        charts["survey"] = line(
            _("Process survey score by cycle (1-5)"),
            [entry["name"] for entry in p.survey],
            [Series(_("Score"), tuple(entry["score"] for entry in p.survey))],
            min_value=1,
            max_value=5,
        )
    history = [(d.isoformat(), f.get("on_track_share")) for d, f in pack.history]
    points = [*history, (pack.as_of.isoformat(), s.on_track_share)]
    values = [_pct(v) for _d, v in points]
    forecast_from = None
    known = [v for v in values if v is not None]
    if len(known) >= 2 and values[-1] is not None and values[-2] is not None:
        # Next month by the last month's change, kept within 0-100: drawn dashed.
        nxt = max(0.0, min(100.0, values[-1] + (values[-1] - values[-2])))
        points.append((_("next month"), None))
        values.append(round(nxt, 1))
        forecast_from = len(values) - 1
    charts["on_track_trend"] = line(
        _("Objectives on track (%)"),
        [d for d, _v in points],
        [Series(_("On track"), tuple(values), forecast_from=forecast_from)],
        max_value=100,
        unit="%",
    )
    if c.open_gaps_trend:
        charts["gaps"] = line(
            _("Open competency gaps"),
            [d.isoformat() for d, _n in c.open_gaps_trend],
            [Series(_("Open gaps"), tuple(n for _d, n in c.open_gaps_trend))],
        )
    return charts


def _unit_and_period(request):
    units = health.readable_units(request.user)
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    if unit_id:
        unit = OrgUnit.objects.filter(pk=_int(unit_id)).first()
        if unit is None or not health.can_read_pack(request.user, unit):
            raise Http404
    else:
        unit = units[0] if units else None
    period = None
    if request.GET.get("period"):
        period = Period.objects.filter(pk=_int(request.GET["period"])).first()
    return units, unit, period


@page_requires("perf_mgmt.view_health")
def health_pack(request):
    """The health pack of a unit the reader may open (``?unit=``, ``?period=``; ``?print=1`` the meeting pack)."""
    units, unit, period = _unit_and_period(request)
    if unit is None:
        return _render(request, "perf_mgmt/health_pack.html", {"units": []}, _("Organisational health"))
    try:
        pack = health.health_pack(request.user, unit, period)
    except health.HealthError as exc:
        return _render(
            request,
            "perf_mgmt/health_pack.html",
            {"units": units, "unit": unit, "error": str(exc)},
            _("Organisational health"),
        )
    context = {
        "units": units,
        "unit": unit,
        "pack": pack,
        "charts": pack_charts(pack),
        "periods": Period.objects.filter(active=True).order_by("-start")[:12],
        "lagging": pack.lagging_managers,
        "reason_labels": health.REASON_LABELS,
        "monthly_email": health.wants_monthly_email(request.user),
        "print": request.GET.get("print") == "1",
    }
    template = "perf_mgmt/health_pack_print.html" if context["print"] else "perf_mgmt/health_pack.html"
    return _render(request, template, context, _("Organisational health: %(unit)s") % {"unit": unit.name})


@require_POST
@page_requires("perf_mgmt.view_health")
def health_preference(request):
    """Turn the monthly email on or off (``monthly_email`` = ``on`` / anything else)."""
    health.set_monthly_email(request.user, request.POST.get("monthly_email") == "on")
    messages.success(request, _("Your choice about the monthly health pack is saved."))
    return redirect(reverse("perf_mgmt:health"))


def _manager_or_404(request, pk):
    manager = Employee.objects.select_related("user", "org_unit", "manager").filter(pk=pk, active=True).first()
    if manager is None or not can(request.user, "perf_mgmt.view_manager_development", manager):
        raise Http404
    return manager


@page_requires()
def manager_flag(request, pk):
    """A manager's process figures and why they lag, for their managers and HR; POST offers the coaching plan."""
    manager = _manager_or_404(request, pk)
    if request.method == "POST":
        try:
            plan = health.offer_coaching_plan(
                request.user, manager, idempotency_key=request.POST.get("idempotency_key", "")
            )
        except health.HealthError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The coaching and communication skills plan was offered: %(plan)s") % {"plan": plan.title}
            )
        return redirect(reverse("perf_mgmt:health-manager", kwargs={"pk": manager.pk}))
    try:
        flag = health.manager_flag(request.user, manager)
    except health.HealthError as exc:
        return _render(
            request, "perf_mgmt/health_manager.html", {"manager": manager, "error": str(exc)}, manager.display_name
        )
    context = {"manager": manager, "flag": flag, "figures": flag.figures, "reason_labels": health.REASON_LABELS}
    return _render(
        request,
        "perf_mgmt/health_manager.html",
        context,
        _("Manager development: %(name)s") % {"name": manager.display_name},
    )
