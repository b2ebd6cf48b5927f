"""
Profiles and rounds of feedback: the profiling domain's writes. Every entry point (page, REST, XBlock, admin,
command) calls these; access comes from ``profiling.rules`` and the rows' state, checked inside the transaction.

Lifecycle of a round: started by HR or a manager for chosen people (or by a person for themselves where the profile
allows) -> each subject nominates raters per group within the round's min/max -> their manager (or HR) approves,
possibly editing -> the raters are invited, answer on one page (drafts, one submit) or decline -> the round closes
-> the report is released to the subject by whoever the round names (HR, a coach, the manager) after a debrief.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..competencies import api as competencies
from ..core import notify
from ..core.access import AccessDenied, can, require
from ..core.bulk import bulk_insert
from ..core.concurrency import atomic_retry, lock
from ..core.idempotency import idempotent
from ..core.versioning import claim_version
from . import notifications as _notifications  # noqa: F401  declares the message types sent below
from .deps import Employee, hr_employees_q, team_q
from .errors import DeadlinePassed, ProfilingConflict, ProfilingError
from .models import (
    DIRECT_REPORT,
    MANAGER,
    OTHER,
    PEER,
    SELF,
    Answer,
    Comment,
    Profile,
    ProfileItem,
    ProfileQuestion,
    Rater,
    Round,
    Subject,
)

#: Groups the subject nominates (self and manager are set by the round).
NOMINATED_GROUPS = (PEER, DIRECT_REPORT, OTHER)
MAX_ITEMS = 200
MAX_TEXT = 2000


# ---------------------------------------------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------------------------------------------


def _clean_items(items):
    """``[(competency_id, text)]`` checked: known active competencies, non-empty text, not too many."""
    items = [(int(cid), (text or "").strip()) for cid, text in items]
    if not items:
        raise ProfilingError(_("A profile needs at least one behavioural item."))
    if len(items) > MAX_ITEMS:
        raise ProfilingError(_("A profile holds at most %(n)s items.") % {"n": MAX_ITEMS})
    known = {c.id for c in competencies.list_competencies(ids={cid for cid, _t in items})}
    for cid, text in items:
        if cid not in known:
            raise ProfilingError(_("Unknown competency %(id)s.") % {"id": cid})
        if not text or len(text) > MAX_TEXT:
            raise ProfilingError(_("Every item needs a text of at most %(n)s characters.") % {"n": MAX_TEXT})
    return items


def _clean_questions(questions):
    questions = [(q or "").strip() for q in questions]
    questions = [q for q in questions if q]
    if any(len(q) > 500 for q in questions):
        raise ProfilingError(_("An open question is at most 500 characters."))
    return questions


def seed_items(competency_ids):
    """
    The behavioural items a new profile starts from: the competencies' indicators (every level's, in scale
    order), or the competency's name where it has none. The editor changes them freely.
    """
    scales = competencies.get_scales_for(competency_ids)
    names = {c.id: c.name for c in competencies.list_competencies(ids=competency_ids)}
    items = []
    for cid in competency_ids:
        cid = int(cid)
        if cid not in names:
            raise ProfilingError(_("Unknown competency %(id)s.") % {"id": cid})
        texts = [text for level in scales[cid].levels for text in level.indicators]
        items.extend((cid, text) for text in (texts or [names[cid]]))
    return items


def _write_content(profile, items, questions):
    ProfileItem.objects.bulk_create(
        ProfileItem(profile=profile, competency_id=cid, text=text, order=n) for n, (cid, text) in enumerate(items)
    )
    ProfileQuestion.objects.bulk_create(
        ProfileQuestion(profile=profile, text=text, order=n) for n, text in enumerate(questions)
    )


@transaction.atomic
def create_profile(
    actor,
    *,
    family,
    name,
    kind=Profile.KIND_360,
    competency_ids=(),
    items=None,
    questions=(),
    description="",
    allow_self_request=False,
):
    """
    A new profile (draft, version 1) from competencies of one or more frameworks: ``items`` as
    ``[(competency_id, text)]``, or seeded from the competencies' indicators (:func:`seed_items`).
    """
    require(actor, "perf_mgmt.manage_profiles")
    if kind not in dict(Profile.KIND_CHOICES):
        raise ProfilingError(_("Unknown profile type."))
    family = (family or "").strip()
    if not family or Profile.objects.filter(family=family).exists():
        raise ProfilingError(_("Choose a short name that no other profile uses."))
    items = _clean_items(items if items is not None else seed_items(list(competency_ids)))
    profile = Profile.objects.create(
        family=family[:64],
        name=(name or family)[:255],
        description=description or "",
        kind=kind,
        allow_self_request=bool(allow_self_request),
    )
    _write_content(profile, items, _clean_questions(questions))
    return profile


def in_use(profile):
    """Whether a round uses this version (then it is frozen: editing makes a new version)."""
    return Round.objects.filter(profile=profile).exists()


@atomic_retry
def update_profile(actor, profile, *, version=None, name=None, description=None, items=None, questions=None):
    """
    Change a profile. A version no round uses is edited in place (with the editor's ``version``: a concurrent
    save is an ``EditConflict``); a version in use stays as its raters answered it and the change makes a new
    version (number + 1, draft) with the same family. Returns the profile edited or made (ADR 0025).
    """
    require(actor, "perf_mgmt.manage_profiles")
    lock(profile)
    if profile.status == Profile.RETIRED:
        raise ProfilingConflict(_("This profile is retired."))
    latest = Profile.objects.filter(family=profile.family).order_by("-number").first()
    if latest.pk != profile.pk:
        raise ProfilingConflict(_("A newer version of this profile exists: edit that one."))
    new_items = _clean_items(items) if items is not None else None
    new_questions = _clean_questions(questions) if questions is not None else None
    if in_use(profile):
        claim_version(profile, version)
        old_items = list(profile.items.values_list("competency_id", "text"))
        old_questions = list(profile.questions.values_list("text", flat=True))
        target = Profile.objects.create(
            family=profile.family,
            number=profile.number + 1,
            name=(name if name is not None else profile.name)[:255],
            description=description if description is not None else profile.description,
            kind=profile.kind,
            allow_self_request=profile.allow_self_request,
            previous=profile,
        )
        _write_content(
            target,
            new_items if new_items is not None else old_items,
            new_questions if new_questions is not None else old_questions,
        )
        return target
    claim_version(profile, version)
    if name is not None:
        profile.name = name[:255]
    if description is not None:
        profile.description = description
    profile.save()
    if new_items is not None:
        profile.items.all().delete()
    if new_questions is not None:
        profile.questions.all().delete()
    _write_content(profile, new_items or [], new_questions or [])
    return profile


@transaction.atomic
def copy_profile(actor, profile, *, family, name=""):
    """A new profile family (draft, version 1) with this version's type, items and questions."""
    require(actor, "perf_mgmt.manage_profiles")
    return create_profile(
        actor,
        family=family,
        name=name or _("Copy of %(name)s") % {"name": profile.name},
        kind=profile.kind,
        items=list(profile.items.values_list("competency_id", "text")),
        questions=list(profile.questions.values_list("text", flat=True)),
        description=profile.description,
        allow_self_request=profile.allow_self_request,
    )


