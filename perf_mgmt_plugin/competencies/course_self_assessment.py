"""
Self-assessment inside a course (the self-assessment XBlock's needs), built on the competencies api.

Three things a course widget needs that the single-competency functions do not give in constant work:

* :func:`competencies_by_codes`: the block's competencies from their portable names (framework slug + codes).
* :func:`scales_for`: the descriptive scales of several competencies at once (a block shows 1..n of them), in
  three queries whatever n is, instead of three per competency.
* :func:`record_self_assessments`: one submission of several ratings, all or nothing: a bad level on the third
  competency must not leave the first two saved and the learner told it failed.
* :func:`course_report`: what the course's staff may see, i.e. the per-competency distributions of
  :func:`~.api.course_self_assessment_summary` with groups smaller than ``PERF_MGMT_ANONYMITY_MIN_GROUP`` hidden
  (so a distribution of two answers cannot be read back to the two people who gave them), and the change of the
  mean level between the ``before`` and ``after`` phases where both phases are shown.
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils.translation import gettext as _

from ..core.release import anonymity_min_group
from ..core.sanitize import sanitize_html
from .data import LevelData, ScaleData
from .errors import CompetencyError
from .models import BehaviouralIndicator, Competency, ScaleLevel

#: The phases a self-assessment can be made in, in display order ("" is a single, unphased assessment).
PHASES = ("", "before", "after")


@dataclass(frozen=True)
class PhaseDistribution:
    """The latest self-ratings of one competency in one phase of a course, or ``hidden`` if too few people."""

    phase: str
    hidden: bool
    #: ``None`` when hidden: even the exact count of a small group is not shown.
    people: int | None
    #: ``((level, count), ...)`` lowest level first; empty when hidden.
    levels: tuple = ()
    mean: float | None = None


@dataclass(frozen=True)
class CompetencyCourseReport:
    competency_id: int
    #: One :class:`PhaseDistribution` per phase that has answers, in :data:`PHASES` order.
    phases: tuple
    #: Mean "after" level minus mean "before" level, when both phases have answers and neither is hidden.
    change: float | None


def competencies_by_codes(framework_slug, codes):
    """
    The active competencies of framework ``framework_slug`` with the given ``codes``, as
    :class:`~.data.CompetencyData` in the order of ``codes`` (unknown codes are left out). One query.

    Blocks name competencies by framework slug and code rather than database id so that their OLX means the same
    in every instance that has the framework (course export/import, staging to production). Descriptions are
    sanitised again for the same reason as in :func:`scales_for`.
    """
    from . import api  # noqa: PLC0415  the api imports this module: a cycle at import time

    if not framework_slug or not codes:
        return []
    by_code = {c.code: c for c in api.list_competencies(framework_slug=framework_slug)}
    return [
        replace(by_code[code], description=sanitize_html(by_code[code].description))
        for code in dict.fromkeys(codes)
        if code in by_code
    ]


def scales_for(competency_ids):
    """
    ``{competency_id: ScaleData}`` for the active competencies among ``competency_ids`` (unknown ones are left
    out), each level with that competency's behavioural indicators. Three queries, whatever the number.

    Level descriptions are stored sanitised; they are sanitised again here because they are rendered as HTML in
    course pages, which must not depend on every past write path (admin, imports) having done it.
    """
    ids = [int(pk) for pk in competency_ids]
    scale_of = dict(
        Competency.objects.filter(pk__in=ids, active=True).values_list("pk", "framework__scale_id").order_by()
    )
    levels_by_scale, scale_meta = defaultdict(list), {}
    for level in ScaleLevel.objects.filter(scale_id__in=set(scale_of.values())).select_related("scale"):
        scale_meta[level.scale_id] = (level.scale.slug, level.scale.name)
        levels_by_scale[level.scale_id].append(level)
    indicators = defaultdict(list)
    for competency_id, level, text in BehaviouralIndicator.objects.filter(competency_id__in=list(scale_of)).values_list(
        "competency_id", "level", "text"
    ):
        indicators[(competency_id, level)].append(text)
    result = {}
    for competency_id, scale_id in scale_of.items():
        slug, name = scale_meta.get(scale_id, ("", ""))
        result[competency_id] = ScaleData(
            slug=slug,
            name=name,
            levels=tuple(
                LevelData(
                    value=level.value,
                    name=level.name,
                    description=sanitize_html(level.description),
                    indicators=tuple(indicators[(competency_id, level.value)]),
                )
                for level in sorted(levels_by_scale[scale_id], key=lambda lv: lv.value)
            ),
        )
    return result


@transaction.atomic
def record_self_assessments(user, ratings, course_key=None, usage_key=None, phase=""):
    """
    Save several self-assessments of ``user`` at once: ``ratings`` is ``[(competency_id, level, evidence)]``.
    All are saved or none (the first error is raised: ``NoEmployeeRecord``, ``InvalidLevel``, ``CompetencyError``).
    Returns the :class:`~.data.AssessmentData` records in order.
    """
    from . import api  # noqa: PLC0415  the api imports this module: a cycle at import time

    if phase not in PHASES:
        raise CompetencyError(_("Unknown self-assessment phase '%(phase)s'.") % {"phase": phase})
    return [
        api.record_self_assessment(
            user, competency_id, level, course_key=course_key, evidence=evidence, usage_key=usage_key, phase=phase
        )
        for competency_id, level, evidence in ratings
    ]


def _distribution(phase, entry, min_group):
    people = entry["people"]
    if people < min_group:
        return PhaseDistribution(phase=phase, hidden=True, people=None)
    levels = tuple(sorted(entry["levels"].items()))
    mean = round(sum(level * count for level, count in levels) / people, 2)
    return PhaseDistribution(phase=phase, hidden=False, people=people, levels=levels, mean=mean)


def course_report(user, course_key, competency_ids):
    """
    Per competency of ``competency_ids`` (in that order): the distribution of the latest self-ratings in each phase
    of the course, small groups hidden, and the before/after change of the mean. For the course's staff (and
    unrestricted HR admins): anyone else gets ``AccessDenied``, as from ``course_self_assessment_summary``.
    """
    from . import api  # noqa: PLC0415  the api imports this module: a cycle at import time

    ids = [int(pk) for pk in competency_ids]
    summary = api.course_self_assessment_summary(user, course_key, ids)
    min_group = anonymity_min_group()
    reports = []
    for competency_id in ids:
        phases = tuple(
            _distribution(phase, summary[(competency_id, phase)], min_group)
            for phase in PHASES
            if (competency_id, phase) in summary
        )
        by_phase = {dist.phase: dist for dist in phases}
        before, after = by_phase.get("before"), by_phase.get("after")
        change = None
        if before and after and not before.hidden and not after.hidden:
            change = round(after.mean - before.mean, 2)
        reports.append(CompetencyCourseReport(competency_id=competency_id, phases=phases, change=change))
    return reports
