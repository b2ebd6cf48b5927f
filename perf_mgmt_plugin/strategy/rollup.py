"""
Keeping progress, pace, status and forecast of the cascade up to date.

* ``refresh_path(objective)`` after one objective changes: recomputes it and its ancestors only, in a constant
  number of queries whatever the size or depth of the cascade (the ancestors come from the materialized path, their
  children in one query, the writes in one ``CASE`` update).
* ``recompute_all()`` recomputes every active objective bottom-up from the stored measures and the progress history
  (a few set-based queries plus Python): the nightly safety net (Celery task and management command), and how the
  forecasts move with the calendar when nobody records anything.

Either way, an objective whose status gets worse notifies its owner's manager (``notifications``).

Concurrency (ADR 0015): ``refresh_path`` reads the path and the children of its nodes with locking reads
(``SELECT ... FOR UPDATE``), which see the latest committed rows rather than the transaction's REPEATABLE-READ
snapshot, so two owners updating sibling objectives at once cannot leave their parent computed from a stale
sibling. Every write to the cascade first calls :func:`lock_path` (the objective's line, in primary-key order)
before it writes anything, so writers of one line queue on its root instead of deadlocking.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from ..core.bulk import bulk_set
from ..core.concurrency import atomic_retry, lock_rows
from ..core.paths import decode_path
from . import forecast
from .models import Milestone, Objective, ProgressUpdate

COMPUTED = ("progress", "pace", "status", "forecast_date", "computed_at")
NODE_FIELDS = (
    "pk",
    "parent_id",
    "path",
    "title",
    "measure",
    "start_value",
    "target_value",
    "current_value",
    "done",
    "progress",
    "pace",
    "status",
    "forecast_date",
    "start_date",
    "due_date",
    "weight",
    "owner_id",
    "owner__user_id",
    "owner__manager__user_id",
    "computed_at",
)
#: The owner's user and manager's user (joins): read for notifications only, never in a locking read (ADR 0015).
OWNER_FIELDS = ("owner__user_id", "owner__manager__user_id")
#: What ``refresh_path`` reads, under lock, from the objectives of the path (one table: only their rows are locked).
PATH_FIELDS = tuple(name for name in NODE_FIELDS if name not in OWNER_FIELDS)
#: What a roll-up needs of a child.
CHILD_FIELDS = ("pk", "parent_id", "weight", "progress", "pace", "status")


@dataclass
class RollupResult:
    """What a recomputation did (for the command, the task and the benchmark)."""

    objectives: int = 0
    changed: int = 0
    notified: int = 0

    def as_dict(self):
        return dict(self.__dict__)


def _with_baseline(qs, now, thresholds):
    """Annotate each objective with its progress at the start of the pace window (``base_p``), one subquery."""
    cutoff = now - datetime.timedelta(days=thresholds.window_days)
    latest = ProgressUpdate.objects.filter(objective=OuterRef("pk"), created__lte=cutoff).order_by("-created", "-pk")
    return qs.annotate(base_p=Subquery(latest.values("progress")[:1]))


def _milestone_shares(objective_ids=None):
    """``{objective_id: weighted share of milestones done}`` in one grouped query."""
    qs = Milestone.objects.all()
    if objective_ids is not None:
        qs = qs.filter(objective_id__in=objective_ids)
    rows = qs.values("objective_id").annotate(
        total=Sum("weight"), done_weight=Sum("weight", filter=Q(done=True)), n=Count("pk")
    )
    return {r["objective_id"]: ((r["done_weight"] or 0) / r["total"] if r["total"] else 0.0) for r in rows}


def _compute_node(node, children, today, cutoff_date, thresholds, milestone_shares):
    """The new forecast of ``node`` (a values dict) from its own measure or its children's stored figures."""
    if node["measure"] != Objective.ROLLUP:
        progress = forecast.measure_progress(
            node["measure"],
            node["start_value"],
            node["target_value"],
            node["current_value"],
            node["done"],
            milestone_shares.get(node["pk"], 0.0),
        )
        return forecast.leaf_forecast(
            progress,
            node.get("base_p"),
            max(node["start_date"], cutoff_date),
            node["start_date"],
            node["due_date"],
            today,
            thresholds,
        )
    return forecast.rollup_forecast(
        [(c["weight"], c["progress"], c["pace"], c["status"]) for c in children],
        node["start_date"],
        node["due_date"],
        today,
        thresholds,
    )


def _apply(node, result, now):
    """Store ``result`` on the values dict; returns whether anything changed."""
    new = {
        "progress": round(result.progress, 6),
        "pace": round(result.pace, 8),
        "status": result.status,
        "forecast_date": result.forecast_date,
    }
    changed = any(node[key] != value for key, value in new.items())
    # A node never computed before has no status to get worse from (a new objective notifies nobody).
    node["old_status"] = node["status"] if node.get("computed_at") else None
    node.update(new)
    node["computed_at"] = now
    return changed


def _write(changed_nodes):
    if changed_nodes:
        bulk_set(Objective, COMPUTED, {n["pk"]: tuple(n[f] for f in COMPUTED) for n in changed_nodes})


