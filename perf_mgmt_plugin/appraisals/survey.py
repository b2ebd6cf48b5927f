"""
The process survey: after a cycle closes, the people reviewed and their reviewing managers rate the process itself
(clarity, usefulness, fairness, the meeting) and may leave free text.

Anonymity is kept by construction and by arithmetic:

- An answer (``SurveyResponse``) is stored with the respondent's org unit and role only; the invitation records that
  someone answered, never when or which answer. Answers are read in an order given by their values, never by their
  primary key or date, so the order of a list cannot be matched to the order in which people answered.
- Every figure, free text included, is shown only for groups of at least ``PERF_MGMT_SURVEY_MIN_GROUP`` answers, on
  the page, through the API, in the CSV export and in the trends across cycles. Hiding small groups is not enough
  when the total is also shown: the total minus the shown groups would give the hidden ones. So when the hidden
  groups together hold fewer answers than the minimum, the smallest shown groups are hidden too until they do
  (complementary suppression); the total minus what is shown is then always a group of at least the minimum.
  The role breakdown is also checked against the org unit breakdown (``roles_cross_unit_leak``): when a set one of
  them shows lies wholly inside a set the other shows and the two differ by fewer answers than the minimum, the
  roles are not broken down at all.
- HR admins limited to org units see only the answers of their units, by the same rules.
- An answer is dated with the cycle's closing day, not the day it was given, so no date tells answers apart.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..core.access import require
from ..org.access import access_context, hr_units_q
from ..org.models import Employee, OrgUnit
from .cycles import VIEW_REPORTS
from .errors import AppraisalError
from .models import Cycle, Review, SurveyInvitation, SurveyResponse

QUESTIONS = SurveyResponse.QUESTIONS
GROUP_BY = (None, "org_unit", "role")
#: Longest free text kept (the rest is cut).
COMMENT_MAX_LENGTH = 4000
LOWEST, HIGHEST = 1, 5


def min_group():
    """The smallest group whose answers are shown (``PERF_MGMT_SURVEY_MIN_GROUP``, never below 2)."""
    return max(2, int(getattr(settings, "PERF_MGMT_SURVEY_MIN_GROUP", 3)))


@dataclass(frozen=True)
class SurveyGroup:
    """
    The answers of one group. When ``hidden`` the group has too few answers to be shown and every figure is empty:
    not even its number of answers is given.
    """

    key: object
    label: str
    hidden: bool
    responses: int | None = None
    #: ``{question: mean rounded to 2 decimals or None}``
    means: dict = field(default_factory=dict)
    #: ``{question: ((value, count), ...)}`` for values 1-5
    distribution: dict = field(default_factory=dict)
    #: Free texts, sorted alphabetically (their order says nothing about who wrote them or when).
    comments: tuple = ()


@dataclass(frozen=True)
class SurveyResults:
    """A cycle's survey results as one user may see them."""

    cycle_id: int
    group_by: str | None
    min_group: int
    invited: int
    groups: tuple = ()
    #: Groups hidden because they (or, by complementary suppression, the rest) are too small.
    hidden_groups: int = 0


@dataclass(frozen=True)
class TrendPoint:
    """One cycle's overall results, for the trends across cycles (``hidden`` below the minimum)."""

    cycle_id: int
    name: str
    start: object
    end: object
    hidden: bool
    responses: int | None = None
    means: dict = field(default_factory=dict)


# -- invitations and answers ------------------------------------------------------------------------------------