@atomic_retry
def set_profile_status(actor, profile, status):
    """Activate (rounds may use it; older active versions of the family retire) or retire a profile version."""
    require(actor, "perf_mgmt.manage_profiles")
    lock(profile)
    if status not in (Profile.ACTIVE, Profile.RETIRED):
        raise ProfilingError(_("Unknown profile status."))
    if status == Profile.ACTIVE:
        if profile.status == Profile.RETIRED:
            raise ProfilingConflict(_("A retired profile stays retired: copy it to use it again."))
        Profile.objects.filter(family=profile.family, status=Profile.ACTIVE).exclude(pk=profile.pk).update(
            status=Profile.RETIRED
        )
    profile.status = status
    profile.save(update_fields=["status"])
    return profile


# ---------------------------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------------------------


def _population(actor, person_ids=(), unit_ids=(), position_ids=()):
    """The active people chosen, limited to those the actor may include (HR scope, their reports)."""
    chosen = Q(pk__in=[int(pk) for pk in person_ids])
    if unit_ids:
        chosen |= Q(org_unit_id__in=[int(pk) for pk in unit_ids])
    if position_ids:
        chosen |= Q(position_id__in=[int(pk) for pk in position_ids])
    hr = hr_employees_q(actor)
    people = Employee.objects.filter(chosen, active=True)
    # An empty Q is everyone (an unrestricted HR admin); OR-ing it would drop it, so it is kept apart.
    return (people if not hr else people.filter(hr | team_q(actor))).order_by("pk")


