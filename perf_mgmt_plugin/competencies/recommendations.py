"""
Course recommendations: the gap audit's one action. For each open gap, the courses linked to the competency above
the person's current level are recommended to the person (they enrol themselves or dismiss) or assigned (enrolled
for them through the platform, and the gap marked ``in_development``).

Every entry point (the drill-down and person pages, REST, later the development plans) calls these functions.
Acting on a whole drill-down is a fixed number of queries whatever the number of people: the gaps, the links, the
courses, the live recommendations, then one insert, one update and one gap update. Assigning adds one platform
enrollment call per new enrollment: the platform enrolls one user at a time (and sends its own signals for each).
Re-running an action changes nothing: the unique ``live`` row per person, course and competency is reused.
"""

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..core import enrolment
from ..core.access import AccessDenied, can, require
from ..openedx import get_backend
from ..openedx.backend import parse_course_key
from . import gaps as gap_queries
from .errors import CompetencyError
from .models import CompetencyGap, CourseRecommendation
from .services import linked_courses
from .signals import course_recommendations_changed

RECOMMEND_PERMISSION = "perf_mgmt.recommend_courses"
RESPOND_PERMISSION = "perf_mgmt.respond_to_course_recommendation"
KINDS = (CourseRecommendation.RECOMMEND, CourseRecommendation.ASSIGN)


@dataclass
class RecommendationResult:
    """What one action did, per (person, course) pair considered."""

    kind: str
    #: New recommendations (or assignments) written.
    created: int = 0
    #: Open recommendations turned into assignments (and enrolled).
    upgraded: int = 0
    #: Already live for that person, course and competency: nothing to do.
    unchanged: int = 0
    #: Platform enrollments requested (assignments only; the platform ignores existing ones).
    enrolled: int = 0
    #: People in the selection the actor may not act for (left untouched).
    denied: int = 0
    #: Gaps with no linked course above the person's current level (nothing to recommend).
    without_course: int = 0
    #: Gaps newly marked in development by an assignment.
    gaps_in_development: int = 0

    def as_dict(self):
        return asdict(self)

    def summary(self):
        """A sentence for the person who clicked."""
        made = self.created + self.upgraded
        if self.kind == CourseRecommendation.ASSIGN:
            text = ngettext(
                "%(made)s course assignment made (%(enrolled)s enrollments)",
                "%(made)s course assignments made (%(enrolled)s enrollments)",
                made,
            )
        else:
            text = ngettext("%(made)s course recommendation made", "%(made)s course recommendations made", made)
        text = text % {"made": made, "enrolled": self.enrolled}
        text += ", " + _("%(n)s already there.") % {"n": self.unchanged}
        if self.denied:
            text += " " + _("%(n)s people are outside your scope and were left out.") % {"n": self.denied}
        if self.without_course:
            text += " " + _("%(n)s gaps have no linked course above the current level.") % {"n": self.without_course}
        return text


def _course_keys(course_keys):
    if course_keys is None:
        return None
    try:
        return {parse_course_key(key) for key in course_keys}
    except ValueError as exc:
        raise CompetencyError(str(exc)) from exc


