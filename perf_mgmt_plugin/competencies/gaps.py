"""
Gaps: computing them (for one person or everyone, set-based), snapshots for trends, and the gap audit.

The recomputation works in batches of people: per batch a fixed number of queries (people, their positions'
requirements, their counting assessments, their stored gaps, then an insert per 10,000 new gaps, an update per batch
of changed ones and one delete), whatever the number of competencies or assessments, so recomputing 50,000 people
is a few hundred queries (``benchmarks/bench_competencies.py``).
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from ..core import csv_export
from ..core.bulk import bulk_insert, bulk_set
from ..org.access import access_context, team_q, visible_employees_q
from ..org.models import Employee, OrgUnit, Position
from .models import Assessment, Competency, CompetencyGap, GapSnapshot, PositionRequirement
from .policy import Rating, current_level, get_policy

BATCH_SIZE = 1000
#: Columns written by the recomputation, in the order of its insert rows (the update sets the last five).
GAP_FIELDS = ("person", "competency", "required_level", "current_level", "gap", "status", "computed_at")
BY_CHOICES = ("org_unit", "position")


@dataclass
class RecomputeResult:
    """Counts of one recomputation."""

    people: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    batches: int = 0

    def add(self, other):
        self.people += other.people
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.batches += other.batches


def _gap_value(required, current):
    return round(max(0.0, required - (current or 0.0)), 2)


def _status(gap, previous):
    if gap <= 0:
        return CompetencyGap.CLOSED
    if previous == CompetencyGap.IN_DEVELOPMENT:
        return previous
    return CompetencyGap.OPEN


def load_ratings(person_ids, competency_ids, policy, now):
    """``{(person id, competency id): [Rating]}`` the policy counts now (one query; none when nothing is asked)."""
    ratings = defaultdict(list)
    if not person_ids or not competency_ids:
        return ratings
    assessments = Assessment.objects.filter(person_id__in=person_ids, competency_id__in=competency_ids)
    since = policy.since(now)
    if since is not None:
        assessments = assessments.filter(created__gte=since)
    for person_id, competency_id, level, source, rater_id, ctx_type, ctx_id, created, pk in assessments.values_list(
        "person_id", "competency_id", "level", "source", "rater_id", "context_type", "context_id", "created", "pk"
    ):
        ratings[(person_id, competency_id)].append(Rating(level, source, rater_id, f"{ctx_type}:{ctx_id}", created, pk))
    return ratings


def _recompute_batch(people, competency_ids, policy, now):
    """``people``: ``[(employee_id, position_id)]`` of active employees. Returns a :class:`RecomputeResult`."""
    result = RecomputeResult(people=len(people), batches=1)
    person_ids = [pk for pk, _position in people]
    position_of = dict(people)
    requirements = PositionRequirement.objects.filter(
        position_id__in={pos for pos in position_of.values() if pos},
        competency__active=True,
        competency__framework__active=True,
    )
    if competency_ids is not None:
        requirements = requirements.filter(competency_id__in=competency_ids)
    required_by_position = defaultdict(dict)
    for position_id, competency_id, level in requirements.values_list("position_id", "competency_id", "required_level"):
        required_by_position[position_id][competency_id] = level
    wanted_competencies = {c for levels in required_by_position.values() for c in levels}

    ratings = load_ratings(person_ids, wanted_competencies, policy, now)

    stored = CompetencyGap.objects.filter(person_id__in=person_ids)
    if competency_ids is not None:
        stored = stored.filter(competency_id__in=competency_ids)
    # Plain tuples, not model instances: a full recomputation compares hundreds of thousands of stored gaps.
    existing = {
        (person_id, competency_id): (pk, required, current, gap, status)
        for pk, person_id, competency_id, required, current, gap, status in stored.values_list(
            "pk", "person_id", "competency_id", "required_level", "current_level", "gap", "status"
        )
    }

    to_create, to_update, seen = [], {}, set()
    for person_id in person_ids:
        for competency_id, required in required_by_position.get(position_of[person_id], {}).items():
            key = (person_id, competency_id)
            seen.add(key)
            current = current_level(ratings.get(key, ()), policy, now)
            gap = _gap_value(required, current)
            old = existing.get(key)
            status = _status(gap, old[4] if old else None)
            if old is None:
                to_create.append((person_id, competency_id, required, current, gap, status, now))
            elif old[1:] != (required, current, gap, status):
                to_update[old[0]] = (required, current, gap, status, now)
    obsolete = [old[0] for key, old in existing.items() if key not in seen]
    # Raw batched writes (``core.bulk``): ``bulk_create``/``bulk_update`` spend most of a full recomputation
    # building model instances and SQL expressions per row (measured by ``benchmarks/bench_competencies.py``).
    bulk_insert(CompetencyGap, GAP_FIELDS, to_create)
    bulk_set(CompetencyGap, GAP_FIELDS[2:], to_update)
    if obsolete:
        CompetencyGap.objects.filter(pk__in=obsolete).delete()
    result.created, result.updated, result.deleted = len(to_create), len(to_update), len(obsolete)
    return result


def recompute_gaps(employee_ids=None, competency_ids=None, position_ids=None, batch_size=BATCH_SIZE, now=None):
    """
    Bring stored gaps in line with requirements and assessments, for everyone or only for the given employees,
    holders of the given positions and/or competencies. Gaps of inactive people, and gaps on competencies their
    position no longer requires, are deleted (snapshots keep the trend). Idempotent.
    """
    policy = get_policy()
    now = now or timezone.now()
    competency_ids = list(competency_ids) if competency_ids is not None else None
    total = RecomputeResult()
    people = Employee.objects.all()
    if employee_ids is not None:
        people = people.filter(pk__in=list(employee_ids))
    if position_ids is not None:
        people = people.filter(position_id__in=list(position_ids))
    # Inactive people keep no gaps.
    stale = CompetencyGap.objects.filter(person__in=people.filter(active=False).values("pk"))
    if competency_ids is not None:
        stale = stale.filter(competency_id__in=competency_ids)
    total.deleted += stale.delete()[0]
    last = 0
    active = people.filter(active=True).order_by("pk")
    while True:
        batch = list(active.filter(pk__gt=last).values_list("pk", "position_id")[:batch_size])
        if not batch:
            break
        with transaction.atomic():
            total.add(_recompute_batch(batch, competency_ids, policy, now))
        last = batch[-1][0]
        if len(batch) < batch_size:
            break
    return total


def set_gap_status(gap, status):
    """Mark an open gap as in development (a plan addresses it) or back to open; closing is the policy's job."""
    if status not in (CompetencyGap.OPEN, CompetencyGap.IN_DEVELOPMENT):
        raise ValueError(status)
    if gap.gap > 0:
        CompetencyGap.objects.filter(pk=gap.pk).update(status=status)
        gap.status = status
    return gap