@transaction.atomic
def invite_participants(cycle):
    """
    Invite the people reviewed in ``cycle`` and their reviewing managers to its survey. Idempotent: only missing
    invitations are added (a re-closed or re-run cycle invites nobody twice). Returns the number added. Three queries.
    """
    reviews = Review.objects.filter(cycle=cycle, employee__active=True).values_list("employee_id", "manager_id")
    wanted = set()
    for employee_id, manager_id in reviews:
        wanted.add((employee_id, SurveyInvitation.EMPLOYEE))
        if manager_id:
            wanted.add((manager_id, SurveyInvitation.MANAGER))
    existing = set(SurveyInvitation.objects.filter(cycle=cycle).values_list("employee_id", "role"))
    missing = sorted(wanted - existing)
    SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(cycle=cycle, employee_id=employee_id, role=role) for employee_id, role in missing],
        batch_size=1000,
    )
    return len(missing)


def pending_surveys(user):
    """The closed cycles whose survey ``user`` was invited to and has not answered yet (in every role), newest first."""
    employee_id = access_context(user).employee_id
    if employee_id is None:
        return Cycle.objects.none()
    pending = SurveyInvitation.objects.filter(cycle=OuterRef("pk"), employee_id=employee_id, responded=False)
    return Cycle.objects.filter(Exists(pending), status=Cycle.CLOSED).order_by("-end", "pk")


def _rating(name, value, required=True):
    if value in (None, "") and not required:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not LOWEST <= number <= HIGHEST or str(value).strip() != str(number):
        raise AppraisalError(_("Rate {question} from {low} to {high}.").format(question=name, low=LOWEST, high=HIGHEST))
    return number


def _plain(comment):
    """Free text is stored as plain text: no markup to sanitise later, and the CSV shows what was written."""
    text = strip_tags(comment or "").strip()
    return text[:COMMENT_MAX_LENGTH]


@transaction.atomic
def submit_response(user, cycle, *, clarity, usefulness, fairness, meeting=None, comment="", role=None):
    """
    Record ``user``'s anonymous answer to ``cycle``'s survey: ratings 1-5 (``meeting`` optional) and free text.
    Once per invitation: someone invited as reviewed person and as reviewing manager answers twice, once per role
    (``role``; by default the reviewed person's invitation first). The answer keeps the person's org unit and role,
    not the person; the invitation is only marked answered. Raises ``AppraisalError`` (nothing written) when there
    is no open invitation or a value is out of range.
    """
    values = {
        "clarity": _rating(_("clarity"), clarity),
        "usefulness": _rating(_("usefulness"), usefulness),
        "fairness": _rating(_("fairness"), fairness),
        "meeting": _rating(_("the meeting"), meeting, required=False),
    }
    employee_id = access_context(user).employee_id
    invitations = SurveyInvitation.objects.select_for_update().filter(
        cycle_id=cycle.pk, employee_id=employee_id, responded=False, cycle__status=Cycle.CLOSED
    )
    if role is not None:
        invitations = invitations.filter(role=role)
    # "employee" sorts before "manager": the reviewed person's invitation is answered first.
    invitation = invitations.order_by("role").first() if employee_id is not None else None
    if invitation is None:
        raise AppraisalError(_("You have no survey to answer for this cycle (or you have answered it already)."))
    org_unit_id = Employee.objects.filter(pk=employee_id).values_list("org_unit_id", flat=True).first()
    SurveyResponse.objects.create(
        cycle_id=cycle.pk,
        org_unit_id=org_unit_id,
        role=invitation.role,
        comment=_plain(comment),
        submitted_on=cycle.closed_at.date() if cycle.closed_at else cycle.sign_off_due,
        **values,
    )
    SurveyInvitation.objects.filter(pk=invitation.pk).update(responded=True)


# -- results ------------------------------------------------------------------------------------------------------


def _scoped_responses(user):
    """The answers ``user`` may see as an HR admin: all, or those of the units in their scope."""
    require(user, VIEW_REPORTS)
    return SurveyResponse.objects.filter(hr_units_q(user, prefix="org_unit__"))


def _rows(queryset):
    """Answers as plain tuples, ordered by their values only (never by pk or date)."""
    return list(
        queryset.order_by(*QUESTIONS, "comment").values_list("cycle_id", "org_unit_id", "role", *QUESTIONS, "comment")
    )