def lock_path(objective):
    """
    Lock ``objective`` and every ancestor (``SELECT ... FOR UPDATE``, primary-key order) and reload ``objective``
    from its locked row. Call it first in a transaction that writes to the cascade (ADR 0015). One query.
    """
    ids = decode_path(objective.path) if objective.path else [objective.pk]
    rows = lock_rows(Objective, ids)
    row = rows.get(objective.pk)
    if row is not None:
        for field in Objective._meta.concrete_fields:
            setattr(objective, field.attname, getattr(row, field.attname))
    return rows


def refresh_path(objective, *, now=None, notify=True):
    """
    Recompute ``objective`` and every ancestor up to its root; nothing else is read or written.

    Queries: the path's nodes with their baselines (1), their children (1), milestones (1), one ``CASE`` update,
    and only when a status got worse, the notification queries. Constant whatever the size and depth of the tree.
    """
    from .notifications import notify_worsened  # pylint: disable=import-outside-toplevel

    now = now or timezone.now()
    today = timezone.localdate(now)
    thresholds = forecast.Thresholds.from_settings()
    cutoff_date = today - datetime.timedelta(days=thresholds.window_days)
    path_ids = decode_path(objective.path)
    nodes = {
        n["pk"]: n
        for n in _with_baseline(Objective.objects.select_for_update().filter(pk__in=path_ids), now, thresholds).values(
            *PATH_FIELDS, "base_p"
        )
    }
    children_of = {}
    # Locking reads: the latest committed figures of the siblings, not this transaction's snapshot.
    for child in (
        Objective.objects.select_for_update().filter(parent_id__in=path_ids, active=True).values(*CHILD_FIELDS)
    ):
        children_of.setdefault(child["parent_id"], []).append(child)
    shares = _milestone_shares([pk for pk in path_ids if nodes.get(pk, {}).get("measure") == Objective.MILESTONES])
    changed = []
    below = None
    for pk in reversed(path_ids):
        node = nodes.get(pk)
        if node is None:
            continue
        children = children_of.get(pk, [])
        if below is not None:
            # The child on the path was just recomputed: use its new figures, not the stored ones.
            children = [below if c["pk"] == below["pk"] else c for c in children]
        if _apply(node, _compute_node(node, children, today, cutoff_date, thresholds, shares), now):
            changed.append(node)
        below = node
    _write(changed)
    worse = [n for n in changed if forecast.worsened(n["old_status"], n["status"])]
    notified = 0
    if notify and worse:
        _add_owners(nodes, nodes)
        notified = notify_worsened(worse, nodes)
    return RollupResult(objectives=len(nodes), changed=len(changed), notified=notified)


def _add_owners(nodes, pks):
    """The owner's and owner's manager's user ids of these nodes (for notifications), one query."""
    for pk, *owners in Objective.objects.filter(pk__in=list(pks)).order_by().values_list("pk", *OWNER_FIELDS):
        nodes[pk].update(zip(OWNER_FIELDS, owners, strict=True))


@atomic_retry
def recompute_all(*, now=None, notify=True, period_ids=None):
    """
    Recompute every active objective (of ``period_ids``, or all) from measures and history, bottom-up.

    A handful of set-based queries (the objectives with their baselines, the milestone shares, the ``CASE`` updates
    of changed rows in batches, notifications of worsened statuses), then Python over the rows: no query per node.
    One transaction whose read locks the objectives (primary-key order, the order ``refresh_path`` uses): a progress
    reading committed meanwhile waits for it instead of being overwritten by figures computed before it.
    """
    from .notifications import notify_worsened  # pylint: disable=import-outside-toplevel

    now = now or timezone.now()
    today = timezone.localdate(now)
    thresholds = forecast.Thresholds.from_settings()
    cutoff_date = today - datetime.timedelta(days=thresholds.window_days)
    qs = Objective.objects.select_for_update().filter(active=True).order_by("pk")
    if period_ids is not None:
        qs = qs.filter(period_id__in=period_ids)
    nodes = {n["pk"]: n for n in _with_baseline(qs, now, thresholds).values(*PATH_FIELDS, "base_p")}
    shares = _milestone_shares(None) if any(n["measure"] == Objective.MILESTONES for n in nodes.values()) else {}
    children_of = {}
    for node in nodes.values():
        if node["parent_id"] in nodes:
            children_of.setdefault(node["parent_id"], []).append(node)
    changed = []
    # Deepest first: every child is final before its parent reads it.
    for node in sorted(nodes.values(), key=lambda n: len(n["path"]), reverse=True):
        result = _compute_node(node, children_of.get(node["pk"], []), today, cutoff_date, thresholds, shares)
        if _apply(node, result, now):
            changed.append(node)
    _write(changed)
    worse = [n for n in changed if forecast.worsened(n["old_status"], n["status"])]
    notified = 0
    if notify and worse:
        _add_owners(nodes, {pk for n in worse for pk in decode_path(n["path"]) if pk in nodes})
        notified = notify_worsened(worse, nodes)
    return RollupResult(objectives=len(nodes), changed=len(changed), notified=notified)
