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
- The groups are computed once over every answer of the cycle, the same for every reader. HR admins limited to org
  units see the groups of their units only (never the role breakdown, whose groups span units), and their
  "everyone" is the sum of the unit groups they are shown: it is never recomputed over their scope, so two admins
  with different scopes cannot subtract one "everyone" from the other.
- Nothing is shown while answers may still arrive: the survey is open for ``PERF_MGMT_SURVEY_DAYS`` days after the
  cycle closes and its results are released once it is over (or every invited person has answered), so reading
  before and after one answer shows nothing. Answers after that are refused.
- An answer is dated with the cycle's closing day, not the day it was given, so no date tells answers apart.

docs/decisions/0014-anonymity-by-differencing.rst has the threat model; the rules are in ``core.release``.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..core.access import require
from ..core.release import suppress, visible_groups
from ..org.api import Employee, OrgUnit, access_context, hr_units_q
from .cycles import VIEW_REPORTS
from .errors import AppraisalError
from .models import Cycle, Review, SurveyInvitation, SurveyResponse

QUESTIONS = SurveyResponse.QUESTIONS
GROUP_BY = (None, "org_unit", "role")
#: Longest free text kept (the rest is cut).
COMMENT_MAX_LENGTH = 4000
LOWEST, HIGHEST = 1, 5


def survey_days():
    """How many days a cycle's survey stays open after the cycle closes (``PERF_MGMT_SURVEY_DAYS``, at least 1)."""
    return max(1, int(getattr(settings, "PERF_MGMT_SURVEY_DAYS", 14)))


def survey_closes_on(cycle):
    """The last day answers to ``cycle``'s survey are taken (``None`` while the cycle is not closed)."""
    if cycle.status != Cycle.CLOSED or cycle.closed_at is None:
        return None
    return timezone.localdate(cycle.closed_at) + datetime.timedelta(days=survey_days())


def _open_on(today):
    """A ``Q`` on Cycle: closed cycles whose survey is still open on ``today``."""
    first_open_closing = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=survey_days()), datetime.time.min)
    )
    return Q(status=Cycle.CLOSED, closed_at__gte=first_open_closing)


def released_cycle_ids(cycle_ids, today=None):
    """
    Of ``cycle_ids``, the cycles whose survey results are released: their survey is over, or every invited person
    has answered (no answer can arrive any more). One query.
    """
    today = today or timezone.localdate()
    waiting = SurveyInvitation.objects.filter(cycle_id=OuterRef("pk"), responded=False)
    return set(
        Cycle.objects.filter(pk__in=list(cycle_ids), status=Cycle.CLOSED)
        .filter(~_open_on(today) | ~Exists(waiting))
        .values_list("pk", flat=True)
    )


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
    #: False while the survey is open: nothing is shown before the survey is over (see the module's docstring).
    released: bool = True
    #: The last day answers are taken (``None`` before the cycle closes).
    closes_on: object = None


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
    return Cycle.objects.filter(Exists(pending)).filter(_open_on(timezone.localdate())).order_by("-end", "pk")


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
    closes_on = survey_closes_on(cycle)
    if invitation is not None and closes_on is not None and timezone.localdate() > closes_on:
        raise AppraisalError(_("This survey closed on {day}.").format(day=closes_on.isoformat()))
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


def _reader_units(user):
    """
    ``None`` for an HR admin of the whole organisation, else the ids of the org units in the admin's scope (whose
    groups they are shown). Raises ``AccessDenied`` without ``perf_mgmt.view_appraisal_reports``.
    """
    require(user, VIEW_REPORTS)
    if access_context(user).hr_unrestricted:
        return None
    return set(OrgUnit.objects.filter(hr_units_q(user)).values_list("pk", flat=True))


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


def _scoped_groups(rows, group_by, minimum, units):
    """
    The groups a scoped HR admin (``units``: the ids of their org units) sees: the org unit groups of their units as
    computed over everyone; their "everyone" is the sum of those shown; the role groups, which span units, hidden.
    """
    if group_by == "org_unit":
        by_unit, _hidden = _build_groups(rows, "org_unit", minimum)
        visible = visible_groups(by_unit, lambda group: group.key in units)
        return tuple(visible), sum(1 for group in visible if group.hidden)
    if group_by == "role":
        roles = _labels("role", sorted({row[2] for row in rows}))
        return tuple(SurveyGroup(key=key, label=label, hidden=True) for key, label in roles.items()), len(roles)
    sizes = {key: len(value) for key, value in _group_rows(rows, "org_unit").items()}
    hidden = suppress(sizes, minimum)
    shown = set(visible_groups(sizes, lambda key: key in units and key not in hidden))
    scoped_rows = [row for row in rows if row[1] in shown]
    label = _("Everyone in your org units")
    if not scoped_rows:
        return (SurveyGroup(key=None, label=label, hidden=True),), 1
    means, distribution, comments = _summary(scoped_rows)
    group = SurveyGroup(None, label, False, len(scoped_rows), means, distribution, comments)
    return (group,), 0