def _summary(rows):
    """Means, distributions and sorted comments of a non-empty list of answer tuples."""
    means, distribution = {}, {}
    for index, question in enumerate(QUESTIONS, start=3):
        answered = [row[index] for row in rows if row[index] is not None]
        means[question] = round(sum(answered) / len(answered), 2) if answered else None
        distribution[question] = tuple((value, answered.count(value)) for value in range(LOWEST, HIGHEST + 1))
    comments = tuple(sorted((row[-1] for row in rows if row[-1]), key=str.casefold))
    return means, distribution, comments


def suppress(sizes, minimum):
    """
    Which group keys to hide, given ``{key: number of answers}``: every group below ``minimum``, then (complementary
    suppression) the smallest shown groups until the hidden ones together hold none or at least ``minimum`` answers,
    so the total minus the shown groups never reveals a group smaller than ``minimum``.
    """
    hidden = {key for key, size in sizes.items() if size < minimum}
    hidden_total = sum(sizes[key] for key in hidden)
    shown = sorted((key for key in sizes if key not in hidden), key=lambda key: (sizes[key], str(key)))
    while 0 < hidden_total < minimum and shown:
        key = shown.pop(0)
        hidden.add(key)
        hidden_total += sizes[key]
    return hidden


def _group_rows(rows, group_by):
    index = {"org_unit": 1, "role": 2}.get(group_by)
    groups = {}
    for row in rows:
        groups.setdefault(None if index is None else row[index], []).append(row)
    return groups


def _labels(group_by, keys):
    if group_by == "org_unit":
        names = dict(OrgUnit.objects.filter(pk__in=[key for key in keys if key]).values_list("pk", "name"))
        return {key: names.get(key) or _("No org unit") for key in keys}
    if group_by == "role":
        roles = dict(SurveyInvitation.ROLE_CHOICES)
        return {key: str(roles.get(key, key)) for key in keys}
    return {key: _("Everyone") for key in keys}


def _derivable(sizes, hidden):
    """
    The sets of answers a reader can compute from one grouping: each shown group, and the hidden ones together (the
    total minus the shown groups), as sets of group keys.
    """
    sets = [{key} for key in sizes if key not in hidden]
    if hidden:
        sets.append(set(hidden))
    return sets


def roles_cross_unit_leak(rows, minimum):
    """
    Whether showing the role breakdown next to the org unit breakdown would single out fewer than ``minimum``
    answers: a set the reader can compute from one grouping lying wholly inside one from the other, with a
    difference of 1 to ``minimum - 1`` answers (say, all managers' answers come from one unit of four answers:
    that unit minus the managers would be fewer than the minimum). Then every role group is hidden.
    """
    cells = {}
    for row in rows:
        cells[(row[1], row[2])] = cells.get((row[1], row[2]), 0) + 1
    unit_sizes, role_sizes = {}, {}
    for (unit, role), count in cells.items():
        unit_sizes[unit] = unit_sizes.get(unit, 0) + count
        role_sizes[role] = role_sizes.get(role, 0) + count
    unit_sets = _derivable(unit_sizes, suppress(unit_sizes, minimum))
    role_sets = _derivable(role_sizes, suppress(role_sizes, minimum))
    for units in unit_sets:
        unit_total = sum(unit_sizes[unit] for unit in units)
        for roles in role_sets:
            role_total = sum(role_sizes[role] for role in roles)
            both = sum(count for (unit, role), count in cells.items() if unit in units and role in roles)
            nested = both in (unit_total, role_total)
            if nested and 0 < abs(unit_total - role_total) < minimum:
                return True
    return False