def gaps_of(person):
    """The stored gaps of one person with competency and framework, biggest first."""
    return (
        CompetencyGap.objects.filter(person=person, competency__framework__active=True)
        .select_related("competency__framework")
        .order_by("-gap", "competency__framework__name", "competency__code")
    )


# ----------------------------------------------------------------------------------------------------------------
# Snapshots
# ----------------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_snapshot(date=None):
    """Store today's (or ``date``'s) aggregate per org unit x position x competency; replaces that date's rows."""
    date = date or timezone.localdate()
    GapSnapshot.objects.filter(date=date).delete()
    rows = (
        CompetencyGap.objects.filter(person__active=True)
        .values("person__org_unit_id", "person__position_id", "competency_id")
        .annotate(people=Count("pk"), open_gaps=Count("pk", filter=Q(gap__gt=0)), total=Sum("gap"), avg=Avg("gap"))
        .order_by()
    )
    snapshots = [
        GapSnapshot(
            date=date,
            org_unit_id=row["person__org_unit_id"],
            position_id=row["person__position_id"],
            competency_id=row["competency_id"],
            people=row["people"],
            open_gaps=row["open_gaps"],
            total_gap=round(row["total"] or 0.0, 2),
            avg_gap=round(row["avg"] or 0.0, 2),
        )
        for row in rows
    ]
    GapSnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
    return len(snapshots)


def trend(competency_id, org_unit_id=None, position_id=None, limit=24):
    """``[(date, people, open_gaps, avg_gap)]`` over the stored snapshots, oldest first (one query)."""
    qs = GapSnapshot.objects.filter(competency_id=competency_id)
    if org_unit_id is not None:
        qs = qs.filter(org_unit_id=org_unit_id)
    if position_id is not None:
        qs = qs.filter(position_id=position_id)
    rows = (
        qs.values("date")
        .annotate(people=Sum("people"), open_gaps=Sum("open_gaps"), total=Sum("total_gap"))
        .order_by("-date")[:limit]
    )
    return [
        (row["date"], row["people"], row["open_gaps"], round(row["total"] / row["people"], 2) if row["people"] else 0)
        for row in reversed(list(rows))
    ]


# ----------------------------------------------------------------------------------------------------------------
# Gap audit
# ----------------------------------------------------------------------------------------------------------------


def audit_scope_q(viewer):
    """
    The people whose gaps ``viewer`` may audit, as a ``Q`` on Employee: HR admins their scope (as everywhere:
    ``visible_employees_q``), managers and delegates their reports (``team_q``).
    """
    if access_context(viewer).is_hr_admin:
        return visible_employees_q(viewer)
    return team_q(viewer)


