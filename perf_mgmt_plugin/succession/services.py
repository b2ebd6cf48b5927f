"""
Succession: key positions, successor suggestions, pools and the talent review, the 9-box grid, and a candidate's
gaps against the target position turned into plan items (docs/decisions/0027).

**Suggestions** rank everyone active (but the position's holders) by competency fit against the key position's
requirements, in one query whatever the size of the organisation: for each requirement the person's stored current
level (``CompetencyGap.current_level``, kept by the competencies domain with its current-level policy) capped at the
required level, weighted by criticality (critical 3, important 2, nice to have 1), over the weighted required levels.
The readiness suggested combines the fit with the last review's manager score (:func:`suggest_readiness`); the talent
review confirms or changes it (:func:`set_readiness`, versioned).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, FloatField, Sum, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.access import can, require
from ..core.idempotency import once
from ..core.paths import subtree_q
from ..core.versioning import claim_version
from ..org.api import Employee, OrgUnit, Position
from .deps import CompetencyGap, Plan, PlanItem, PositionRequirement, Review, development_services
from .errors import SuccessionError
from .models import LATER, ONE_TWO_YEARS, READINESS_CHOICES, READY_NOW, KeyPosition, PotentialRating, SuccessorCandidate

WEIGHTS = {"high": 3.0, "medium": 2.0, "low": 1.0}
DEFAULTS = {
    "ready_now_fit": 0.9,
    "one_two_years_fit": 0.7,
    "low_performance": 2.5,
    "high_performance": 3.5,
    "pool_size": 10,
    "vacancy_months": 12,
}
MANAGE = "perf_mgmt.manage_succession"


def options():
    return {**DEFAULTS, **(getattr(settings, "PERF_MGMT_SUCCESSION", None) or {})}


def performance_band(score, opts=None):
    """1 (low), 2 (medium), 3 (high) from a review's manager score; ``None`` without a score."""
    opts = opts or options()
    if score is None:
        return None
    if score < opts["low_performance"]:
        return 1
    return 3 if score >= opts["high_performance"] else 2


def suggest_readiness(fit, score, opts=None):
    """Ready now: fit at least ``ready_now_fit`` and a last review not below medium; 1-2 years: fit at least
    ``one_two_years_fit``; else later."""
    opts = opts or options()
    band = performance_band(score, opts)
    if fit >= opts["ready_now_fit"] and band is not None and band >= 2:
        return READY_NOW
    if fit >= opts["one_two_years_fit"]:
        return ONE_TWO_YEARS
    return LATER


# -- key positions ------------------------------------------------------------------------------------------------


@transaction.atomic
def mark_key_position(user, position, *, reason="", expected_vacancy=None):
    """HR marks ``position`` as key (again: reactivates it). Idempotent."""
    require(user, MANAGE)
    key, created = KeyPosition.objects.get_or_create(
        position=position, defaults={"reason": reason, "expected_vacancy": expected_vacancy, "marked_by": user}
    )
    if not created:
        claim_version(key)
        key.active, key.reason, key.expected_vacancy = (
            True,
            reason or key.reason,
            expected_vacancy or key.expected_vacancy,
        )
        key.save(update_fields=["active", "reason", "expected_vacancy"])
    return key


def key_positions_for(user):
    """The key positions whose pool ``user`` may view (checked one by one: there are few)."""
    rows = KeyPosition.objects.filter(active=True).select_related("position__org_unit").order_by("position__title")
    return [k for k in rows if can(user, "perf_mgmt.view_succession_pool", k)]


# -- suggestions -------------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    employee_id: int
    name: str
    position: str
    fit: float
    last_score: float | None
    readiness: str


def _last_scores(employee_ids):
    """``{employee_id: manager score of their latest shared review}`` in one query."""
    scores = {}
    for employee_id, score in (
        Review.objects.filter(
            employee_id__in=employee_ids, manager_shared_at__isnull=False, manager_score__isnull=False
        )
        .order_by("employee_id", "-cycle__end", "-pk")
        .values_list("employee_id", "manager_score")
    ):
        scores.setdefault(employee_id, score)
    return scores