def _readable(user, cycle):
    """The reader's units (see :func:`_reader_units`), whether ``cycle``'s results are released, and its answers."""
    units = _reader_units(user)
    released = bool(released_cycle_ids([cycle.pk]))
    return units, released, _rows(SurveyResponse.objects.filter(cycle_id=cycle.pk)) if released else []


def _groups_for(rows, group_by, minimum, units):
    if units is None:
        return _build_groups(rows, group_by, minimum)
    return _scoped_groups(rows, group_by, minimum, units)


def results(user, cycle, group_by=None):
    """
    ``cycle``'s survey results for an HR admin (``perf_mgmt.view_appraisal_reports``): one group (everyone), or one
    per org unit or role, computed over every answer and filtered by the admin's scope (see
    :func:`_scoped_groups`). Groups with fewer answers than ``min_group()`` -- and, when needed, the smallest others
    (see ``core.release.suppress``) -- are hidden with their free text. Nothing is shown before the survey is over
    (``released`` false). At most five queries.
    """
    if group_by not in GROUP_BY:
        raise AppraisalError(_("Survey results can be grouped by org unit or role only."))
    units, released, rows = _readable(user, cycle)
    minimum = min_group()
    groups, hidden = _groups_for(rows, group_by, minimum, units) if released else ((), 0)
    invited = SurveyInvitation.objects.filter(cycle_id=cycle.pk).count()
    figures = {"groups": groups, "hidden_groups": hidden, "released": released}
    return SurveyResults(cycle.pk, group_by, minimum, invited, closes_on=survey_closes_on(cycle), **figures)


def trends(user):
    """
    Each closed cycle's overall results whose survey is over, oldest first, for the trends across cycles: everyone
    for an HR admin of the whole organisation, the sum of the shown groups of their units for a scoped one (as in
    :func:`results`); a cycle with fewer answers than ``min_group()`` shows nothing. Four queries plus the access
    check.
    """
    units = _reader_units(user)
    rows = _rows(SurveyResponse.objects.filter(cycle__status=Cycle.CLOSED))
    by_cycle = {}
    for row in rows:
        by_cycle.setdefault(row[0], []).append(row)
    released = released_cycle_ids(by_cycle)
    cycles = Cycle.objects.filter(pk__in=released).order_by("end", "pk").only("pk", "name", "start", "end")
    minimum = min_group()
    points = []
    for cycle in cycles:
        (group,), _hidden = _groups_for(by_cycle[cycle.pk], None, minimum, units)
        if group.hidden:
            points.append(TrendPoint(cycle.pk, cycle.name, cycle.start, cycle.end, hidden=True))
            continue
        points.append(TrendPoint(cycle.pk, cycle.name, cycle.start, cycle.end, False, group.responses, group.means))
    return points


def export_rows(user, cycle):
    """
    The rows of the survey's CSV export (header first): every grouping (everyone, per org unit, per role) with its
    number of answers and means, hidden groups written as hidden with no figures, then the free texts of everyone
    (sorted, without unit or role) when everyone's group is shown. The same groups as :func:`results` for the same
    reader: the export never holds an individual answer, and holds no figure before the survey is over.
    """
    units, released, rows = _readable(user, cycle)
    minimum = min_group()
    out = [[_("grouping"), _("group"), _("answers"), *[_(question) for question in QUESTIONS]]]
    if not released:
        closes_on = survey_closes_on(cycle)
        note = _("The results are released when the survey is over ({day}).").format(
            day=closes_on.isoformat() if closes_on else _("after the cycle closes")
        )
        out.append([note])
        return out
    everyone = ()
    for group_by, grouping in ((None, _("everyone")), ("org_unit", _("org unit")), ("role", _("role"))):
        groups, _hidden = _groups_for(rows, group_by, minimum, units)
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