@transaction.atomic
def act_on_gaps(actor, gap_qs, kind, course_keys=None):
    """
    Recommend or assign (``kind``) the courses linked to each gap's competency, above the person's current level,
    to the people of the open gaps in ``gap_qs`` (a ``CompetencyGap`` queryset, e.g. a drill-down's), as ``actor``.
    ``course_keys`` limits it to some of the linked courses; a key linked to none of the competencies is an error.
    People the actor may not act for (``perf_mgmt.recommend_courses``) are counted in ``denied`` and left out.
    Returns a :class:`RecommendationResult`. Idempotent.
    """
    if kind not in KINDS:
        raise CompetencyError(_("Unknown action '%(kind)s'.") % {"kind": kind})
    wanted = _course_keys(course_keys)
    result = RecommendationResult(kind=kind)
    gaps = list(
        gap_qs.filter(gap__gt=0, person__active=True)
        .exclude(status=CompetencyGap.CLOSED)
        .select_related("person__user", "person__org_unit")
        .order_by("pk")
    )
    allowed = []
    for gap in gaps:  # the rules read the actor's cached access context: no query per person
        if can(actor, RECOMMEND_PERMISSION, gap.person):
            allowed.append(gap)
        else:
            result.denied += 1
    if not allowed:
        return result
    links = linked_courses({gap.competency_id for gap in allowed})
    if wanted is not None:
        linked = {link.course_key for group in links.values() for link in group}
        unknown = wanted - linked
        if unknown:
            raise CompetencyError(
                _("Not linked to this competency: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}
            )
    known = set(get_backend().get_courses({link.course_key for group in links.values() for link in group}))
    pairs = []  # (gap, course_key)
    for gap in allowed:
        courses = [
            link.course_key
            for link in links.get(gap.competency_id, ())
            if link.target_level > (gap.current_level or 0)
            and link.course_key in known
            and (wanted is None or link.course_key in wanted)
        ]
        if not courses:
            result.without_course += 1
        pairs.extend((gap, key) for key in courses)
    if not pairs:
        return result

    live = {
        (rec.person_id, rec.competency_id, rec.course_key): rec
        for rec in CourseRecommendation.objects.filter(
            live=True,
            person_id__in={gap.person_id for gap, _key in pairs},
            competency_id__in={gap.competency_id for gap, _key in pairs},
            course_key__in={key for _gap, key in pairs},
        )
    }
    now = timezone.now()
    assign = kind == CourseRecommendation.ASSIGN
    to_create, to_upgrade, to_enroll, assigned_gaps = [], [], [], set()
    for gap, key in pairs:
        rec = live.get((gap.person_id, gap.competency_id, key))
        if rec is None:
            to_create.append(
                CourseRecommendation(
                    person_id=gap.person_id,
                    competency_id=gap.competency_id,
                    gap=gap,
                    course_key=key,
                    kind=kind,
                    status=CourseRecommendation.ENROLLED if assign else CourseRecommendation.OPEN,
                    created_by=actor,
                    created=now,
                    enrolled_at=now if assign else None,
                )
            )
        elif assign and rec.status == CourseRecommendation.OPEN:
            rec.kind, rec.status, rec.enrolled_at = CourseRecommendation.ASSIGN, CourseRecommendation.ENROLLED, now
            to_upgrade.append(rec)
        else:
            result.unchanged += 1
            continue
        if assign:
            to_enroll.append((gap.person.user, key))
            assigned_gaps.add(gap.pk)
    # ignore_conflicts: a concurrent identical action already wrote the same live row, which is what we want.
    CourseRecommendation.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_upgrade:
        CourseRecommendation.objects.bulk_update(to_upgrade, ["kind", "status", "enrolled_at"])
    result.created, result.upgraded = len(to_create), len(to_upgrade)
    if assigned_gaps:
        result.gaps_in_development = CompetencyGap.objects.filter(
            pk__in=assigned_gaps, gap__gt=0, status=CompetencyGap.OPEN
        ).update(status=CompetencyGap.IN_DEVELOPMENT)
    backend = get_backend()
    for user, key in to_enroll:
        # Idempotent on the platform's side; a refusal rolls the whole action back (this function is atomic).
        enrolment.enroll(user, key, CompetencyError, actor=actor, backend=backend)
        result.enrolled += 1
    if to_create or to_upgrade:
        course_recommendations_changed.send(
            sender=CourseRecommendation, person_ids=sorted({gap.person_id for gap, _key in pairs})
        )
    return result


def act_on_person(actor, person, kind, competency=None, course_keys=None):
    """:func:`act_on_gaps` for one person's open gaps (on one ``competency``, or all of them)."""
    require(actor, RECOMMEND_PERMISSION, person)
    qs = CompetencyGap.objects.filter(person=person, competency__framework__active=True)
    if competency is not None:
        qs = qs.filter(competency=competency)
    return act_on_gaps(actor, qs, kind, course_keys=course_keys)


def act_on_cell(actor, by, row_id, competency_id, kind, course_keys=None, framework=None):
    """:func:`act_on_gaps` for everyone behind one gap-audit heatmap cell, within the actor's audit scope."""
    require(actor, "perf_mgmt.view_gap_audit")
    qs = gap_queries.cell_gaps(actor, by, row_id, competency_id, framework=framework)
    return act_on_gaps(actor, qs, kind, course_keys=course_keys)


# ----------------------------------------------------------------------------------------------------------------
# The person's side
# ----------------------------------------------------------------------------------------------------------------


def recommendations_of(viewer, person, live_only=True):
    """The person's recommendations (newest first) with their competency, if ``viewer`` may view their competencies."""
    require(viewer, "perf_mgmt.view_competencies", person)
    qs = CourseRecommendation.objects.filter(person=person).select_related("competency__framework", "created_by")
    if live_only:
        qs = qs.filter(live=True)
    return qs


def _for_person(user, recommendation):
    if not can(user, RESPOND_PERMISSION, recommendation.person):
        raise AccessDenied(RESPOND_PERMISSION)


@transaction.atomic
def enrol(user, recommendation):
    """
    The person enrols in a course recommended to them: enrolled through the platform (idempotent there), the
    recommendation marked enrolled and the gap in development. Enrolling again changes nothing.
    """
    _for_person(user, recommendation)
    if recommendation.status not in CourseRecommendation.LIVE_STATUSES:
        raise CompetencyError(_("This recommendation was already closed."))
    enrolment.enroll(user, recommendation.course_key, CompetencyError, actor=user)
    if recommendation.status == CourseRecommendation.OPEN:
        recommendation.status, recommendation.enrolled_at = CourseRecommendation.ENROLLED, timezone.now()
        recommendation.save(update_fields=["status", "enrolled_at"])
        if recommendation.gap_id:
            CompetencyGap.objects.filter(pk=recommendation.gap_id, gap__gt=0, status=CompetencyGap.OPEN).update(
                status=CompetencyGap.IN_DEVELOPMENT
            )
        course_recommendations_changed.send(sender=CourseRecommendation, person_ids=[recommendation.person_id])
    return recommendation


@transaction.atomic
def dismiss(user, recommendation):
    """
    The person declines a recommendation; it stays as history and may be recommended again later. An assigned or
    already enrolled course cannot be dismissed here (unenrolling is the platform's business). Idempotent.
    """
    _for_person(user, recommendation)
    if recommendation.status == CourseRecommendation.DISMISSED:
        return recommendation
    if recommendation.status != CourseRecommendation.OPEN:
        raise CompetencyError(_("Only an open recommendation can be dismissed."))
    recommendation.status, recommendation.live = CourseRecommendation.DISMISSED, None
    recommendation.save(update_fields=["status", "live"])
    course_recommendations_changed.send(sender=CourseRecommendation, person_ids=[recommendation.person_id])
    return recommendation


def respond(user, recommendation, action):
    """``action`` ``enrol`` or ``dismiss`` (the entry points' single switch)."""
    if action == "enrol":
        return enrol(user, recommendation)
    if action == "dismiss":
        return dismiss(user, recommendation)
    raise CompetencyError(_("Unknown action '%(action)s'.") % {"action": action})


def live_by_gap(person_ids, competency_ids):
    """``{(person_id, competency_id): [CourseRecommendation]}`` of live rows, for lists of gaps (one query)."""
    result = {}
    rows = CourseRecommendation.objects.filter(
        live=True, person_id__in=list(person_ids), competency_id__in=list(competency_ids)
    ).order_by("course_key")
    for rec in rows:
        result.setdefault((rec.person_id, rec.competency_id), []).append(rec)
    return result


def follow_plan_items(enrolled_ids=(), completed_ids=()):
    """
    The development domain's hook: a plan item made from a recommendation was enrolled in or completed, so the
    recommendation follows (``enrolled``; ``completed``, no longer live). Open rows only move forward; idempotent.
    Two queries at most.
    """
    now = timezone.now()
    if enrolled_ids:
        CourseRecommendation.objects.filter(pk__in=list(enrolled_ids), status=CourseRecommendation.OPEN).update(
            status=CourseRecommendation.ENROLLED, enrolled_at=now
        )
    if completed_ids:
        CourseRecommendation.objects.filter(
            pk__in=list(completed_ids), status__in=CourseRecommendation.LIVE_STATUSES
        ).update(status=CourseRecommendation.COMPLETED, live=None)