def requirements_of(position):
    return list(
        PositionRequirement.objects.filter(position=position, competency__active=True)
        .select_related("competency")
        .order_by("competency__name")
    )


def suggestions(key_position, limit=None, requirements=None):
    """
    The best-fitting people for ``key_position`` (its holders and the current pool left out), best first, with the
    readiness suggested. Four queries whatever the size of the organisation.
    """
    opts = options()
    limit = limit or opts["pool_size"]
    requirements = requirements if requirements is not None else requirements_of(key_position.position)
    if not requirements:
        return []
    denominator = sum(WEIGHTS.get(r.criticality, 2.0) * r.required_level for r in requirements)
    capped = Case(
        *[
            When(
                competency_id=r.competency_id,
                then=Least("current_level", Value(float(r.required_level))) * Value(WEIGHTS.get(r.criticality, 2.0)),
            )
            for r in requirements
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )
    rows = list(
        CompetencyGap.objects.filter(
            competency_id__in=[r.competency_id for r in requirements],
            current_level__isnull=False,
            person__active=True,
        )
        .exclude(person__position_id=key_position.position_id)
        .exclude(person_id__in=SuccessorCandidate.objects.filter(key_position=key_position).values("employee_id"))
        .order_by()
        .values("person_id")
        .annotate(points=Sum(capped))
        .order_by("-points", "person_id")
        .values_list("person_id", "points")[:limit]
    )
    ids = [pk for pk, _points in rows]
    people = {e.pk: e for e in Employee.objects.filter(pk__in=ids).select_related("user", "position")}
    scores = _last_scores(ids)
    result = []
    for pk, points in rows:
        fit = round((points or 0) / denominator, 3) if denominator else 0.0
        employee = people.get(pk)
        result.append(
            Suggestion(
                employee_id=pk,
                name=employee.display_name if employee else "",
                position=employee.position.title if employee and employee.position_id else "",
                fit=fit,
                last_score=scores.get(pk),
                readiness=suggest_readiness(fit, scores.get(pk), opts),
            )
        )
    return result


def fit_of(key_position, employee_ids, requirements=None):
    """``{employee_id: fit}`` for given people (one query)."""
    requirements = requirements if requirements is not None else requirements_of(key_position.position)
    denominator = sum(WEIGHTS.get(r.criticality, 2.0) * r.required_level for r in requirements)
    req = {r.competency_id: r for r in requirements}
    points = dict.fromkeys(employee_ids, 0.0)
    for person_id, competency_id, level in CompetencyGap.objects.filter(
        person_id__in=list(employee_ids), competency_id__in=list(req), current_level__isnull=False
    ).values_list("person_id", "competency_id", "current_level"):
        r = req[competency_id]
        points[person_id] += min(level, r.required_level) * WEIGHTS.get(r.criticality, 2.0)
    return {pk: round(p / denominator, 3) if denominator else 0.0 for pk, p in points.items()}


# -- the pool and the talent review ---------------------------------------------------------------------------------


@dataclass
class Bench:
    key_position: KeyPosition
    candidates: list
    incumbents: int
    ready_now: int
    one_two_years: int
    later: int
    risks: list


def pool(user, key_position):
    """The pool with bench strength and risks, for those who may view it (never a person in it)."""
    require(user, "perf_mgmt.view_succession_pool", key_position)
    candidates = list(
        SuccessorCandidate.objects.filter(key_position=key_position).select_related(
            "employee__user", "employee__position"
        )
    )
    counts = {READY_NOW: 0, ONE_TWO_YEARS: 0, LATER: 0}
    for c in candidates:
        counts[c.effective_readiness] += 1
    incumbents = Employee.objects.filter(position_id=key_position.position_id, active=True).count()
    risks = []
    if counts[READY_NOW] == 0:
        risks.append("no_ready_successor")
    soon = (
        key_position.expected_vacancy
        and (key_position.expected_vacancy - timezone.localdate()).days <= 31 * options()["vacancy_months"]
    )
    if incumbents <= 1 and soon:
        risks.append("single_incumbent_leaving")
    return Bench(key_position, candidates, incumbents, counts[READY_NOW], counts[ONE_TWO_YEARS], counts[LATER], risks)


RISK_LABELS = {
    "no_ready_successor": _("No successor ready now"),
    "single_incumbent_leaving": _("A single incumbent, expected to leave soon"),
}


def add_candidate(user, key_position, employee, *, idempotency_key=""):
    """Put ``employee`` in the pool with their fit and suggested readiness. Adding twice keeps one row."""
    require(user, "perf_mgmt.edit_succession_pool", key_position)
    if employee.position_id == key_position.position_id:
        raise SuccessionError(_("This person already holds the position."))

    def make():
        fit = fit_of(key_position, [employee.pk])[employee.pk]
        score = _last_scores([employee.pk]).get(employee.pk)
        candidate, _created = SuccessorCandidate.objects.get_or_create(
            key_position=key_position,
            employee=employee,
            defaults={"fit": fit, "suggested_readiness": suggest_readiness(fit, score)},
        )
        return candidate

    return once(user, idempotency_key, f"successor:{key_position.pk}:{employee.pk}", SuccessorCandidate, make).result


@transaction.atomic
def set_readiness(user, candidate, readiness, *, version=None):
    """The talent review confirms or changes a candidate's readiness (versioned: a stale form is a conflict)."""
    require(user, "perf_mgmt.edit_succession_pool", candidate.key_position)
    if readiness not in dict(READINESS_CHOICES):
        raise SuccessionError(_("Unknown readiness '%(value)s'.") % {"value": readiness})
    claim_version(candidate, version)
    candidate.readiness, candidate.confirmed_by, candidate.confirmed_at = readiness, user, timezone.now()
    candidate.save(update_fields=["readiness", "confirmed_by", "confirmed_at"])
    return candidate


@transaction.atomic
def remove_candidate(user, candidate):
    require(user, "perf_mgmt.edit_succession_pool", candidate.key_position)
    candidate.delete()


# -- potential and the grid --------------------------------------------------------------------------------------


@transaction.atomic
def rate_potential(user, employee, potential, *, version=None):
    require(user, "perf_mgmt.rate_potential", employee)
    potential = int(potential) if str(potential).isdigit() else None
    if potential not in dict(PotentialRating.POTENTIAL_CHOICES):
        raise SuccessionError(_("Potential is 1 (low), 2 (medium) or 3 (high)."))
    rating, created = PotentialRating.objects.get_or_create(
        employee=employee, defaults={"potential": potential, "rated_by": user}
    )
    if not created:
        claim_version(rating, version)
        rating.potential, rating.rated_by, rating.rated_at = potential, user, timezone.now()
        rating.save(update_fields=["potential", "rated_by", "rated_at"])
    return rating


@dataclass
class Grid:
    unit: OrgUnit
    #: ``cells[potential 3..1][performance 1..3]`` -> list of names
    cells: list
    unrated: int


def talent_grid(user, unit, limit=2000):
    """
    The 9-box of ``unit`` (and everything under it): performance (band of the last shared review's manager score)
    by potential (the managers' judgement). Three queries.
    """
    require(user, "perf_mgmt.view_talent_grid", unit)
    people = list(
        Employee.objects.filter(subtree_q("org_unit__path", unit.path), active=True).select_related("user")[:limit]
    )
    ids = [e.pk for e in people]
    potentials = dict(PotentialRating.objects.filter(employee_id__in=ids).values_list("employee_id", "potential"))
    scores = _last_scores(ids)
    cells = [[[] for _ in range(3)] for _ in range(3)]
    unrated = 0
    opts = options()
    for e in people:
        band, potential = performance_band(scores.get(e.pk), opts), potentials.get(e.pk)
        if band is None or potential is None:
            unrated += 1
            continue
        cells[3 - potential][band - 1].append(e.display_name)
    return Grid(unit=unit, cells=cells, unrated=unrated)


# -- gaps to plan items ---------------------------------------------------------------------------------------------


def candidate_gaps(key_position, employee):
    """``[(requirement, current level or None)]`` where the person is below the key position's required level."""
    requirements = requirements_of(key_position.position)
    levels = dict(
        CompetencyGap.objects.filter(
            person=employee, competency_id__in=[r.competency_id for r in requirements]
        ).values_list("competency_id", "current_level")
    )
    return [
        (r, levels.get(r.competency_id)) for r in requirements if (levels.get(r.competency_id) or 0) < r.required_level
    ]


def gaps_to_plan(user, candidate):
    """
    Turn the candidate's gaps against the target position into items of their open development plan (made, active,
    when they have none), through the development domain. Items are worded by competency and level only -- never
    naming the position -- since the person sees their plan but must not learn of the pool. A competency that already
    has an open item at or above the level is skipped, so running it twice adds nothing. Returns the items added.
    """
    require(user, "perf_mgmt.edit_succession_pool", candidate.key_position)
    employee = candidate.employee
    gaps = candidate_gaps(candidate.key_position, employee)

    def make():
        with transaction.atomic():
            Employee.objects.select_for_update().filter(pk=employee.pk).first()
            plan = Plan.objects.filter(owner=employee, status=Plan.ACTIVE).order_by("-period_start", "-pk").first()
            if plan is None:
                plan = development_services.create_plan(user, employee)
            covered = {
                (competency_id, level or 0)
                for competency_id, level in PlanItem.objects.filter(
                    owner=employee, status__in=PlanItem.OPEN_STATUSES, competency__isnull=False
                ).values_list("competency_id", "target_level")
            }
            added = []
            for requirement, _current in gaps:
                if any(c == requirement.competency_id and lvl >= requirement.required_level for c, lvl in covered):
                    continue
                added.append(
                    development_services.add_item(
                        user,
                        plan,
                        source="gap",
                        source_ref=f"gap:{requirement.competency_id}",
                        kind="on_the_job",
                        title=_("Develop %(competency)s to level %(level)s")
                        % {"competency": requirement.competency.name, "level": requirement.required_level},
                        competency=requirement.competency,
                        target_level=requirement.required_level,
                    )
                )
            return plan, added

    _plan, added = make()
    return added


def candidate_of(user, pk):
    """A pool entry the user may edit, else ``None`` (a 404 for the caller: ids reveal nothing)."""
    candidate = (
        SuccessorCandidate.objects.select_related("key_position__position__org_unit", "employee__user")
        .filter(pk=pk)
        .first()
    )
    if candidate is None or not can(user, "perf_mgmt.edit_succession_pool", candidate.key_position):
        return None
    return candidate


def eligible_positions():
    return Position.objects.filter(active=True).order_by("title")


def positions_marked():
    return set(KeyPosition.objects.filter(active=True).values_list("position_id", flat=True))


POOL_CSV_HEADER = ["key_position", "employee_id", "name", "fit", "suggested_readiness", "readiness", "confirmed_at"]


def pool_csv(user, key_position):
    """The pool of a key position as CSV (through ``core.csv_export``), for those who may view it."""
    import io  # pylint: disable=import-outside-toplevel

    from ..core import csv_export  # pylint: disable=import-outside-toplevel

    bench = pool(user, key_position)
    out = io.StringIO()
    writer = csv_export.writer(out)
    writer.writerow(POOL_CSV_HEADER)
    for c in bench.candidates:
        writer.writerow(
            [
                key_position.position.code,
                c.employee_id,
                c.employee.display_name,
                c.fit,
                c.suggested_readiness,
                c.readiness,
                c.confirmed_at.isoformat() if c.confirmed_at else "",
            ]
        )
    return out.getvalue()
