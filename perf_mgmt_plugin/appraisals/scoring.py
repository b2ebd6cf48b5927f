"""
The overall score of a review, for one side (the person's self ratings or the manager's ratings).

Why so simple: the formula is shown to both people next to the score (``FORMULA``), and a score nobody can
recompute by hand is not trusted. Each rated item counts as the share of its scale it reached; sections average
their items by weight; the review averages its sections by the template's section weights. Items not rated yet,
questions and development sections are left out. A cycle run without scores (``Cycle.scored`` off) has none.
"""

from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ..competencies.api import ScaleLevel

SIDES = ("self", "manager")

FORMULA = _(
    "Each rated item scores its rating divided by the highest point of its scale, as a percentage (3 of 4 = 75%). "
    "A section's score is the weighted average of its rated items (a key result area weighs as much as its "
    "objective; other items weigh 1). The overall score is the weighted average of the sections' scores, by the "
    "section weights of the template. Items without a rating are left out."
)


@dataclass(frozen=True)
class Score:
    """A side's overall score (0-100, one decimal) and its sections' scores keyed by section id."""

    overall: float | None
    sections: dict = field(default_factory=dict)


def scale_maxima(scale_ids):
    """The highest point of each scale, ``{scale_id: value}`` (one query)."""
    scale_ids = {scale_id for scale_id in scale_ids if scale_id}
    if not scale_ids:
        return {}
    return dict(
        ScaleLevel.objects.filter(scale_id__in=scale_ids)
        .values("scale_id")
        .annotate(top=Max("value"))
        .values_list("scale_id", "top")
    )


def item_score(rating, scale_max):
    """The share of the scale a rating reached, 0-100; None when not rated or the scale is empty."""
    if rating is None or not scale_max:
        return None
    return 100.0 * rating / scale_max


def _weighted(pairs):
    pairs = [(value, weight) for value, weight in pairs if value is not None and weight > 0]
    total = sum(weight for _value, weight in pairs)
    if not total:
        return None
    return sum(value * weight for value, weight in pairs) / total


def score(cycle, items, side, *, maxima=None):
    """
    The :class:`Score` of ``side`` ("self" or "manager") over a review's ``items`` (with ``section`` loaded). No
    query when ``maxima`` (from ``scale_maxima``) is given, so lists can score many reviews with one lookup.
    """
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}")
    if not cycle.scored:
        return Score(None)
    items = [item for item in items if item.scale_id]
    if maxima is None:
        maxima = scale_maxima(item.scale_id for item in items)
    by_section, sections = {}, {}
    for item in items:
        value = item_score(getattr(item, f"{side}_rating"), maxima.get(item.scale_id))
        by_section.setdefault(item.section_id, []).append((value, item.weight))
        sections[item.section_id] = item.section
    section_scores = {}
    for section_id, pairs in by_section.items():
        value = _weighted(pairs)
        if value is not None:
            section_scores[section_id] = round(value, 1)
    overall = _weighted((value, sections[section_id].weight) for section_id, value in section_scores.items())
    return Score(None if overall is None else round(overall, 1), section_scores)


def overall_score(review, side, *, items=None, maxima=None):
    """The overall score (0-100) of one side of ``review``, None when the cycle is unscored or nothing is rated."""
    if items is None:
        items = review.items.select_related("section")
    return score(review.cycle, items, side, maxima=maxima).overall
