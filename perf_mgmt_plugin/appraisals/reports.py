"""
HR reports on a cycle: completion by phase, overdue steps, rating distributions, coaching coverage (the survey's
results are ``survey.results``).

Every report needs ``perf_mgmt.view_appraisal_reports`` and counts only the reviews of the people in the HR admin's
scope (``org.access.hr_employees_q``), so a scoped admin's figures are those of their units. Each report is a fixed
number of grouped queries, whatever the number of reviews: the figures are counted by the database, not by loading
reviews.

Rating distributions are offered by org unit and by reviewing manager, two groupings of the same reviews: the
difference of a unit and a manager inside it would give the ratings of the reviews left over. So the groups are
computed over every shared review of the cycle (the same for every reader), and a group is shown only when each of its
cells -- the reviews it shares with one group of the other grouping -- is empty or at least the survey's minimum group
size (``core.release.cross_suppress``): every figure is then a sum of such cells and no difference of figures gives
fewer reviews. A scoped HR admin sees only the groups whose reviewed people are all in their scope.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..competencies.api import Scale, ScaleLevel
from ..core.access import require
from ..core.release import cross_suppress, visible_groups
from ..org.api import Employee, OrgUnit, access_context, hr_employees_q
from .cycles import VIEW_REPORTS, overdue_q
from .errors import AppraisalError
from .models import CoachAssignment, CoachingFeedback, Cycle, Review, ReviewItem
from .survey import min_group

#: Group reviews by the reviewed person's org unit or by the reviewing manager.
GROUP_FIELDS = {"org_unit": "employee__org_unit", "manager": "manager"}
PHASES = [stage for stage in Review.STAGE_ORDER if stage != Review.COMPLETED]


def scoped_reviews(user, cycle):
    """The reviews of ``cycle`` whose person is in ``user``'s HR scope (after checking the permission)."""
    require(user, VIEW_REPORTS)
    return Review.objects.filter(cycle_id=cycle.pk, employee__in=Employee.objects.filter(hr_employees_q(user)))


def _group_field(by):
    if by not in GROUP_FIELDS:
        raise AppraisalError(_("Reports can be grouped by org unit or manager only."))
    return GROUP_FIELDS[by]