def _build_groups(rows, group_by, minimum):
    by_key = _group_rows(rows, group_by)
    hidden = suppress({key: len(value) for key, value in by_key.items()}, minimum)
    if group_by == "role" and roles_cross_unit_leak(rows, minimum):
        hidden = set(by_key)
    labels = _labels(group_by, by_key)
    groups = []
    for key in sorted(by_key, key=lambda k: (str(labels[k]).casefold(), str(k))):
        if key in hidden:
            groups.append(SurveyGroup(key=key, label=labels[key], hidden=True))
            continue
        means, distribution, comments = _summary(by_key[key])
        groups.append(
            SurveyGroup(
                key=key,
                label=labels[key],
                hidden=False,
                responses=len(by_key[key]),
                means=means,
                distribution=distribution,
                comments=comments,
            )
        )
    return tuple(groups), len(hidden)


def results(user, cycle, group_by=None):
    """
    ``cycle``'s survey results for an HR admin (``perf_mgmt.view_appraisal_reports``), over their scope: one group
    (everyone), or one per org unit or role. Groups with fewer answers than ``min_group()`` -- and, when needed, the
    smallest others (see :func:`suppress`) -- are hidden with their free text. Three to four queries.
    """
    if group_by not in GROUP_BY:
        raise AppraisalError(_("Survey results can be grouped by org unit or role only."))
    rows = _rows(_scoped_responses(user).filter(cycle_id=cycle.pk))
    minimum = min_group()
    groups, hidden = _build_groups(rows, group_by, minimum)
    invited = SurveyInvitation.objects.filter(cycle_id=cycle.pk).count()
    return SurveyResults(
        cycle_id=cycle.pk, group_by=group_by, min_group=minimum, invited=invited, groups=groups, hidden_groups=hidden
    )


def trends(user):
    """
    Each closed cycle's overall results over the HR admin's scope, oldest first, for the trends across cycles; a
    cycle with fewer answers than ``min_group()`` shows nothing. Two queries plus the access check.
    """
    rows = _rows(_scoped_responses(user).filter(cycle__status=Cycle.CLOSED))
    by_cycle = {}
    for row in rows:
        by_cycle.setdefault(row[0], []).append(row)
    cycles = Cycle.objects.filter(pk__in=list(by_cycle)).order_by("end", "pk").only("pk", "name", "start", "end")
    minimum = min_group()
    points = []
    for cycle in cycles:
        cycle_rows = by_cycle[cycle.pk]
        if len(cycle_rows) < minimum:
            points.append(TrendPoint(cycle.pk, cycle.name, cycle.start, cycle.end, hidden=True))
            continue
        means, _distribution, _comments = _summary(cycle_rows)
        points.append(TrendPoint(cycle.pk, cycle.name, cycle.start, cycle.end, False, len(cycle_rows), means))
    return points


def export_rows(user, cycle):
    """
    The rows of the survey's CSV export (header first): every grouping (everyone, per org unit, per role) with its
    number of answers and means, hidden groups written as hidden with no figures, then the free texts of everyone
    (sorted, without unit or role) when everyone's group is shown. The same thresholds as :func:`results`: the
    export never holds an individual answer.
    """
    rows = _rows(_scoped_responses(user).filter(cycle_id=cycle.pk))
    minimum = min_group()
    out = [[_("grouping"), _("group"), _("answers"), *[_(question) for question in QUESTIONS]]]
    everyone = ()
    for group_by, grouping in ((None, _("everyone")), ("org_unit", _("org unit")), ("role", _("role"))):
        groups, _hidden = _build_groups(rows, group_by, minimum)
        if group_by is None:
            everyone = groups
        for group in groups:
            if group.hidden:
                hidden = _("hidden (fewer than {n} answers)").format(n=minimum)
                out.append([grouping, group.label, hidden, *["" for _question in QUESTIONS]])
            else:
                means = ["" if group.means[q] is None else group.means[q] for q in QUESTIONS]
                out.append([grouping, group.label, group.responses, *means])
    comments = [comment for group in everyone if not group.hidden for comment in group.comments]
    if comments:
        out.append([])
        out.append([_("comments")])
        out.extend([comment] for comment in comments)
    return out