def _check_limits(min_raters, max_raters):
    if not 1 <= int(min_raters) <= int(max_raters) <= 50:
        raise ProfilingError(_("Raters per group: a minimum of at least 1 and a maximum of at most 50 above it."))


@atomic_retry
def start_round(
    actor,
    profile,
    *,
    name,
    person_ids=(),
    unit_ids=(),
    position_ids=(),
    answer_by=None,
    nominate_by=None,
    release_by=Round.RELEASE_MANAGER,
    counts_as_assessment=True,
    min_raters=3,
    max_raters=8,
    self_requested=False,
    notify_people=True,
):
    """
    Start a round of ``profile`` (an active version) for the chosen people (by id, unit, position) the actor may
    include. Each subject's self rater row is made and invited; in 360 and 180 rounds their manager's too (named
    as the manager group). The subjects of a 360 round are asked to nominate raters. Bulk inserts whatever the
    number of people. Returns the round.
    """
    if not self_requested:
        require(actor, "perf_mgmt.start_profiling_round")
    lock(profile)
    if profile.status != Profile.ACTIVE:
        raise ProfilingConflict(_("Only an active profile can start a round."))
    if release_by not in dict(Round.RELEASE_CHOICES):
        raise ProfilingError(_("Unknown release rule."))
    _check_limits(min_raters, max_raters)
    if answer_by and answer_by < timezone.localdate():
        raise ProfilingError(_("The answer deadline is in the past."))
    population = (
        _population(actor, person_ids, unit_ids, position_ids)
        if not self_requested
        else Employee.objects.filter(pk__in=list(person_ids), active=True)
    )
    # The manager's user comes in the same query (an active manager only), not as a second IN over thousands of ids.
    people = [
        (pk, user_id, manager_user if manager_active else None)
        for pk, user_id, manager_user, manager_active in population.values_list(
            "pk", "user_id", "manager__user_id", "manager__active"
        )
    ]
    if not people:
        raise ProfilingError(_("Choose at least one person you may include."))
    rnd = Round.objects.create(
        profile=profile,
        name=(name or profile.name)[:255],
        release_by=release_by,
        counts_as_assessment=bool(counts_as_assessment),
        min_raters=int(min_raters),
        max_raters=int(max_raters),
        answer_by=answer_by,
        nominate_by=nominate_by,
        self_requested=self_requested,
        created_by=actor,
    )
    status = Subject.NOMINATING if profile.kind == Profile.KIND_360 else Subject.APPROVED
    # Plain executemany batches (core.bulk): thousands of rows without a model instance each (benchmarks/).
    bulk_insert(
        Subject, ["round_id", "person_id", "status", "version"], [(rnd.pk, pk, status, 0) for pk, _u, _m in people]
    )
    subject_ids = dict(Subject.objects.filter(round=rnd).values_list("person_id", "pk"))
    now = timezone.now()
    manager_status = Rater.INVITED if status == Subject.APPROVED else Rater.NOMINATED
    manager_invited = now if status == Subject.APPROVED else None
    raters = []
    for pk, user_id, manager_user in people:
        raters.append((subject_ids[pk], user_id, SELF, Rater.INVITED, "", now, 0))
        if MANAGER in profile.groups and manager_user:
            raters.append((subject_ids[pk], manager_user, MANAGER, manager_status, "", manager_invited, 0))
    bulk_insert(Rater, ["subject_id", "user_id", "group", "status", "decline_reason", "invited_at", "version"], raters)
    if notify_people:
        transaction.on_commit(lambda: _notify_start(rnd.pk))
    return rnd


