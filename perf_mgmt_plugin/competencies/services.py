"""
Services of the competencies domain: frameworks and scales, requirements, course links and assessments.

Every entry point (pages, REST, XBlocks through ``api``, admin, commands) calls these functions. Assessments are
append-only: there is no update or delete here. Each change that can move a gap recomputes the gaps it touches
(``gaps.recompute_gaps``) in the same transaction, so a stored gap is never older than its inputs.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ..core.access import require
from ..core.sanitize import sanitize_html
from ..core.versioning import claim_version
from ..openedx.backend import parse_course_key
from . import gaps
from .errors import CompetencyError, InvalidLevel
from .models import (
    Assessment,
    BehaviouralIndicator,
    Cluster,
    Competency,
    CourseCompetencyLink,
    Framework,
    PositionRequirement,
    PositionRequirementSet,
    Scale,
    ScaleLevel,
)

#: The permission a rater needs over the person for each source (``course`` is recorded by the platform adapters).
SOURCE_PERMISSIONS = {
    Assessment.SELF: "perf_mgmt.self_assess",
    Assessment.MANAGER: "perf_mgmt.manager_assess",
    Assessment.PEER: "perf_mgmt.peer_assess",
    Assessment.DIRECT_REPORT: "perf_mgmt.upward_assess",
    Assessment.COURSE: "perf_mgmt.course_assess",
    # Recorded by the blended domain when a manager confirms an observed guide step (it checks the observer).
    Assessment.OBSERVED: "perf_mgmt.observe_application",
}


# ----------------------------------------------------------------------------------------------------------------
# Scales and frameworks
# ----------------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_scale(*, slug, name, levels, description=""):
    """A scale with ``levels``: an iterable of ``(value, name, description)``; values must be distinct and > 0."""
    levels = list(levels)
    values = [int(value) for value, _name, _description in levels]
    if not levels or len(set(values)) != len(values) or min(values) < 1:
        raise CompetencyError(_("A scale needs at least one level, with distinct values from 1 up."))
    scale = Scale.objects.create(slug=slug, name=name, description=sanitize_html(description))
    ScaleLevel.objects.bulk_create(
        [
            ScaleLevel(scale=scale, value=int(value), name=level_name, description=sanitize_html(level_description))
            for value, level_name, level_description in levels
        ]
    )
    return scale


def create_framework(*, slug, name, scale, description="", active=True):
    return Framework.objects.create(
        slug=slug, name=name, scale=scale, description=sanitize_html(description), active=active
    )


def add_cluster(framework, *, code, name, order=0):
    return Cluster.objects.create(framework=framework, code=code, name=name, order=order)


def add_competency(framework, *, code, name, description="", cluster=None, order=0):
    return Competency.objects.create(
        framework=framework, code=code, name=name, description=sanitize_html(description), cluster=cluster, order=order
    )


def add_indicator(competency, *, level, text, order=0):
    check_level(competency, level)
    return BehaviouralIndicator.objects.create(competency=competency, level=level, text=text, order=order)


def frameworks_with_details(slugs=None, active_only=True):
    """Frameworks with scale, levels, clusters, competencies and indicators prefetched (constant queries)."""
    qs = Framework.objects.select_related("scale").prefetch_related(
        "scale__levels", "clusters", "competencies__cluster", "competencies__indicators"
    )
    if active_only:
        qs = qs.filter(active=True)
    if slugs is not None:
        qs = qs.filter(slug__in=list(slugs))
    return qs


def scale_values(competency_ids):
    """``{competency_id: set(level values)}`` for the competencies' scales, in one query."""
    result = {}
    rows = ScaleLevel.objects.filter(scale__frameworks__competencies__in=list(competency_ids)).values_list(
        "scale__frameworks__competencies", "value"
    )
    for competency_id, value in rows:
        result.setdefault(competency_id, set()).add(value)
    return result


def check_level(competency, level, values=None):
    """Raise :class:`InvalidLevel` unless ``level`` is a value of the competency's scale."""
    if values is None:
        values = scale_values([competency.pk]).get(competency.pk, set())
    if not isinstance(level, int) or isinstance(level, bool) or level not in values:
        raise InvalidLevel(
            _("%(level)s is not a level of the scale of %(competency)s (levels: %(values)s).")
            % {"level": level, "competency": competency, "values": ", ".join(str(v) for v in sorted(values))}
        )


