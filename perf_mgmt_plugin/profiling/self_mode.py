"""
A self-only profile inside a course (the self-assessment XBlock's "profile" mode, issue 16 "Self mode in courses").

A block names a profile by its family (the stable slug across versions) and shows the family's active version: its
behavioural statements grouped by competency, each rated on the competency's descriptive scale. A submission is
recorded as the learner's self-assessment per competency (the rounded mean of that competency's statements), in
the block's phase (``before`` / ``after`` a module), through the competencies api: the append-only assessment
history stays the record of truth, and no table is added for course answers. :func:`change` reads back the
learner's latest ``before`` and ``after`` levels in the course, so the closing block shows the change.
"""

from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from .deps import Assessment, Employee, competencies_api
from .errors import ProfilingError
from .models import Profile, ProfileItem


@dataclass(frozen=True)
class SelfStatement:
    id: int
    text: str


@dataclass(frozen=True)
class SelfCompetency:
    id: int
    code: str
    name: str
    #: The competency's scale levels (``LevelData``: value, name, description, indicators), lowest first.
    levels: tuple
    statements: tuple


@dataclass(frozen=True)
class SelfProfile:
    family: str
    number: int
    name: str
    description: str
    competencies: tuple

    @property
    def statement_ids(self):
        return {s.id for c in self.competencies for s in c.statements}


@dataclass(frozen=True)
class CompetencyChange:
    competency_id: int
    before: int | None
    after: int | None

    @property
    def change(self):
        return None if self.before is None or self.after is None else self.after - self.before


def list_self_profiles():
    """``[(family, name)]`` of the active self-only profiles (their latest active version), for editors. One query."""
    seen = OrderedDict()
    for family, name in (
        Profile.objects.filter(kind=Profile.KIND_SELF, status=Profile.ACTIVE)
        .order_by("family", "-number")
        .values_list("family", "name")
    ):
        seen.setdefault(family, name)
    return list(seen.items())


def self_profile(family):
    """
    The active version of the self-only profile ``family`` as a :class:`SelfProfile`, or ``None`` when there is no
    such active self-only profile. Five queries whatever the number of statements.
    """
    profile = Profile.objects.filter(family=(family or "").strip(), kind=Profile.KIND_SELF, status=Profile.ACTIVE)
    profile = profile.order_by("-number").first()
    if profile is None:
        return None
    grouped = OrderedDict()
    for item in ProfileItem.objects.filter(profile=profile).select_related("competency").order_by("order", "pk"):
        grouped.setdefault(item.competency_id, (item.competency, []))[1].append(SelfStatement(item.pk, item.text))
    scales = competencies_api.get_scales_for(list(grouped))
    return SelfProfile(
        family=profile.family,
        number=profile.number,
        name=profile.name,
        description=profile.description,
        competencies=tuple(
            SelfCompetency(
                id=competency.pk,
                code=competency.code,
                name=competency.name,
                levels=scales[competency.pk].levels if competency.pk in scales else (),
                statements=tuple(statements),
            )
            for competency, statements in grouped.values()
        ),
    )


def competency_levels(profile, answers):
    """
    ``{competency_id: level}`` from ``answers`` (``{statement_id: level}``): the rounded mean of each competency's
    answered statements. Raises :class:`ProfilingError` for a statement not in ``profile`` or a level off its scale.
    """
    by_statement = {s.id: c for c in profile.competencies for s in c.statements}
    sums = OrderedDict()
    for statement_id, level in answers.items():
        competency = by_statement.get(statement_id)
        if competency is None:
            raise ProfilingError(_("This profile has no statement %(id)s.") % {"id": statement_id})
        if level not in {lv.value for lv in competency.levels}:
            raise ProfilingError(
                _("'%(level)s' is not a level of %(name)s.") % {"level": level, "name": competency.name}
            )
        sums.setdefault(competency.id, []).append(level)
    # Half up, not Python's banker's rounding: 2.5 is "3", as a person reading the scale expects.
    return {cid: int(sum(levels) / len(levels) + 0.5) for cid, levels in sums.items()}


def record(user, profile, answers, *, course_key=None, usage_key=None, phase=""):
    """
    Save ``user``'s answers to the self-only ``profile`` in a course: one self-assessment per answered competency
    (all or nothing, through the competencies api). Returns ``{competency_id: level}``.
    """
    levels = competency_levels(profile, answers)
    if not levels:
        raise ProfilingError(_("Answer at least one statement."))
    competencies_api.record_self_assessments(
        user,
        [(competency_id, level, "") for competency_id, level in levels.items()],
        course_key=course_key,
        usage_key=usage_key,
        phase=phase,
    )
    return levels


def change(user, course_key, competency_ids):
    """
    Per competency of ``competency_ids`` (in order): ``user``'s latest self-assessed level ``before`` and ``after`` a
    module of the course (``None`` where not given), as :class:`CompetencyChange`. Two queries.
    """
    ids = [int(pk) for pk in competency_ids]
    authenticated = getattr(user, "is_authenticated", False)
    employee = Employee.objects.filter(user=user, active=True).first() if authenticated else None
    latest = {}
    if employee is not None and course_key is not None and ids:
        rows = (
            Assessment.objects.filter(
                person=employee, source=Assessment.SELF, course_key=course_key, competency_id__in=ids
            )
            .filter(Q(context_id__endswith="#before") | Q(context_id__endswith="#after"))
            .order_by("-created", "-pk")
            .values_list("competency_id", "context_id", "level")
        )
        for competency_id, context_id, level in rows:
            latest.setdefault((competency_id, context_id.rsplit("#", 1)[1]), level)
    return [CompetencyChange(cid, latest.get((cid, "before")), latest.get((cid, "after"))) for cid in ids]