def _notify_start(round_id):
    """Ask each subject to nominate (360) or answer (self, 180); invite the managers already set (180)."""
    rnd = Round.objects.select_related("profile").get(pk=round_id)
    messages = []
    for rater in Rater.objects.filter(subject__round=rnd, status=Rater.INVITED).select_related(
        "user", "subject__person__user"
    ):
        if rater.user is not None:
            messages.append(
                (
                    "profiling_invitation",
                    rater.user,
                    {"round": rnd, "subject": rater.subject.person, "group": rater.group},
                    (),
                )
            )
    if rnd.profile.kind == Profile.KIND_360:
        for subject in Subject.objects.filter(round=rnd).select_related("person__user"):
            messages.append(("profiling_nominate", subject.person.user, {"round": rnd}, ()))
    _send(messages)


@transaction.atomic
def request_own_round(user, profile, *, answer_by=None):
    """A person starts a round for themselves, where the profile allows it (released to them by their manager)."""
    person = Employee.objects.filter(user=user, active=True).first()
    if person is None or not profile.allow_self_request or profile.status != Profile.ACTIVE:
        raise AccessDenied("perf_mgmt.request_own_round")
    if Subject.objects.filter(person=person, round__profile=profile, round__status=Round.OPEN).exists():
        raise ProfilingConflict(_("You already have an open round of this profile."))
    return start_round(
        user, profile, name=profile.name, person_ids=[person.pk], answer_by=answer_by, self_requested=True
    )


def _subject_for_update(subject):
    lock(subject)
    if subject.round.status != Round.OPEN:
        raise ProfilingConflict(_("This round is closed."))
    return subject


def _clean_nominations(subject, nominations):
    """``{group: [user ids]}`` checked against the round's min/max, active users, no duplicates, not the subject."""
    rnd = subject.round
    wanted = {}
    for group in NOMINATED_GROUPS:
        if group not in rnd.profile.groups:
            continue
        ids = []
        for raw in nominations.get(group) or ():
            try:
                ids.append(int(raw))
            except (TypeError, ValueError):
                raise ProfilingError(_("Raters are named by their user id.")) from None
        wanted[group] = ids
    unknown = set(nominations) - set(wanted)
    if unknown:
        raise ProfilingError(
            _("This round does not ask these groups: %(g)s.") % {"g": ", ".join(sorted(map(str, unknown)))}
        )
    everyone = [uid for ids in wanted.values() for uid in ids]
    if len(everyone) != len(set(everyone)):
        raise ProfilingError(_("Each rater may be named once."))
    manager_ids = set(subject.raters.filter(group=MANAGER).values_list("user_id", flat=True))
    if subject.person.user_id in everyone or manager_ids & set(everyone):
        raise ProfilingError(_("You and your manager are already raters."))
    User = get_user_model()
    active = set(User.objects.filter(pk__in=everyone, is_active=True).values_list("pk", flat=True))
    if active != set(everyone):
        raise ProfilingError(_("Every rater must be an active user."))
    has_reports = Employee.objects.filter(manager_id=subject.person_id, active=True).exists()
    for group, ids in wanted.items():
        if not ids and (group == OTHER or (group == DIRECT_REPORT and not has_reports)):
            continue  # "others" is optional, and so are direct reports for someone who has none
        if not rnd.min_raters <= len(ids) <= rnd.max_raters:
            raise ProfilingError(
                _("Name from %(min)s to %(max)s raters for %(group)s.")
                % {
                    "min": rnd.min_raters,
                    "max": rnd.max_raters,
                    "group": dict(Rater._meta.get_field("group").choices)[group],
                }
            )
    return wanted


def _replace_nominations(subject, wanted):
    Rater.objects.filter(subject=subject, group__in=NOMINATED_GROUPS).exclude(
        status__in=(Rater.DRAFT, Rater.SUBMITTED)
    ).delete()
    kept = set(Rater.objects.filter(subject=subject).values_list("user_id", flat=True))
    Rater.objects.bulk_create(
        Rater(subject=subject, user_id=uid, group=group)
        for group, ids in wanted.items()
        for uid in ids
        if uid not in kept
    )


