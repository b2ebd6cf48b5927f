"""
What aggregate figures may be released to a reader, so that no sequence of allowed reads singles out fewer people
than a minimum (docs/decisions/0014-anonymity-by-differencing.rst has the threat model).

Every channel (pages, REST, CSV exports, XBlock handlers) reads its figures from a domain function that applies
these rules; nothing here knows about a channel. Three attacks are closed, one rule each:

- **Groupings** (:func:`suppress`, :func:`cross_suppress`): a group is hidden when it is too small and, when a total
  is also shown, the smallest other groups are hidden with it until the hidden ones together are big enough
  (complementary suppression). When a second grouping of the same answers is shown (by org unit and by manager), a
  group is shown only when each of its *cells* -- its intersection with every group of the other grouping -- is empty
  or at least the minimum: every figure shown is then a sum over cells of at least the minimum, so no difference of
  two figures, however combined, gives fewer than the minimum.
- **Scopes** (:func:`visible_groups`): the groups are computed once over the whole population, the same for every
  reader; a reader's scope only filters which of them they see. A figure is never recomputed over a reader's
  population, so two readers with different scopes see the same figure for the same group or none.
- **Time** (:class:`StepRelease`): a figure that grows while people answer is released in steps. Events are taken
  in the order they arrived and a step is closed once it holds events of at least the minimum of distinct people;
  only closed steps are counted. Two reads at different times differ by whole steps, never by one person.
"""

from collections import defaultdict

from django.conf import settings


def anonymity_min_group():
    """
    The smallest group of learners whose course figures (check-ins, self-assessments) are shown to course staff
    (``PERF_MGMT_ANONYMITY_MIN_GROUP``, at least 1).
    """
    return max(1, int(getattr(settings, "PERF_MGMT_ANONYMITY_MIN_GROUP", 3)))


def suppress(sizes, minimum):
    """
    Which group keys to hide, given ``{key: number of answers}``: every group below ``minimum``, then (complementary
    suppression) the smallest shown groups until the hidden ones together hold none or at least ``minimum`` answers,
    so the total minus the shown groups never reveals a group smaller than ``minimum``.
    """
    hidden = {key for key, size in sizes.items() if size < minimum}
    hidden_total = sum(sizes[key] for key in hidden)
    shown = sorted((key for key in sizes if key not in hidden), key=lambda key: (sizes[key], str(key)))
    while 0 < hidden_total < minimum and shown:
        key = shown.pop(0)
        hidden.add(key)
        hidden_total += sizes[key]
    return hidden


def cross_suppress(cells, minimum):
    """
    The groups to hide in each of two groupings of the same population, no total shown. ``cells`` is
    ``{(first key, second key): count}``; returns ``(hidden first keys, hidden second keys)``. A group is shown only
    when every non-empty cell it holds has at least ``minimum`` members (which makes the group itself big enough).
    """
    small_first, small_second = set(), set()
    sizes_first, sizes_second = defaultdict(int), defaultdict(int)
    for (first, second), count in cells.items():
        sizes_first[first] += count
        sizes_second[second] += count
        if 0 < count < minimum:
            small_first.add(first)
            small_second.add(second)
    hidden_first = small_first | {key for key, size in sizes_first.items() if size < minimum}
    hidden_second = small_second | {key for key, size in sizes_second.items() if size < minimum}
    return hidden_first, hidden_second


def visible_groups(keys, in_scope):
    """
    The group keys a reader may see: those ``in_scope(key)`` accepts. The groups themselves (members, figures,
    suppression) are computed over everyone beforehand; a scope never recomputes them.
    """
    return [key for key in keys if in_scope(key)]


class StepRelease:
    """
    Releases a growing stream of events in steps of at least ``minimum`` distinct people per group.

    Feed events in their order of arrival with :meth:`add` (``group``, ``person``, ``value``); :attr:`released`
    maps each group to the values of its closed steps, in order. The events of a step not yet closed are held back,
    so reading before and after one person acts shows either no change or a change made by ``minimum`` people.
    """

    def __init__(self, minimum):
        self.minimum = minimum
        self.released = defaultdict(list)
        self._pending = defaultdict(list)
        self._people = defaultdict(set)

    def add(self, group, person, value):
        self._pending[group].append(value)
        self._people[group].add(person)
        if len(self._people[group]) >= self.minimum:
            self.released[group].extend(self._pending.pop(group))
            del self._people[group]

    def held_back(self, group):
        """How many events of ``group`` wait for their step to close (for tests and explanations, never shown)."""
        return len(self._pending.get(group, ()))


def released_prefix(events, minimum):
    """
    The last event marker of a single stream released in steps (see :class:`StepRelease`): ``events`` are
    ``(person, marker)`` in arrival order. ``None`` when no step has closed yet.
    """
    steps = StepRelease(minimum)
    for person, marker in events:
        steps.add(None, person, marker)
    released = steps.released.get(None)
    return released[-1] if released else None