def _labels(by, keys):
    """Names of the groups: org unit names, or managers' display names (one query)."""
    keys = [key for key in keys if key]
    if by == "org_unit":
        names = dict(OrgUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
        return defaultdict(lambda: _("No org unit"), names)
    names = {
        employee.pk: employee.display_name for employee in Employee.objects.filter(pk__in=keys).select_related("user")
    }
    return defaultdict(lambda: _("No manager"), names)


# -- completion ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    """One group's reviews: how many are at each stage, and how many have finished each phase."""

    key: object
    label: str
    total: int
    #: ``{stage: reviews at that stage}`` for every stage including ``completed``
    at_stage: dict
    #: ``{phase: reviews past that phase}`` for the four phases
    done: dict

    @property
    def completed_percent(self):
        return round(100.0 * self.at_stage.get(Review.COMPLETED, 0) / self.total, 1) if self.total else 0.0


def _completion_row(key, label, counts):
    at_stage = {stage: counts.get(stage, 0) for stage in Review.STAGE_ORDER}
    done = {
        phase: sum(at_stage[stage] for stage in Review.STAGE_ORDER[index + 1 :]) for index, phase in enumerate(PHASES)
    }
    return CompletionRow(key=key, label=label, total=sum(at_stage.values()), at_stage=at_stage, done=done)


@dataclass(frozen=True)
class Completion:
    rows: tuple
    total: CompletionRow


def completion_by_phase(user, cycle, by="org_unit"):
    """
    Per org unit of the reviewed people (or per reviewing manager): reviews at each stage and past each phase, and
    the same for the whole scope. Two queries plus the access check.
    """
    group = _group_field(by)
    counts = defaultdict(dict)
    for key, stage, number in (
        scoped_reviews(user, cycle)
        .order_by()
        .values_list(group, "stage")
        .annotate(n=Count("pk"))
        .values_list(group, "stage", "n")
    ):
        counts[key][stage] = number
    labels = _labels(by, counts)
    rows = sorted(
        (_completion_row(key, labels[key], stages) for key, stages in counts.items()),
        key=lambda row: (str(row.label).casefold(), str(row.key)),
    )
    overall = defaultdict(int)
    for stages in counts.values():
        for stage, number in stages.items():
            overall[stage] += number
    return Completion(rows=tuple(rows), total=_completion_row(None, _("All"), overall))


# -- overdue steps ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueStep:
    """A review whose current step is past its deadline, and who owes that step."""

    review_id: int
    employee: str
    manager: str
    stage: str
    due: object
    days_late: int
    #: "employee", "manager" or "both"
    owed_by: str


def owed_by(review):
    """
    Who owes the review's current step: the person (self review), the manager (manager review and sharing), both
    for the meeting until each has confirmed attendance, and whoever has not signed at sign-off. ``None`` once done.
    """
    if review.stage == Review.SELF_REVIEW:
        return ("employee",)
    if review.stage == Review.MANAGER_REVIEW:
        return ("manager",)
    if review.stage == Review.MEETING:
        pending = [("employee", review.employee_attended_at), ("manager", review.manager_attended_at)]
    elif review.stage == Review.SIGN_OFF:
        pending = [("employee", review.employee_signed_at), ("manager", review.manager_signed_at)]
    else:
        return ()
    owed = tuple(side for side, done_at in pending if done_at is None)
    return owed or ("employee", "manager")


def stage_deadline(review, cycle):
    """The deadline of the review's current stage in ``cycle`` (``None`` once completed)."""
    fields = dict(Cycle.PHASE_DEADLINES)
    field_name = fields.get(review.stage)
    return getattr(cycle, field_name) if field_name else None


def overdue_steps(user, cycle, today=None):
    """The reviews in scope whose current step is late, most overdue first. One query plus the access check."""
    today = today or timezone.localdate()
    reviews = (
        scoped_reviews(user, cycle)
        .filter(overdue_q(today))
        .select_related("cycle", "employee__user", "manager__user")
        .order_by("pk")
    )
    steps = []
    for review in reviews:
        due = stage_deadline(review, review.cycle)
        owed = owed_by(review)
        steps.append(
            OverdueStep(
                review_id=review.pk,
                employee=review.employee.display_name,
                manager=review.manager.display_name if review.manager else "",
                stage=review.stage,
                due=due,
                days_late=(today - due).days,
                owed_by=owed[0] if len(owed) == 1 else "both",
            )
        )
    steps.sort(key=lambda step: (-step.days_late, step.employee.casefold(), step.review_id))
    return steps


# -- rating distributions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingGroup:
    """The manager ratings of one group's shared reviews; every figure is empty when the group is ``hidden``."""

    key: object
    label: str
    hidden: bool
    reviews: int | None = None
    mean_score: float | None = None
    #: ``{scale_id: ((value, count), ...)}`` over the scale's points, in order
    ratings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RatingDistribution:
    by: str
    min_group: int
    groups: tuple
    #: ``{scale_id: (name, ((value, level name), ...))}`` of the scales rated
    scales: dict
    hidden_groups: int = 0


def _reader_sees(user, cycle, by):
    """
    Which group keys of grouping ``by`` the reader may see: ``None`` (all) for an HR admin of the whole organisation,
    else a test accepting the groups with no shared review of a person out of the admin's scope. One query if scoped.
    """
    if access_context(user).hr_unrestricted:
        return None
    outside = set(
        Review.objects.filter(cycle_id=cycle.pk, manager_shared_at__isnull=False)
        .exclude(employee__in=Employee.objects.filter(hr_employees_q(user)))
        .order_by()
        .values_list(GROUP_FIELDS[by], flat=True)
        .distinct()
    )
    return lambda key: key is not None and key not in outside


def rating_distribution(user, cycle, by="org_unit"):
    """
    Per org unit of the reviewed people or per reviewing manager: how many shared reviews, their mean manager score
    (scored cycles) and how often each point of each scale was given by managers. The groups are computed over the
    whole cycle; a group is hidden when it, or one of its cells with the other grouping, holds fewer shared reviews
    than ``survey.min_group()`` (see the module's docstring), and a scoped reader sees only the groups wholly in their
    scope. Six queries plus the access check.
    """
    group = _group_field(by)
    require(user, VIEW_REPORTS)
    other = GROUP_FIELDS["manager" if by == "org_unit" else "org_unit"]
    shared = Review.objects.filter(cycle_id=cycle.pk, manager_shared_at__isnull=False)
    cells, sizes, score_sums, scored = {}, defaultdict(int), defaultdict(float), defaultdict(int)
    for key, other_key, number, score_sum, score_count in (
        shared.order_by()
        .values_list(group, other)
        .annotate(n=Count("pk"), total=Sum("manager_score"), scored=Count("manager_score"))
        .values_list(group, other, "n", "total", "scored")
    ):
        cells[(key, other_key)] = number
        sizes[key] += number
        score_sums[key] += float(score_sum or 0)
        scored[key] += score_count
    minimum = min_group()
    hidden, _other_hidden = cross_suppress(cells, minimum)
    sees = _reader_sees(user, cycle, by)
    keys = list(sizes) if sees is None else visible_groups(sizes, sees)
    counts = defaultdict(lambda: defaultdict(dict))
    item_group = f"review__{group}"
    items = (
        ReviewItem.objects.filter(review__in=shared, manager_rating__isnull=False, scale__isnull=False)
        .order_by()
        .values_list(item_group, "scale_id", "manager_rating")
        .annotate(n=Count("pk"))
        .values_list(item_group, "scale_id", "manager_rating", "n")
    )
    scale_ids = set()
    for key, scale_id, rating, number in items:
        counts[key][scale_id][rating] = number
        scale_ids.add(scale_id)
    scales = _scales(scale_ids)
    labels = _labels(by, keys)
    groups = []
    for key in sorted(keys, key=lambda k: (str(labels[k]).casefold(), str(k))):
        if key in hidden:
            groups.append(RatingGroup(key=key, label=labels[key], hidden=True))
            continue
        ratings = {
            scale_id: tuple((value, counts[key][scale_id].get(value, 0)) for value, _name in scales[scale_id][1])
            for scale_id in sorted(counts[key])
        }
        mean = score_sums[key] / scored[key] if scored[key] else None
        groups.append(
            RatingGroup(
                key=key,
                label=labels[key],
                hidden=False,
                reviews=sizes[key],
                mean_score=None if mean is None else round(mean, 1),
                ratings=ratings,
            )
        )
    hidden_count = sum(1 for row in groups if row.hidden)
    return RatingDistribution(by=by, min_group=minimum, groups=tuple(groups), scales=scales, hidden_groups=hidden_count)


def _scales(scale_ids):
    """``{scale_id: (name, ((value, level name), ...))}`` in two queries."""
    if not scale_ids:
        return {}
    names = dict(Scale.objects.filter(pk__in=scale_ids).values_list("pk", "name"))
    levels = defaultdict(list)
    for scale_id, value, name in (
        ScaleLevel.objects.filter(scale_id__in=scale_ids)
        .order_by("scale_id", "value")
        .values_list("scale_id", "value", "name")
    ):
        levels[scale_id].append((value, name))
    return {scale_id: (names.get(scale_id, ""), tuple(levels[scale_id])) for scale_id in scale_ids}


# -- coaching coverage --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachingCoverage:
    """Reviews in scope: all, those whose manager has a coach in the cycle, those with coaching feedback."""

    total: int
    with_coach: int
    coached: int

    @property
    def coached_percent(self):
        return round(100.0 * self.coached / self.total, 1) if self.total else 0.0


def coaching_coverage(user, cycle):
    """How many reviews in scope were coached, had a coach assigned, in all. One query plus the access check."""
    has_coach = CoachAssignment.objects.filter(cycle_id=OuterRef("cycle_id"), reviewer_id=OuterRef("manager_id"))
    has_feedback = CoachingFeedback.objects.filter(review_id=OuterRef("pk"))
    figures = (
        scoped_reviews(user, cycle)
        .annotate(has_coach=Exists(has_coach), has_feedback=Exists(has_feedback))
        .aggregate(
            total=Count("pk"),
            with_coach=Count("pk", filter=Q(has_coach=True)),
            coached=Count("pk", filter=Q(has_feedback=True)),
        )
    )
    return CoachingCoverage(**figures)