@atomic_retry
def nominate(actor, subject, nominations):
    """
    The subject (or HR) names raters per group: ``{"peer": [user ids], "direct_report": [...], "other": [...]}``,
    each within the round's min/max ("others" may be empty). Sends them to the manager for approval.
    """
    require(actor, "perf_mgmt.nominate_raters", subject.person)
    _subject_for_update(subject)
    if subject.status == Subject.APPROVED:
        raise ProfilingConflict(_("Your raters were already approved and invited."))
    if nominations_overdue(subject.round) and not can(actor, "perf_mgmt.manage_profiles"):
        raise DeadlinePassed(
            _("Nominations were due by %(date)s. Ask HR to extend the round or to nominate for you.")
            % {"date": date_format(subject.round.nominate_by)}
        )
    _replace_nominations(subject, _clean_nominations(subject, nominations))
    subject.status = Subject.SUBMITTED
    claim_version(subject)
    subject.save(update_fields=["status"])
    manager = subject.person.manager
    if manager is not None and manager.user_id:
        transaction.on_commit(
            lambda: notify.send("profiling_approve", manager.user, {"round": subject.round, "subject": subject.person})
        )
    return subject


@atomic_retry
def approve(actor, subject, nominations=None, *, version=None):
    """
    The manager (or HR) approves the subject's nominations, or replaces them with ``nominations`` (same shape as
    :func:`nominate`); every rater is then invited. Returns the subject.
    """
    require(actor, "perf_mgmt.approve_raters", subject.person)
    _subject_for_update(subject)
    claim_version(subject, version)
    if subject.status == Subject.APPROVED:
        raise ProfilingConflict(_("These raters were already approved."))
    if nominations is not None:
        _replace_nominations(subject, _clean_nominations(subject, nominations))
    elif subject.status != Subject.SUBMITTED:
        raise ProfilingConflict(_("The raters have not been nominated yet."))
    subject.status = Subject.APPROVED
    subject.save(update_fields=["status"])
    now = timezone.now()
    invited = list(Rater.objects.filter(subject=subject, status=Rater.NOMINATED).values_list("pk", flat=True))
    Rater.objects.filter(pk__in=invited).update(status=Rater.INVITED, invited_at=now)
    transaction.on_commit(lambda: _invite(invited))
    return subject


def _invite(rater_ids, message="profiling_invitation"):
    raters = Rater.objects.filter(pk__in=rater_ids).select_related("user", "subject__round", "subject__person__user")
    _send(
        [
            (message, r.user, {"round": r.subject.round, "subject": r.subject.person, "group": r.group}, ())
            for r in raters
            if r.user is not None
        ]
    )


def _send(messages):
    """Each message through the one notifier, ``core.notify.send`` (whose signature stays as edx-ace takes over)."""
    for name, recipient, context, cc in messages:
        notify.send(name, recipient, context, cc=cc)


@atomic_retry
def remind(actor, rnd):
    """Remind the invited raters who have not answered (once a day at most); returns how many were reminded."""
    require(actor, "perf_mgmt.start_profiling_round")
    if not (can(actor, "perf_mgmt.manage_profiles") or rnd.created_by_id == actor.pk):
        raise AccessDenied("perf_mgmt.start_profiling_round")
    if rnd.status != Round.OPEN:
        raise ProfilingConflict(_("This round is closed."))
    now = timezone.now()
    since = now - datetime.timedelta(days=1)
    due = list(
        Rater.objects.filter(subject__round=rnd, status__in=(Rater.INVITED, Rater.DRAFT))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=since))
        .values_list("pk", flat=True)
    )
    Rater.objects.filter(pk__in=due).update(reminded_at=now)
    transaction.on_commit(lambda: _invite(due, "profiling_reminder"))
    return len(due)


# ---------------------------------------------------------------------------------------------------------------
# Answering
# ---------------------------------------------------------------------------------------------------------------


def own_rater(user, pk):
    """The caller's own rater row ``pk`` (``None`` for anyone else's: answering is the rater's alone)."""
    return (
        Rater.objects.select_related("subject__round__profile", "subject__person__user")
        .filter(pk=pk, user_id=getattr(user, "pk", None))
        .first()
    )