# ----------------------------------------------------------------------------------------------------------------
# Requirements and course links
# ----------------------------------------------------------------------------------------------------------------


@transaction.atomic
def set_requirement(position, competency, required_level, criticality="medium", changed_by=None):
    """Create or change what ``position`` requires of ``competency``; the holders' gaps follow at once."""
    check_level(competency, required_level)
    if criticality not in dict(PositionRequirement.CRITICALITY_CHOICES):
        raise CompetencyError(_("Unknown criticality '%(value)s'.") % {"value": criticality})
    requirement = PositionRequirement.objects.filter(position=position, competency=competency).first()
    if requirement is None:
        requirement = PositionRequirement(position=position, competency=competency)
    requirement.required_level = required_level
    requirement.criticality = criticality
    if changed_by is not None:
        requirement._history_user = changed_by  # pylint: disable=protected-access
    requirement.save()
    _touch_requirement_set(position.pk)
    gaps.recompute_gaps(position_ids=[position.pk], competency_ids=[competency.pk])
    return requirement


def _touch_requirement_set(position_id):
    """A change made outside the requirements editor moves the set's version on, so an open editor learns of it."""
    row, _created = PositionRequirementSet.objects.get_or_create(position_id=position_id)
    claim_version(row)


@transaction.atomic
def remove_requirement(requirement, changed_by=None):
    """Drop a requirement; the holders' gaps on that competency go with it."""
    position_id, competency_id = requirement.position_id, requirement.competency_id
    if changed_by is not None:
        requirement._history_user = changed_by  # pylint: disable=protected-access
    requirement.delete()
    _touch_requirement_set(position_id)
    gaps.recompute_gaps(position_ids=[position_id], competency_ids=[competency_id])


def requirements_for_positions(position_ids):
    """Requirements of the positions, with competency and framework, for lists (one query)."""
    return (
        PositionRequirement.objects.filter(position_id__in=list(position_ids))
        .select_related("competency__framework", "position")
        .order_by("position__title", "competency__framework__name", "competency__order", "competency__code")
    )


def set_course_link(course_key, competency, target_level, usage_key=None):
    """Record that a course (or one of its blocks) develops ``competency`` up to ``target_level`` (upsert)."""
    check_level(competency, target_level)
    link, _created = CourseCompetencyLink.objects.update_or_create(
        course_key=parse_course_key(course_key),
        competency=competency,
        defaults={"target_level": target_level, "usage_key": usage_key or None},
    )
    return link


def linked_courses(competency_ids, above=None):
    """
    ``{competency_id: [CourseCompetencyLink]}`` of courses that develop each competency, highest target first.
    ``above`` (``{competency_id: level}``) keeps only courses whose target is above that level. One query.
    """
    result = {}
    links = CourseCompetencyLink.objects.filter(competency_id__in=list(competency_ids)).order_by(
        "competency_id", "-target_level", "course_key"
    )
    for link in links:
        floor = (above or {}).get(link.competency_id)
        if floor is not None and link.target_level <= floor:
            continue
        result.setdefault(link.competency_id, []).append(link)
    return result


# ----------------------------------------------------------------------------------------------------------------
# Assessments (append-only)
# ----------------------------------------------------------------------------------------------------------------


def _course_key(value):
    """A course key sent by a person: a malformed one is their mistake (:class:`CompetencyError`), not a bug."""
    try:
        return parse_course_key(value)
    except ValueError as exc:
        raise CompetencyError(str(exc)) from exc


def _create_assessment(person, competency, level, source, *, rater, context_type, context_id, course_key, evidence):
    check_level(competency, level)
    if source not in SOURCE_PERMISSIONS:
        raise CompetencyError(_("Unknown assessment source '%(source)s'.") % {"source": source})
    if not person.active:
        raise CompetencyError(_("%(person)s is no longer an active employee.") % {"person": person})
    assessment = Assessment.objects.create(
        person=person,
        competency=competency,
        level=level,
        source=source,
        rater=rater,
        context_type=context_type or ("course" if course_key else ""),
        context_id=str(context_id or (course_key or "")),
        course_key=_course_key(course_key) if course_key else None,
        evidence=sanitize_html(evidence or ""),
    )
    gaps.recompute_gaps(employee_ids=[person.pk], competency_ids=[competency.pk])
    return assessment


