"""
Which raters' answers a 360 report may show, and as which group (ADR 0024 has the threat model).

Pure functions over plain tuples, so every channel (page, print view, REST, CSV, admin) reads the same figures from
``report.build`` and the rules are tested without a database.

1. **Groups** (:func:`shown_groups`): ``self`` is the subject; ``manager`` is named as such (its raters are told
   before answering); ``peer``, ``direct_report`` and ``other`` are shown when they hold at least the minimum of
   raters who submitted. The ones below it are pooled with ``other``: the pool is shown as "others" when it reaches
   the minimum, else every rater in it is left out of every figure (never only of their group's line, so no total
   minus the shown lines gives them back).
2. **Cells** (:func:`shown_cells`): a figure is a sum over cells (one item, one group). An anonymous group's cell is
   shown only with answers from at least the minimum of raters (a rater may say "not able to say"); a cell
   below it is left out of the group's competency figure and of every "all others" figure too, so each figure shown
   is a sum of shown cells and no difference of two figures gives fewer than the minimum of answers.
3. **Time**: nothing is shown before the round closes, and a closed round's answers never change (a retired rater's
   levels stay, unlinked), so two reads at different times show the same figures.
"""

from collections import defaultdict

from django.conf import settings

from .models import DIRECT_REPORT, MANAGER, OTHER, PEER, SELF

#: Groups whose raters are anonymous (the subject and the named manager are not).
ANONYMOUS = (PEER, DIRECT_REPORT, OTHER)


def min_group():
    """``PERF_MGMT_PROFILING_MIN_GROUP`` (default 3, at least 2)."""
    return max(2, int(getattr(settings, "PERF_MGMT_PROFILING_MIN_GROUP", 3)))


def shown_groups(raters, minimum):
    """
    ``{rater_id: shown group}`` for the raters whose answers may count, from ``raters`` = ``[(rater_id, group)]``
    of those who submitted. A rater missing from the result counts nowhere.
    """
    by_group = defaultdict(list)
    for rater_id, group in raters:
        by_group[group].append(rater_id)
    shown = {}
    for group in (SELF, MANAGER):
        for rater_id in by_group.get(group, ()):
            shown[rater_id] = group
    pool = list(by_group.get(OTHER, ()))
    for group in (PEER, DIRECT_REPORT):
        members = by_group.get(group, ())
        if len(members) >= minimum:
            for rater_id in members:
                shown[rater_id] = group
        else:
            pool.extend(members)
    if len(pool) >= minimum:
        for rater_id in pool:
            shown[rater_id] = OTHER
    return shown


def shown_cells(counts, minimum):
    """
    The ``(item_id, group)`` cells that may be shown, from ``counts`` = ``{(item_id, group): raters who gave a
    level}``: self and manager cells always, anonymous groups' cells with at least ``minimum`` answers.
    """
    return {cell for cell, count in counts.items() if count and (cell[1] not in ANONYMOUS or count >= minimum)}


def hidden_summary(raters, minimum):
    """How many submitted raters count nowhere (said on the report, never who or from which group)."""
    return len(raters) - len(shown_groups(raters, minimum))