def _rater_for_update(user, rater):
    if rater.user_id != getattr(user, "pk", None):
        raise AccessDenied("perf_mgmt.answer_profile")
    lock(rater)
    if rater.subject.round.status != Round.OPEN:
        raise ProfilingConflict(_("This round is closed."))
    if rater.status in (Rater.SUBMITTED, Rater.DECLINED):
        raise ProfilingConflict(_("You already answered."))
    if rater.status == Rater.NOMINATED:
        raise ProfilingConflict(_("Your invitation has not been approved yet."))
    if answers_overdue(rater.subject.round):
        raise DeadlinePassed(
            _("Answers were due by %(date)s. Ask HR to extend the round if you still want to answer.")
            % {"date": date_format(rater.subject.round.answer_by)}
        )
    return rater


def _submit_scope(kwargs):
    return "profiling-submit" if kwargs.get("submit") else "profiling-draft"


@atomic_retry
@idempotent(_submit_scope, Rater)
def save_answers(user, rater, *, answers, comments=None, submit=False, version=None):
    """
    Save the rater's answers: ``answers`` ``{item_id: level or None}`` (``None``: not able to say), ``comments``
    ``{question_id: text}``. A draft moves the sheet's version on (a save from an older copy of the page is an
    ``EditConflict``); ``submit`` also needs every item answered and ends the rater's part. Idempotent by key.
    """
    _rater_for_update(user, rater)
    claim_version(rater, version)
    profile = rater.subject.round.profile
    items = dict(ProfileItem.objects.filter(profile=profile).values_list("pk", "competency_id"))
    questions = set(ProfileQuestion.objects.filter(profile=profile).values_list("pk", flat=True))
    scales = competencies.get_scales_for(set(items.values()))
    cleaned = {}
    for raw_item, raw_level in (answers or {}).items():
        try:
            item_id = int(raw_item)
            level = None if raw_level in (None, "", "na") else int(raw_level)
        except (TypeError, ValueError):
            raise ProfilingError(_("Answers are levels of the scale.")) from None
        if item_id not in items:
            raise ProfilingError(_("Unknown item %(id)s.") % {"id": raw_item})
        if level is not None and level not in {lv.value for lv in scales[items[item_id]].levels}:
            raise ProfilingError(_("%(level)s is not a level of the scale.") % {"level": level})
        cleaned[item_id] = level
    texts = {}
    for raw_question, text in (comments or {}).items():
        try:
            question_id = int(raw_question)
        except (TypeError, ValueError):
            raise ProfilingError(_("Unknown question.")) from None
        if question_id not in questions:
            raise ProfilingError(_("Unknown question."))
        if len(text or "") > 5000:
            raise ProfilingError(_("An answer is at most 5000 characters."))
        texts[question_id] = (text or "").strip()
    Answer.objects.filter(rater=rater, item_id__in=list(cleaned)).delete()
    Answer.objects.bulk_create(Answer(rater=rater, item_id=k, level=v) for k, v in cleaned.items())
    Comment.objects.filter(rater=rater, question_id__in=list(texts)).delete()
    Comment.objects.bulk_create(Comment(rater=rater, question_id=k, text=v) for k, v in texts.items() if v)
    if submit:
        answered = set(Answer.objects.filter(rater=rater).values_list("item_id", flat=True))
        if answered != set(items):
            raise ProfilingError(_("Answer every statement (or say you are not able to) before you submit."))
        rater.status = Rater.SUBMITTED
        rater.submitted_at = timezone.now()
    else:
        rater.status = Rater.DRAFT
    rater.save(update_fields=["status", "submitted_at"])
    return rater


