"""
The public interface of the ``competencies`` domain: frameworks, scales, assessments, gaps, recommendations, the
framework transfer and the taxonomy import.

This is the only module of ``perf_mgmt_plugin.competencies`` that code outside the domain may import: pages, REST
views, receivers, tasks, management commands, the admin and the other domains (``.importlinter`` checks it, ADR
0017). The functions defined here (re-exported by the plugin's top-level ``api`` for XBlocks and other apps) take
users and ids, return frozen records (``data``), and check access through the rules; the re-exports below are what
the rest of the plugin uses. Model classes are exported for forms, serializers, type checks and querysets.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from ..core.access import require
from ..core.release import StepRelease, anonymity_min_group
from ..openedx import get_backend
from ..org.api import Employee
from . import services
from .course_self_assessment import (
    competencies_by_codes,
    course_report,
    record_self_assessments,
    scales_for,
)
from .data import AssessmentData, CompetencyData, CourseSuggestion, LevelData, ScaleData, SelfResult
from .errors import (
    CompetencyError,
    InvalidLevel,
    NoEmployeeRecord,
    NoEmployeeRecordForCompetencies,
)
from .gaps import (
    BATCH_SIZE as GAP_BATCH_SIZE,
)
from .gaps import (
    BY_CHOICES,
    cell_gaps,
    create_snapshot,
    gaps_of,
    heatmap,
    recompute_gaps,
)
from .gaps import (
    export_csv as export_gaps_csv,
)
from .models import (
    Assessment,
    BehaviouralIndicator,
    Competency,
    CompetencyGap,
    CourseCompetencyLink,
    CourseRecommendation,
    Framework,
    GapSnapshot,
    PositionRequirement,
    Scale,
    ScaleLevel,
)
from .policy import Rating, current_level, get_policy
from .recommendations import (
    RECOMMEND_PERMISSION,
    RESPOND_PERMISSION,
    act_on_cell,
    act_on_person,
    follow_plan_items,
    live_by_gap,
    recommendations_of,
    respond,
)
from .requirement_sets import (
    CRITICALITIES as REQUIREMENT_CRITICALITIES,
)
from .requirement_sets import (
    CSV_HEADER as REQUIREMENT_CSV_HEADER,
)
from .requirement_sets import (
    current_set as current_requirement_set,
)
from .requirement_sets import (
    editable_competencies,
)
from .requirement_sets import (
    from_csv as requirement_set_from_csv,
)
from .requirement_sets import (
    from_form as requirement_set_from_form,
)
from .requirement_sets import (
    positions_in_scope as requirement_positions_in_scope,
)
from .requirement_sets import (
    preview as preview_requirement_set,
)
from .requirement_sets import (
    save as save_requirement_set,
)
from .requirement_sets import (
    to_csv as requirement_set_to_csv,
)
from .requirement_sets import (
    version_of as requirement_set_version,
)
from .services import (
    assessments_of,
    frameworks_with_details,
    linked_courses,
    record_assessment,
    record_course_evidence,
    record_course_evidence_batch,
    record_observed_evidence,
    remove_requirement,
    requirements_for_positions,
    set_requirement,
)
from .taxonomy_import import (
    TaxonomyNotFound,
    find_taxonomy,
    import_taxonomy,
    list_taxonomies,
)
from .transfer import (
    TransferFileError,
    export_json,
    import_framework,
    records_from_json,
)
from .transfer import (
    export_csv as export_framework_csv,
)
from .transfer import (
    parse_upload as parse_framework_upload,
)


def _competency_data(competency):
    return CompetencyData(
        id=competency.pk,
        code=competency.code,
        name=competency.name,
        description=competency.description,
        framework_slug=competency.framework.slug,
        framework_name=competency.framework.name,
        cluster=competency.cluster.name if competency.cluster_id else "",
    )


def list_frameworks():
    """``[(slug, name)]`` of the active frameworks (for editors picking competencies)."""
    return list(Framework.objects.filter(active=True).order_by("name").values_list("slug", "name"))


def list_competencies(framework_slug=None, ids=None):
    """
    Active competencies of active frameworks as :class:`CompetencyData`, in framework order: those of the framework
    ``framework_slug``, and/or those with the given ``ids`` (unknown ids are left out). One query.
    """
    qs = Competency.objects.filter(active=True, framework__active=True).select_related("framework", "cluster")
    if framework_slug is not None:
        qs = qs.filter(framework__slug=framework_slug)
    if ids is not None:
        qs = qs.filter(pk__in=[int(pk) for pk in ids])
    return [_competency_data(c) for c in qs.order_by("framework__name", "order", "code")]


def get_scale_for(competency_id):
    """
    The descriptive scale of a competency, each level with its behavioural indicators for that competency, as
    :class:`ScaleData`; ``None`` for an unknown competency. Three queries.
    """
    competency = Competency.objects.select_related("framework__scale").filter(pk=competency_id).first()
    if competency is None:
        return None
    scale = competency.framework.scale
    indicators = defaultdict(list)
    for level, text in BehaviouralIndicator.objects.filter(competency=competency).values_list("level", "text"):
        indicators[level].append(text)
    levels = tuple(
        LevelData(value=lv.value, name=lv.name, description=lv.description, indicators=tuple(indicators[lv.value]))
        for lv in ScaleLevel.objects.filter(scale=scale).order_by("value")
    )
    return ScaleData(slug=scale.slug, name=scale.name, levels=levels)


def _employee_of(user):
    employee = Employee.objects.filter(user=user, active=True).first() if user and user.is_authenticated else None
    if employee is None:
        raise NoEmployeeRecordForCompetencies(
            _("There is no employee record for your account, so your self-assessment cannot be saved.")
        )
    return employee


def record_self_assessment(user, competency_id, level, course_key=None, evidence="", usage_key=None, phase=""):
    """
    Save ``user``'s self-assessment of a competency, in the context of a course (and block, and ``phase`` such as
    ``before``/``after`` a module) when given. Raises :class:`NoEmployeeRecord` for users with no employee record,
    :class:`InvalidLevel` for a level not on the scale, :class:`CompetencyError` for an unknown competency.
    Returns :class:`AssessmentData`. The user's gap is recomputed.
    """
    employee = _employee_of(user)
    competency = Competency.objects.filter(pk=competency_id, active=True).first()
    if competency is None:
        raise CompetencyError(_("Unknown competency %(id)s.") % {"id": competency_id})
    context_id = str(usage_key or course_key or "")
    if phase:
        context_id = f"{context_id}#{phase}"
    assessment = services.record_assessment(
        user,
        employee,
        competency,
        level,
        Assessment.SELF,
        context_type="course" if course_key else "",
        context_id=context_id,
        course_key=course_key,
        evidence=evidence,
    )
    return AssessmentData(
        id=assessment.pk,
        competency_id=competency.pk,
        level=assessment.level,
        source=assessment.source,
        course_key=str(assessment.course_key or ""),
        context_id=assessment.context_id,
        created=assessment.created,
    )


def get_self_result(user, competency_ids):
    """
    For each competency: the user's latest self-assessment, their current level under the policy, what their
    position requires (and how critical it is), the gap, and courses that develop it beyond the current level.
    Raises :class:`NoEmployeeRecord` for users with no employee record. A constant number of queries.
    """
    employee = _employee_of(user)
    ids = [int(pk) for pk in competency_ids]
    competencies = {c.pk: c for c in Competency.objects.filter(pk__in=ids, active=True)}
    requirements = {}
    if employee.position_id:
        requirements = {
            competency_id: (level, criticality)
            for competency_id, level, criticality in PositionRequirement.objects.filter(
                position_id=employee.position_id, competency_id__in=list(competencies)
            ).values_list("competency_id", "required_level", "criticality")
        }
    ratings, latest_self = defaultdict(list), {}
    for competency_id, level, source, rater_id, ctx_type, ctx_id, created, pk in (
        Assessment.objects.filter(person=employee, competency_id__in=list(competencies))
        .order_by("created", "pk")
        .values_list("competency_id", "level", "source", "rater_id", "context_type", "context_id", "created", "pk")
    ):
        ratings[competency_id].append(Rating(level, source, rater_id, f"{ctx_type}:{ctx_id}", created, pk))
        if source == Assessment.SELF:
            latest_self[competency_id] = level
    policy = get_policy()
    currents = {pk: current_level(ratings.get(pk, ()), policy) for pk in competencies}
    links = services.linked_courses(list(competencies), above={pk: currents[pk] or 0 for pk in competencies})
    backend = get_backend()
    infos = backend.get_courses({link.course_key for group in links.values() for link in group})
    criticality_names = dict(PositionRequirement.CRITICALITY_CHOICES)
    results = []
    for pk in ids:
        competency = competencies.get(pk)
        if competency is None:
            continue
        required, criticality = requirements.get(pk, (None, ""))
        current = currents[pk]
        gap = round(max(0.0, required - (current or 0.0)), 2) if required is not None else None
        suggestions = tuple(
            CourseSuggestion(
                course_key=str(link.course_key),
                display_name=infos[link.course_key].display_name,
                target_level=link.target_level,
                url=backend.course_url(link.course_key),
            )
            for link in links.get(pk, ())
            if link.course_key in infos
        )
        results.append(
            SelfResult(
                competency_id=pk,
                competency_name=competency.name,
                self_level=latest_self.get(pk),
                current_level=current,
                required_level=required,
                criticality=criticality,
                gap=gap,
                suggested_courses=suggestions,
                criticality_display=str(criticality_names.get(criticality, criticality)),
            )
        )
    return results


def course_self_assessment_summary(user, course_key, competency_ids=None):
    """
    Aggregates of the self-assessments made in a course, for its staff (``perf_mgmt.view_course_data``): per
    competency and phase (``""``, ``before``, ``after``), ``{level: count}`` over each person's latest rating, and
    the people count. No individual answers. One query.

    The ratings are released in steps (``core.release.StepRelease``): a competency and phase counts a batch of
    ratings once at least ``anonymity_min_group()`` distinct people made them, so reading before and after one
    learner rates shows no change, or a change made by that many people.
    """
    from ..openedx.backend import parse_course_key  # pylint: disable=import-outside-toplevel

    key = parse_course_key(course_key)
    require(user, "perf_mgmt.view_course_data", key)
    qs = Assessment.objects.filter(course_key=key, source=Assessment.SELF)
    if competency_ids is not None:
        qs = qs.filter(competency_id__in=[int(pk) for pk in competency_ids])
    steps = StepRelease(anonymity_min_group())
    for person_id, competency_id, context_id, level in qs.order_by("created", "pk").values_list(
        "person_id", "competency_id", "context_id", "level"
    ):
        phase = context_id.rsplit("#", 1)[1] if "#" in context_id else ""
        steps.add((competency_id, phase), person_id, (person_id, level))
    latest = {}
    for (competency_id, phase), ratings in steps.released.items():
        for person_id, level in ratings:
            latest[(competency_id, phase, person_id)] = level
    summary = defaultdict(lambda: {"levels": defaultdict(int), "people": 0})
    for (competency_id, phase, _person), level in latest.items():
        entry = summary[(competency_id, phase)]
        entry["levels"][level] += 1
        entry["people"] += 1
    return {key: {"levels": dict(value["levels"]), "people": value["people"]} for key, value in summary.items()}


__all__ = [
    "Assessment",
    "BY_CHOICES",
    "Competency",
    "CompetencyError",
    "CompetencyGap",
    "CourseCompetencyLink",
    "CourseRecommendation",
    "Framework",
    "GAP_BATCH_SIZE",
    "InvalidLevel",
    "NoEmployeeRecord",
    "PositionRequirement",
    "RECOMMEND_PERMISSION",
    "RESPOND_PERMISSION",
    "Scale",
    "ScaleLevel",
    "TaxonomyNotFound",
    "TransferFileError",
    "act_on_cell",
    "act_on_person",
    "anonymity_min_group",
    "assessments_of",
    "cell_gaps",
    "competencies_by_codes",
    "course_report",
    "course_self_assessment_summary",
    "create_snapshot",
    "export_framework_csv",
    "export_gaps_csv",
    "export_json",
    "find_taxonomy",
    "follow_plan_items",
    "frameworks_with_details",
    "gaps_of",
    "get_scale_for",
    "get_self_result",
    "heatmap",
    "import_framework",
    "import_taxonomy",
    "linked_courses",
    "list_competencies",
    "list_frameworks",
    "list_taxonomies",
    "live_by_gap",
    "parse_framework_upload",
    "recommendations_of",
    "recompute_gaps",
    "record_assessment",
    "record_course_evidence",
    "record_self_assessment",
    "record_self_assessments",
    "records_from_json",
    "remove_requirement",
    "requirements_for_positions",
    "respond",
    "scales_for",
    "set_requirement",
    "REQUIREMENT_CRITICALITIES",
    "REQUIREMENT_CSV_HEADER",
    "current_requirement_set",
    "editable_competencies",
    "preview_requirement_set",
    "requirement_positions_in_scope",
    "requirement_set_from_csv",
    "requirement_set_from_form",
    "requirement_set_to_csv",
    "requirement_set_version",
    "save_requirement_set",
    "PROFILE_SOURCES",
    "get_scales_for",
    "record_round_results",
    "record_observed_evidence",
    "GapSnapshot",
    "record_course_evidence_batch",
]


# -- lane profiling: what 360 profiles read and feed ----------------------------------------------------------------


def get_scales_for(competency_ids):
    """
    ``{competency_id: ScaleData}`` for many competencies (each level with the competency's behavioural indicators),
    in three queries whatever their number; unknown ids are left out.
    """
    ids = [int(pk) for pk in competency_ids]
    competencies = list(Competency.objects.filter(pk__in=ids).select_related("framework__scale"))
    indicators = defaultdict(list)
    for competency_id, level, text in (
        BehaviouralIndicator.objects.filter(competency_id__in=ids)
        .order_by("competency_id", "level", "order", "pk")
        .values_list("competency_id", "level", "text")
    ):
        indicators[(competency_id, level)].append(text)
    scale_ids = {c.framework.scale_id for c in competencies}
    levels = defaultdict(list)
    for level in ScaleLevel.objects.filter(scale_id__in=scale_ids).order_by("scale_id", "value"):
        levels[level.scale_id].append(level)
    result = {}
    for competency in competencies:
        scale = competency.framework.scale
        result[competency.pk] = ScaleData(
            slug=scale.slug,
            name=scale.name,
            levels=tuple(
                LevelData(
                    value=lv.value,
                    name=lv.name,
                    description=lv.description,
                    indicators=tuple(indicators[(competency.pk, lv.value)]),
                )
                for lv in levels[scale.pk]
            ),
        )
    return result


#: The assessment sources a round of feedback may feed (the others' groups have no source and feed nothing).
PROFILE_SOURCES = (Assessment.MANAGER, Assessment.PEER, Assessment.DIRECT_REPORT)


def record_round_results(entries, context_id):
    """
    Record the results of a closed round of feedback as assessments, then recompute the people's gaps. ``entries``
    are ``(person_id, competency_id, level, source, rater_user_id or None)``: one per shown group and competency
    (anonymous groups carry no rater, so each counts once under the policy by its context). The caller (the
    profiling domain) decided who rated and checked access when the raters were approved. Levels not on the
    competency's scale are refused (:class:`InvalidLevel`). Returns how many were recorded.
    """
    from .errors import InvalidLevel  # pylint: disable=import-outside-toplevel
    from .gaps import recompute_gaps  # pylint: disable=import-outside-toplevel

    entries = list(entries)
    if not entries:
        return 0
    values = services.scale_values({entry[1] for entry in entries})
    rows = []
    for person_id, competency_id, level, source, rater_id in entries:
        if source not in PROFILE_SOURCES:
            raise CompetencyError(_("Unknown assessment source '%(source)s'.") % {"source": source})
        if level not in values.get(competency_id, set()):
            raise InvalidLevel(_("%(level)s is not a level of the scale.") % {"level": level})
        rows.append(
            Assessment(
                person_id=person_id,
                competency_id=competency_id,
                level=level,
                source=source,
                rater_id=rater_id,
                context_type="profiling",
                context_id=f"{context_id}:{source}",
            )
        )
    Assessment.objects.bulk_create(rows, batch_size=1000)
    recompute_gaps(employee_ids={row.person_id for row in rows}, competency_ids={row.competency_id for row in rows})
    return len(rows)
