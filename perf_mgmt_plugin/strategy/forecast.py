"""
The forecast of one objective from numbers already at hand: pure functions, no queries.

The method (docs/decisions/0006-strategy-forecasts.rst): *pace* is progress per day over the last ``window_days``
of the objective's own history (or, for an objective without a measure of its own, the weighted mean of its
children's paces, so a slipping team goal slows the strategic objective it serves). The *required pace* is the work
left divided by the days left. Their ratio gives the status against thresholds that are settings; the projected
completion date is today plus the work left at the current pace.
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings

#: Forecasts further out than this are "not in sight" (no date).
MAX_FORECAST_DAYS = 3650

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
DONE = "done"
SEVERITY = {DONE: 0, NOT_STARTED: 0, ON_TRACK: 0, AT_RISK: 1, OFF_TRACK: 2}


@dataclass(frozen=True)
class Thresholds:
    """The forecast settings (``PERF_MGMT_FORECAST``)."""

    window_days: int = 28
    min_history_days: int = 7
    at_risk_below: float = 0.9
    off_track_below: float = 0.6

    @classmethod
    def from_settings(cls):
        return cls(**{**cls().__dict__, **getattr(settings, "PERF_MGMT_FORECAST", {})})


@dataclass(frozen=True)
class Forecast:
    """What is stored on the objective."""

    progress: float
    pace: float
    status: str
    forecast_date: datetime.date | None


def clamp(value, low=0.0, high=1.0):
    return max(low, min(high, value))


def measure_progress(measure, start_value, target_value, current_value, done, milestone_share=None):
    """Progress 0..1 of an objective's own measure (``rollup`` objectives have none: ``None``)."""
    if measure == "numeric":
        span = target_value - start_value
        if span == 0:
            return 1.0 if current_value == target_value else 0.0
        return clamp((current_value - start_value) / span)
    if measure == "binary":
        return 1.0 if done else 0.0
    if measure == "milestones":
        return clamp(milestone_share or 0.0)
    return None


def own_pace(progress, baseline_progress, baseline_at, start_date, today):
    """
    Progress per day since the baseline: the last reading at or before the window's start, or (no reading that old)
    0 at the objective's start date. ``baseline_at`` is a date.
    """
    if baseline_at is None:
        baseline_at, baseline_progress = start_date, 0.0
    days = (today - baseline_at).days
    if days <= 0:
        return 0.0
    return max(progress - (baseline_progress or 0.0), 0.0) / days


def status_of(progress, pace, start_date, due_date, today, thresholds):
    """The status and projected completion date for an objective with this progress and pace."""
    if progress >= 1.0 - 1e-9:
        return DONE, None
    if today < start_date:
        return NOT_STARTED, None
    forecast_date = None
    if pace > 0:
        days_needed = (1.0 - progress) / pace
        if days_needed <= MAX_FORECAST_DAYS:
            forecast_date = today + datetime.timedelta(days=math.ceil(days_needed))
    days_left = (due_date - today).days
    if days_left <= 0:
        return OFF_TRACK, forecast_date
    if (today - start_date).days < thresholds.min_history_days:
        # Too early to judge a pace: nothing is expected yet.
        return (ON_TRACK if progress > 0 else NOT_STARTED), forecast_date
    required = (1.0 - progress) / days_left
    ratio = pace / required
    if ratio >= thresholds.at_risk_below:
        return ON_TRACK, forecast_date
    if ratio >= thresholds.off_track_below:
        return AT_RISK, forecast_date
    return OFF_TRACK, forecast_date


def leaf_forecast(progress, baseline_progress, baseline_at, start_date, due_date, today, thresholds):
    """The forecast of an objective with a measure of its own, from its history's baseline."""
    pace = 0.0 if progress >= 1.0 else own_pace(progress, baseline_progress, baseline_at, start_date, today)
    status, forecast_date = status_of(progress, pace, start_date, due_date, today, thresholds)
    return Forecast(progress, pace, status, forecast_date)


def rollup_forecast(children, start_date, due_date, today, thresholds):
    """
    The forecast of an objective without its own measure from its active children's ``(weight, progress, pace,
    status)``: weighted means of progress and pace, and at least "at risk" when a child is at risk or off track (so
    a delay deep in the cascade is seen all the way up even when the averages still look fine).
    """
    total = sum(weight for weight, _p, _v, _s in children if weight > 0)
    if total <= 0:
        status, _date = status_of(0.0, 0.0, start_date, due_date, today, thresholds)
        return Forecast(0.0, 0.0, status if status != OFF_TRACK else NOT_STARTED, None)
    progress = sum(weight * p for weight, p, _v, _s in children if weight > 0) / total
    pace = sum(weight * v for weight, _p, v, _s in children if weight > 0) / total
    status, forecast_date = status_of(progress, pace, start_date, due_date, today, thresholds)
    if status in (ON_TRACK, NOT_STARTED) and any(
        s in (AT_RISK, OFF_TRACK) for weight, _p, _v, s in children if weight > 0
    ):
        status = AT_RISK
    return Forecast(progress, pace, status, forecast_date)


def worsened(old, new):
    """Whether the status got worse (on track -> at risk -> off track); ``old`` None: no status before."""
    return old is not None and SEVERITY.get(new, 0) > SEVERITY.get(old, 0)