@transaction.atomic
def record_assessment(
    rater, person, competency, level, source, *, context_type="", context_id="", course_key=None, evidence=""
):
    """
    ``rater`` (a user) rates ``person`` on ``competency``. The source decides who may: ``self`` the person,
    ``manager`` their managers and delegates, ``peer`` colleagues with the same manager or unit, ``direct_report``
    people who report to them, ``course`` HR admins in scope (the platform records course evidence through
    :func:`record_course_evidence`). Raises ``AccessDenied`` otherwise. The person's gap is recomputed.
    """
    permission = SOURCE_PERMISSIONS.get(source)
    if permission is None:
        raise CompetencyError(_("Unknown assessment source '%(source)s'.") % {"source": source})
    require(rater, permission, person)
    return _create_assessment(
        person,
        competency,
        level,
        source,
        rater=rater,
        context_type=context_type,
        context_id=context_id,
        course_key=course_key,
        evidence=evidence,
    )


@transaction.atomic
def record_course_evidence(person, competency, level, course_key, *, context_id="", evidence=""):
    """
    Evidence from the platform (e.g. a linked course was passed): a ``course`` assessment with no rater. Only the
    plugin's platform adapters call this, after the platform told them what happened; there is no user to check.
    """
    return _create_assessment(
        person,
        competency,
        level,
        Assessment.COURSE,
        rater=None,
        context_type="course",
        context_id=context_id or str(course_key),
        course_key=course_key,
        evidence=evidence,
    )


@transaction.atomic
def record_observed_evidence(observer, person, competency, level, *, context_id, course_key=None, evidence=""):
    """
    Observed application (ADR 0022): ``observer`` (a manager, checked by the blended domain before it calls this)
    saw ``person`` apply ``competency`` on the job at ``level``, through a step of a module's implementation guide
    (``context_id``). An ``observed`` assessment -- its own source, weighted by the current-level policy beside self,
    peer, manager and course evidence; it never counts as the manager's own rating. The gap is recomputed.
    """
    return _create_assessment(
        person,
        competency,
        level,
        Assessment.OBSERVED,
        rater=observer,
        context_type="guide",
        context_id=context_id,
        course_key=course_key,
        evidence=evidence,
    )


def assessments_of(viewer, person):
    """The person's assessments, newest first, if ``viewer`` may view their competencies (else ``AccessDenied``)."""
    require(viewer, "perf_mgmt.view_competencies", person)
    return Assessment.objects.filter(person=person).select_related("competency__framework", "rater")


# --- lane speed: course evidence of a batch of completed plan items (the learning loop's worker, ADR 0021) ---------
def record_course_evidence_batch(entries):
    """
    :func:`record_course_evidence` for many at once: ``entries`` are ``(key, person, competency, level, course_key,
    context_id, evidence)``. The scales are read once, the valid assessments inserted together and the gaps of the
    people and competencies recomputed in one batch, whatever the number of entries. An entry of an inactive
    person or with a level not on the scale records nothing. Returns ``(recorded keys, {key: error})``.
    """
    values = scale_values({entry[2].pk for entry in entries})
    recorded, errors, rows = [], {}, []
    for key, person, competency, level, course_key, context_id, evidence in entries:
        try:
            check_level(competency, level, values.get(competency.pk, set()))
            if not person.active:
                raise CompetencyError(_("%(person)s is no longer an active employee.") % {"person": person})
        except CompetencyError as exc:
            errors[key] = exc
            continue
        recorded.append(key)
        rows.append(
            Assessment(
                person=person,
                competency=competency,
                level=level,
                source=Assessment.COURSE,
                rater=None,
                context_type="course",
                context_id=str(context_id or course_key),
                course_key=parse_course_key(course_key),
                evidence=sanitize_html(evidence or ""),
            )
        )
    if rows:
        Assessment.objects.bulk_create(rows)
        gaps.recompute_gaps(
            employee_ids=sorted({row.person_id for row in rows}),
            competency_ids=sorted({row.competency_id for row in rows}),
        )
    return recorded, errors
