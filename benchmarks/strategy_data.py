"""
Scale data for the strategy benchmark and its guard test: a cascade of objectives on top of an ``org_data``
organisation, and a progress history, written with ``core.bulk.bulk_insert`` (paths computed in memory).

Shape: ``fanout`` gives the number of children per node at each level below the strategic objectives, e.g.
``(5, 10, 20, 19)`` under 5 roots gives 5 + 25 + 250 + 5,000 + 95,000 = 100,280 objectives. Only the bottom
level (individual tasks) has a measure of its own (numeric, 0 -> 100); every level above rolls up. Owners are the
organisation's people in turn (a manager of level *n* owns level-*n* objectives). Progress readings are spread over
the tasks, at even intervals over the period up to today, with a seeded mix of paces (ahead, on track, slipping,
stalled), so the forecasts give every status.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from perf_mgmt_plugin.core.bulk import bulk_insert
from perf_mgmt_plugin.core.paths import child_path
from perf_mgmt_plugin.strategy.models import Level, Objective, Period, ProgressUpdate

#: Share of the target reached by "today" by pace profile (the period is 2/3 gone: on track is >= 2/3).
UPDATE_FIELDS = ("objective", "progress", "value", "note", "created")
PROFILES = (("ahead", 0.85), ("on_track", 0.7), ("slipping", 0.45), ("stalled", 0.2))


@dataclass
class BuiltCascade:
    period_id: int
    roots: list
    levels: list = field(default_factory=list)  # node count per level
    task_ids: list = field(default_factory=list)
    updates: int = 0

    @property
    def objectives(self):
        return sum(self.levels)


def build_cascade(built_org, *, roots=5, fanout=(5, 10, 20, 19), updates=1_000_000, seed=7, prefix="B"):
    """Write the period, the cascade and ``updates`` progress readings; returns a :class:`BuiltCascade`."""
    rng = random.Random(seed)
    today = timezone.localdate()
    period = Period.objects.create(
        name=f"{prefix} bench quarter",
        kind=Period.CUSTOM,
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=30),
    )
    levels = list(Level.objects.order_by("rank"))
    people = [built_org.employee_pk(spec.index) for spec in built_org.plan.people]
    base = (Objective.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    now = timezone.now()
    names = (
        "id", "title", "level", "parent", "path", "period", "owner", "start_date", "due_date", "measure",
        "start_value", "target_value", "current_value", "unit", "done", "weight", "course_key", "active",
        "progress", "pace", "status", "description", "created",
    )  # fmt: skip
    rows, counts, tasks = [], [], []
    current = []
    next_pk = base
    depth_count = len(fanout) + 1
    for r in range(roots):
        current.append((next_pk, child_path("", next_pk)))
        rows.append(
            _row(next_pk, f"Strategic {r}", levels[0].pk, None, current[-1][1], period, people[0], "rollup", now)
        )
        next_pk += 1
    counts.append(len(current))
    person = 0
    for depth, children in enumerate(fanout, start=1):
        level = levels[min(depth, len(levels) - 1)].pk
        leaf = depth == depth_count - 1
        below = []
        for parent_pk, parent_path in current:
            for c in range(children):
                path = child_path(parent_path, next_pk)
                person = (person + 1) % len(people)
                measure = "numeric" if leaf else "rollup"
                rows.append(
                    _row(next_pk, f"L{depth} {c}", level, parent_pk, path, period, people[person], measure, now)
                )
                below.append((next_pk, path))
                if leaf:
                    tasks.append(next_pk)
                next_pk += 1
        current = below
        counts.append(len(current))
    bulk_insert(Objective, names, rows)
    written = _build_updates(tasks, updates, period, rng, now)
    return BuiltCascade(period_id=period.pk, roots=[row[0] for row in rows[:roots]], levels=counts, task_ids=tasks,
                        updates=written)  # fmt: skip


def _row(pk, title, level, parent, path, period, owner, measure, now):
    return (
        pk, title, level, parent, path, period.pk, owner, period.start, period.end, measure, 0.0, 100.0, 0.0, "%",
        False, 1.0, "", True, 0.0, 0.0, "not_started", "", now,
    )  # fmt: skip


def _build_updates(tasks, total, period, rng, now):
    """``total`` readings over the tasks (the same number each, the rest to the first ones), current values set."""
    if not tasks or not total:
        return 0
    per_task, extra = divmod(total, len(tasks))
    elapsed = (timezone.localdate(now) - period.start).days
    rows, current, written = [], {}, 0
    for index, task in enumerate(tasks):
        count = per_task + (1 if index < extra else 0)
        if not count:
            continue
        _name, reached = PROFILES[rng.randrange(len(PROFILES))]
        stall_after = rng.random() < 0.5
        for step in range(1, count + 1):
            share = step / count
            days_ago = elapsed * (1 - share)
            # slipping / stalled people did most of their share early, then slowed down
            curve = min(1.0, share * (1.6 if stall_after and reached < 0.6 else 1.0))
            progress = round(reached * curve, 4)
            rows.append((task, progress, progress * 100, "", now - datetime.timedelta(days=days_ago)))
        current[task] = rows[-1][1] * 100
        if len(rows) >= 100_000:  # flush in chunks: a million tuples at once would cost memory for nothing
            bulk_insert(ProgressUpdate, UPDATE_FIELDS, rows, batch_size=20_000)
            written += len(rows)
            rows = []
    written += len(rows)
    bulk_insert(ProgressUpdate, UPDATE_FIELDS, rows, batch_size=20_000)
    from perf_mgmt_plugin.core.bulk import bulk_set  # pylint: disable=import-outside-toplevel

    bulk_set(Objective, ["current_value"], {pk: (value,) for pk, value in current.items()})
    return written