@atomic_retry
def decline(user, rater, reason):
    """The rater declines, with a reason (seen by the subject's manager and HR, never with the answers)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ProfilingError(_("Say in a few words (at most 500 characters) why you decline."))
    _rater_for_update(user, rater)
    if rater.group == SELF:
        raise ProfilingError(_("You cannot decline your own self-assessment."))
    Answer.objects.filter(rater=rater).delete()
    Comment.objects.filter(rater=rater).delete()
    rater.status = Rater.DECLINED
    rater.decline_reason = reason
    rater.save(update_fields=["status", "decline_reason"])
    return rater


# ---------------------------------------------------------------------------------------------------------------
# Closing and releasing
# ---------------------------------------------------------------------------------------------------------------


def can_manage_round(user, rnd):
    """HR admins and whoever started the round manage it (progress, reminders, closing)."""
    return can(user, "perf_mgmt.manage_profiles") or (rnd.created_by_id is not None and rnd.created_by_id == user.pk)


@atomic_retry
def close_round(actor, rnd):
    """
    Close the round: answers are final and reports can be read by those who debrief and released. When the round
    counts, its results become assessments (``feed.record_results``). Returns the round.
    """
    if not can_manage_round(actor, rnd):
        raise AccessDenied("perf_mgmt.close_round")
    lock(rnd)
    if rnd.status == Round.CLOSED:
        raise ProfilingConflict(_("This round is already closed."))
    rnd.status = Round.CLOSED
    rnd.closed_at = timezone.now()
    rnd.save(update_fields=["status", "closed_at"])
    if rnd.counts_as_assessment:
        from .feed import record_results  # pylint: disable=import-outside-toplevel

        record_results(rnd)
    return rnd


def may_release(user, subject):
    """Whether ``user`` may release the subject's report (the round's rule: HR, the coach, or the manager)."""
    rule = subject.round.release_by
    if rule == Round.RELEASE_COACH:
        return subject.coach_id is not None and subject.coach_id == user.pk
    if rule == Round.RELEASE_HR:
        return can(user, "perf_mgmt.manage_profiles") and can(user, "perf_mgmt.include_in_round", subject.person)
    return subject.person.manager_id is not None and subject.person.manager.user_id == user.pk


@atomic_retry
def release_report(actor, subject):
    """Release the report to its subject (after the debrief), once the round is closed."""
    lock(subject)
    if not may_release(actor, subject):
        raise AccessDenied("perf_mgmt.release_profile_report")
    if subject.round.status != Round.CLOSED:
        raise ProfilingConflict(_("A report is released only once its round is closed."))
    if subject.released_at is None:
        subject.released_at = timezone.now()
        subject.released_by = actor
        subject.save(update_fields=["released_at", "released_by"])
        transaction.on_commit(lambda: notify.send("profiling_released", subject.person.user, {"round": subject.round}))
    return subject


def coach_candidate(user_id):
    """The active user ``user_id`` who may be named a coach, or ``None``."""
    try:
        return get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    except (TypeError, ValueError):
        return None


@transaction.atomic
def set_coach(actor, subject, coach_user):
    """HR names the coach who debriefs and releases a subject's report (rounds released by a coach)."""
    require(actor, "perf_mgmt.manage_profiles")
    require(actor, "perf_mgmt.include_in_round", subject.person)
    subject.coach = coach_user
    subject.save(update_fields=["coach"])
    return subject


def can_read_report(user, subject):
    """
    Who reads a report: nobody before the round closes; then those who debrief (managers and HR in scope, the
    named coach, whoever may release it), and the subject once it is released.
    """
    if subject.round.status != Round.CLOSED:
        return False
    if subject.person.user_id == user.pk:
        return subject.released_at is not None
    return (
        can(user, "perf_mgmt.debrief_profile", subject.person)
        or (subject.coach_id is not None and subject.coach_id == user.pk)
        or may_release(user, subject)
    )


def answers_overdue(rnd, today=None):
    """Whether the round is open past its ``answer_by`` (answers are then refused until HR extends it)."""
    today = today or timezone.localdate()
    return rnd.status == Round.OPEN and rnd.answer_by is not None and today > rnd.answer_by


def nominations_overdue(rnd, today=None):
    """Whether the round is open past its ``nominate_by`` (only HR nominates then, or extends the date)."""
    today = today or timezone.localdate()
    return rnd.status == Round.OPEN and rnd.nominate_by is not None and today > rnd.nominate_by