def _audit_gaps(viewer, framework=None):
    q = audit_scope_q(viewer)
    gaps = CompetencyGap.objects.filter(person__active=True, competency__framework__active=True)
    if q:  # ``Q()`` is the whole organisation: no subquery at all
        gaps = gaps.filter(person__in=Employee.objects.filter(q).values("pk"))
    if framework is not None:
        gaps = gaps.filter(competency__framework=framework)
    return gaps


@dataclass
class Heatmap:
    """Rows (org units or positions) x columns (competencies); ``cells[(row_id, competency_id)]`` is a dict."""

    by: str
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)

    def cell(self, row_id, competency_id):
        return self.cells.get((row_id, competency_id))

    def grid(self):
        """``[(row, [(column, cell or None)])]`` in display order, for templates."""
        return [
            (row, [(col, self.cells.get((row.pk if row else None, col.pk))) for col in self.columns])
            for row in self.rows
        ]


def heatmap(viewer, by="org_unit", framework=None):
    """
    The gap audit heatmap within ``viewer``'s scope: for each org unit (the person's own unit) or position and each
    competency, the number of people assessed against a requirement, how many have an open gap, and the average
    gap. Three queries whatever the data size: the aggregate, then the row and column labels.
    """
    if by not in BY_CHOICES:
        raise ValueError(by)
    group = f"person__{by}_id"
    rows = (
        _audit_gaps(viewer, framework)
        .values(group, "competency_id")
        .annotate(people=Count("pk"), open_gaps=Count("pk", filter=Q(gap__gt=0)), avg=Avg("gap"))
        .order_by()
    )
    result = Heatmap(by=by)
    row_ids, column_ids = set(), set()
    for row in rows:
        row_ids.add(row[group])
        column_ids.add(row["competency_id"])
        result.cells[(row[group], row["competency_id"])] = {
            "people": row["people"],
            "open_gaps": row["open_gaps"],
            "avg_gap": round(row["avg"] or 0.0, 2),
        }
    if not result.cells:
        return result
    model = OrgUnit if by == "org_unit" else Position
    labels = list(model.objects.filter(pk__in=[pk for pk in row_ids if pk is not None]))
    labels.sort(key=lambda obj: obj.path if by == "org_unit" else obj.title)
    result.rows = labels + ([None] if None in row_ids else [])
    result.columns = list(
        Competency.objects.filter(pk__in=column_ids)
        .select_related("framework")
        .order_by("framework__name", "order", "code")
    )
    return result


def cell_gaps(viewer, by, row_id, competency_id, framework=None):
    """Drill-down: the gaps behind one heatmap cell (``row_id`` ``None`` = people with no unit/position)."""
    if by not in BY_CHOICES:
        raise ValueError(by)
    gaps = _audit_gaps(viewer, framework).filter(competency_id=competency_id)
    gaps = gaps.filter(**({f"person__{by}__isnull": True} if row_id is None else {f"person__{by}_id": row_id}))
    return gaps.select_related("person__user", "person__org_unit", "person__position", "competency").order_by(
        "-gap", "person__user__last_name", "person__user__username"
    )


CSV_COLUMNS = [
    "employee_number",
    "username",
    "name",
    "org_unit",
    "position",
    "framework",
    "competency",
    "required_level",
    "current_level",
    "gap",
    "status",
    "computed_at",
]


def export_csv(viewer, framework=None, by=None, row_id=None, competency_id=None, chunk_size=2000):
    """
    The gaps in ``viewer``'s audit scope as CSV lines (a generator, so large exports stream): optionally one
    framework, one competency and/or one heatmap row. Query count grows with the number of chunks only.
    """
    gaps = _audit_gaps(viewer, framework)
    if competency_id is not None:
        gaps = gaps.filter(competency_id=competency_id)
    if by in BY_CHOICES and row_id is not None:
        gaps = gaps.filter(**{f"person__{by}_id": row_id})
    gaps = gaps.select_related(
        "person__user", "person__org_unit", "person__position", "competency__framework"
    ).order_by("person__path", "competency__framework__name", "competency__code")
    buffer = io.StringIO()
    writer = csv_export.writer(buffer)  # neutralises formulas (CSV injection)

    def flush():
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for gap in gaps.iterator(chunk_size=chunk_size):
        person = gap.person
        writer.writerow(
            [
                person.employee_number or "",
                person.user.username,
                person.display_name,
                person.org_unit.code if person.org_unit else "",
                person.position.code if person.position else "",
                gap.competency.framework.slug,
                gap.competency.code,
                gap.required_level,
                "" if gap.current_level is None else gap.current_level,
                gap.gap,
                gap.status,
                gap.computed_at.isoformat(),
            ]
        )
        yield flush()
