"""
The current-level policy: how a person's append-only assessments become one current level per competency.

Documented in docs/decisions/0005-competency-current-level-policy.rst; configured by the
``PERF_MGMT_COMPETENCY_POLICY`` setting (defaults in ``settings/common.py``). In short:

1. Only assessments made within ``recency_days`` count (older ones stay in the history but no longer decide).
2. Each rater counts once: of several assessments by the same rater (or, without a rater, from the same context,
   e.g. the same course) only the latest counts. A rater changes their own rating; never another rater's.
3. When ``manager_wins`` is on and a manager assessment counts, the latest manager assessment *is* the level:
   a manager-confirmed rating settles disagreement.
4. Otherwise the level is the weighted mean of the per-source means (each source first averages its raters, so
   ten peers do not outweigh one self-assessment unless the weights say so), with ``weights`` per source; a source
   with weight 0 is ignored. No counting assessment means no current level (``None``, treated as 0 in gaps).

The policy is a pure function over plain tuples so that the bulk recomputation can feed it rows read in batches.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..settings.common import DEFAULTS

#: The defaults live with every other setting's (``settings/common.py``); keys missing from the setting take them.
DEFAULT_POLICY = DEFAULTS["PERF_MGMT_COMPETENCY_POLICY"]


@dataclass(frozen=True)
class Policy:
    """The effective policy (the setting merged over the defaults)."""

    manager_wins: bool
    recency_days: int | None
    weights: dict

    def since(self, now=None):
        """The oldest creation time that still counts (``None``: no window)."""
        if not self.recency_days:
            return None
        return (now or timezone.now()) - timedelta(days=self.recency_days)


def get_policy():
    """The policy configured in ``PERF_MGMT_COMPETENCY_POLICY`` (missing keys take the defaults)."""
    configured = getattr(settings, "PERF_MGMT_COMPETENCY_POLICY", None) or {}
    weights = {**DEFAULT_POLICY["weights"], **(configured.get("weights") or {})}
    return Policy(
        manager_wins=bool(configured.get("manager_wins", DEFAULT_POLICY["manager_wins"])),
        recency_days=configured.get("recency_days", DEFAULT_POLICY["recency_days"]),
        weights={source: float(weight) for source, weight in weights.items()},
    )


@dataclass(frozen=True)
class Rating:
    """What the policy needs of one assessment."""

    level: int
    source: str
    rater_id: int | None
    context: str
    created: object  # datetime
    pk: int = 0


def current_level(ratings, policy=None, now=None):
    """
    The current level (a float rounded to 2 places, or ``None``) from ``ratings`` of one person on one competency.
    """
    policy = policy or get_policy()
    since = policy.since(now)
    latest = {}
    for rating in ratings:
        if since is not None and rating.created < since:
            continue
        key = (rating.source, rating.rater_id if rating.rater_id is not None else f"ctx:{rating.context}")
        kept = latest.get(key)
        if kept is None or (rating.created, rating.pk) > (kept.created, kept.pk):
            latest[key] = rating
    if not latest:
        return None
    if policy.manager_wins:
        managers = [rating for rating in latest.values() if rating.source == "manager"]
        if managers:
            return float(max(managers, key=lambda rating: (rating.created, rating.pk)).level)
    by_source = defaultdict(list)
    for rating in latest.values():
        by_source[rating.source].append(rating.level)
    total = weight_sum = 0.0
    for source, levels in by_source.items():
        weight = policy.weights.get(source, 0.0)
        if weight <= 0:
            continue
        total += weight * (sum(levels) / len(levels))
        weight_sum += weight
    if not weight_sum:
        return None
    return round(total / weight_sum, 2)