@atomic_retry
def extend_round(actor, rnd, *, answer_by=None, nominate_by=None):
    """
    HR moves a round's deadlines (``answer_by`` and/or ``nominate_by``), e.g. to let late raters answer. A new
    date is today or later; an answer deadline is not before the nomination deadline. Returns the round.
    """
    require(actor, "perf_mgmt.manage_profiles")
    lock(rnd)
    if rnd.status != Round.OPEN:
        raise ProfilingConflict(_("This round is closed."))
    answer_by = None if answer_by == rnd.answer_by else answer_by  # unchanged dates are not moved (nor checked)
    nominate_by = None if nominate_by == rnd.nominate_by else nominate_by
    if answer_by is None and nominate_by is None:
        raise ProfilingError(_("Give a new date."))
    today = timezone.localdate()
    for value in (answer_by, nominate_by):
        if value is not None and value < today:
            raise ProfilingError(_("A new deadline is today or later."))
    fields = []
    if answer_by is not None:
        rnd.answer_by = answer_by
        fields.append("answer_by")
    if nominate_by is not None:
        rnd.nominate_by = nominate_by
        fields.append("nominate_by")
    if rnd.answer_by and rnd.nominate_by and rnd.answer_by < rnd.nominate_by:
        raise ProfilingError(_("Answers cannot be due before nominations."))
    claim_version(rnd)
    rnd.save(update_fields=fields)
    return rnd


def progress(rnd):
    """
    ``{group: {status: count}}`` over the round's raters (counts only: who answered is never shown), the subjects
    by status, and what is overdue: ``overdue_raters`` (invited raters who have not answered, once ``answer_by``
    has passed) and ``overdue_nominations`` (subjects still nominating after ``nominate_by``). Two queries
    whatever the round's size.
    """
    from django.db.models import Count  # pylint: disable=import-outside-toplevel

    by_group = {}
    for group, status, count in (
        Rater.objects.filter(subject__round=rnd).values_list("group", "status").annotate(n=Count("pk")).order_by()
    ):
        by_group.setdefault(group, {})[status] = count
    subjects = dict(Subject.objects.filter(round=rnd).values_list("status").annotate(n=Count("pk")).order_by())
    pending = sum(counts.get(s, 0) for counts in by_group.values() for s in (Rater.INVITED, Rater.DRAFT))
    return {
        "groups": by_group,
        "subjects": subjects,
        "answers_overdue": answers_overdue(rnd),
        "nominations_overdue": nominations_overdue(rnd),
        "overdue_raters": pending if answers_overdue(rnd) else 0,
        "overdue_nominations": subjects.get(Subject.NOMINATING, 0) if nominations_overdue(rnd) else 0,
    }


# ---------------------------------------------------------------------------------------------------------------
# Into the development plan
# ---------------------------------------------------------------------------------------------------------------


def add_course_to_plan(actor, subject, competency_id, course_key):
    """
    One click from a blind spot's suggested course into the person's open development plan (made when they have
    none): proposed when the person adds it, approved when their manager does. Only a course linked to a
    competency of the report is accepted.
    """
    from .deps import Competency, DevelopmentError, Plan, development_services  # pylint: disable=import-outside-toplevel

    person = subject.person
    if not (person.user_id == actor.pk or can(actor, "perf_mgmt.approve_raters", person)):
        raise AccessDenied("perf_mgmt.add_to_plan")
    try:
        competency_id = int(competency_id)
    except (TypeError, ValueError):
        raise ProfilingError(_("Choose a competency of the report.")) from None
    if not ProfileItem.objects.filter(profile_id=subject.round.profile_id, competency_id=competency_id).exists():
        raise ProfilingError(_("Choose a competency of the report."))
    results = competencies.get_self_result(person.user, [competency_id])
    suggested = {s.course_key: s for r in results for s in r.suggested_courses}
    if str(course_key) not in suggested:
        raise ProfilingError(_("This course is not linked to that competency."))
    try:
        plan = Plan.objects.filter(owner=person, status__in=Plan.OPEN_STATUSES).order_by("-period_start", "-pk").first()
        if plan is None:
            plan = development_services.create_plan(actor, person)
        return development_services.add_item(
            actor,
            plan,
            kind="course",
            title=suggested[str(course_key)].display_name[:255],
            course_key=str(course_key),
            competency=Competency.objects.get(pk=competency_id),
        )
    except DevelopmentError as exc:
        raise ProfilingError(str(exc)) from exc
