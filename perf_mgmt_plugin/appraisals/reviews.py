"""
The review conversation: self review, manager review (with coaching), the face-to-face meeting, sign-off by both,
and reopening -- every step audited in ``ReviewEvent``.

The stages only move forward, one step at a time, except through :func:`reopen` (audited, with its reason, and
counted). Why the checks are here and not in the pages: the pages, the REST API and the commands all call these
functions, so the same rules hold everywhere.

* Self review (``self_review``): the person rates and comments; submitting moves the review to ``manager_review``
  and turns their competency ratings into ``self`` assessments (so their gaps move). The manager may draft at the
  same time but only sees the self review once it is submitted.
* Manager review: the manager's ratings, comments and summary are a private draft until shared (the person never
  sees them before ``manager_shared_at``). When a coach is assigned to the manager in the cycle, sharing waits for
  the coach's feedback. After the self-review deadline the manager may share without a self review (``self_missed``,
  audited). Sharing turns the manager's competency ratings into ``manager`` assessments.
* Meeting: the manager schedules it (in person, or by video with cameras on); once it began, both confirm they
  attended, which opens the sign-off.
* Sign-off: both sign; the person may comment and record disagreement (with its text); the manager signs once at
  least one follow-up action is agreed. Both signed: completed.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..competencies import api as competencies_api
from ..competencies.api import Assessment, ScaleLevel
from ..core.access import can, require
from ..core.idempotency import idempotent
from ..core.sanitize import sanitize_html
from ..core.versioning import claim_version
from ..org.api import Employee, access_context, visible_employees_q
from . import evidence as evidence_module
from . import scoring
from .errors import AppraisalError
from .models import (
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    Review,
    ReviewEvent,
    ReviewItem,
    TemplateQuestion,
)

VIEW = "perf_mgmt.view_review"
WRITE_SELF = "perf_mgmt.write_self_review"
WRITE_MANAGER = "perf_mgmt.write_manager_review"
COACH = "perf_mgmt.coach_review"
REOPEN = "perf_mgmt.reopen_review"

#: What a reopening to a stage undoes (the ratings and texts stay, as drafts, so nothing written is lost).
_RESET_FROM = {
    Review.SELF_REVIEW: {"self_submitted_at": None, "self_missed": False, "self_score": None},
    Review.MANAGER_REVIEW: {"manager_shared_at": None, "manager_score": None, "coaching_requested_at": None},
    Review.MEETING: {"meeting_at": None, "meeting_mode": "", "employee_attended_at": None, "manager_attended_at": None},
    Review.SIGN_OFF: {"employee_signed_at": None, "manager_signed_at": None, "completed_at": None},
}


# ----------------------------------------------------------------------------------------------------------------
# Lists and one review
# ----------------------------------------------------------------------------------------------------------------


def coached_q(user, prefix=""):
    """
    A ``Q`` on Review matching the reviews ``user`` coaches: their manager has the user as coach in the review's
    cycle. ``prefix`` applies it to a model pointing at a review.
    """
    context = access_context(user)
    if context.employee_id is None:
        return Q(pk__in=[])
    assigned = CoachAssignment.objects.filter(
        cycle_id=OuterRef(f"{prefix}cycle_id"),
        reviewer_id=OuterRef(f"{prefix}manager_id"),
        coach_id=context.employee_id,
    )
    return Q(Exists(assigned))


def reviews_visible_to(user):
    """
    The reviews ``user`` may open (``perf_mgmt.view_review``), as one queryset: their own, those of people they
    manage at any depth or hold a grant for, HR admins' scope, the ones they write as manager and the ones they
    coach. A peer's review is never in it.
    """
    context = access_context(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Review.objects.none()
    condition = Q(employee__in=Employee.objects.filter(visible_employees_q(user)).values("pk")) | coached_q(user)
    if context.employee_id is not None:
        condition |= Q(manager_id=context.employee_id)
    return Review.objects.filter(condition)


@dataclass
class ItemRow:
    """One item as the user may see it, with the points of its scale (their text shown at the moment of rating)."""

    item: ReviewItem
    levels: list = field(default_factory=list)
    self_level: ScaleLevel | None = None
    manager_level: ScaleLevel | None = None
    evidence: str = ""


@dataclass
class ReviewDetail:
    """
    Everything of a review that the user may see. ``manager_visible`` off: the manager's ratings, comments, summary
    and score are blanked in ``review`` and ``items`` (never sent to the page or the API); ``self_visible`` off: the
    same for the person's unsubmitted draft. ``coaching`` is None for whoever may not read it (the person).
    """

    review: Review
    items: list
    manager_visible: bool
    self_visible: bool
    score_shown: bool
    self_score: float | None
    manager_score: float | None
    formula: str
    coach: Employee | None
    coaching: list | None
    actions: list
    earlier_actions: list
    evidence: object | None
    notes: list
    events: list


def _levels_by_scale(scale_ids):
    levels = {}
    for level in ScaleLevel.objects.filter(scale_id__in={pk for pk in scale_ids if pk}).order_by("scale_id", "value"):
        levels.setdefault(level.scale_id, []).append(level)
    return levels


def _hide(review, items, side):
    """Blank one side of a review in memory (the objects are this request's own, never saved)."""
    setattr(review, f"{side}_summary", "")
    setattr(review, f"{side}_score", None)
    for item in items:
        setattr(item, f"{side}_rating", None)
        setattr(item, f"{side}_comment", "")


def coach_of(review):
    """The coach assigned to the review's manager in its cycle, or None (one query)."""
    if review.manager_id is None:
        return None
    assignment = (
        CoachAssignment.objects.filter(cycle_id=review.cycle_id, reviewer_id=review.manager_id)
        .select_related("coach__user")
        .first()
    )
    return assignment.coach if assignment else None


def review_detail(user, review):
    """
    The :class:`ReviewDetail` of ``review`` for ``user`` (``perf_mgmt.view_review``), in a constant number of queries.

    The person never sees the manager's part before it is shared, nor coaching; nobody but the person sees their
    self review before it is submitted; notes are the ones the user may read (private ones only their author).
    """
    from . import notes as notes_module  # pylint: disable=import-outside-toplevel

    require(user, VIEW, review)
    review = Review.objects.select_related("cycle", "employee__user", "manager__user").get(pk=review.pk)
    is_person = can(user, WRITE_SELF, review)
    manager_visible = not is_person or review.manager_shared_at is not None
    self_visible = is_person or review.self_submitted_at is not None
    items = list(review.items.select_related("section", "objective", "competency").order_by("order", "pk"))
    if not manager_visible:
        _hide(review, items, "manager")
    if not self_visible:
        _hide(review, items, "self")
    if is_person:
        # Coaching is between the manager and their coach: not even when it was asked.
        review.coaching_requested_at = None
    levels = _levels_by_scale(item.scale_id for item in items)
    period_evidence = evidence_module.evidence_for(review)
    item_evidence = evidence_module.item_evidence(review, items, period_evidence)
    rows = []
    for item in items:
        points = levels.get(item.scale_id, [])
        by_value = {level.value: level for level in points}
        rows.append(
            ItemRow(
                item=item,
                levels=points,
                self_level=by_value.get(item.self_rating),
                manager_level=by_value.get(item.manager_rating),
                evidence=item_evidence.get(item.pk, ""),
            )
        )
    maxima = {scale_id: points[-1].value for scale_id, points in levels.items() if points}
    score_shown = review.cycle.scored
    self_score = scoring.score(review.cycle, items, "self", maxima=maxima).overall if self_visible else None
    manager_score = scoring.score(review.cycle, items, "manager", maxima=maxima).overall if manager_visible else None
    coach = None if is_person else coach_of(review)
    coaching = None
    if not is_person:
        coaching = list(review.coaching.select_related("coach__user"))
    actions = list(review.actions.select_related("owner", "plan_item"))
    earlier = list(
        FollowUpAction.objects.filter(employee_id=review.employee_id, status=FollowUpAction.OPEN)
        .exclude(review_id=review.pk)
        .select_related("review__cycle", "owner")
    )
    notes = []
    if can(user, notes_module.NOTE, review.employee):
        notes = list(notes_module.notes_for(user, review.employee, start=review.cycle.start, end=review.cycle.end))
    events = review.events.select_related("actor")
    if is_person:
        events = events.exclude(action__in=ReviewEvent.PRIVATE_ACTIONS)
    events = list(events)
    return ReviewDetail(
        review=review,
        items=rows,
        manager_visible=manager_visible,
        self_visible=self_visible,
        score_shown=score_shown,
        self_score=self_score,
        manager_score=manager_score,
        formula=str(scoring.FORMULA),
        coach=coach,
        coaching=coaching,
        actions=actions,
        earlier_actions=earlier,
        evidence=period_evidence,
        notes=notes,
        events=events,
    )


# ----------------------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------------------


def _audit(review, action, actor, *, from_stage="", to_stage="", note=""):
    return ReviewEvent.objects.create(
        review=review, action=action, actor=actor, from_stage=from_stage, to_stage=to_stage, note=note
    )


def _locked(review):
    """The review again, locked for the change (two people may act at the same moment), with its cycle."""
    locked = Review.objects.select_for_update().select_related("cycle", "employee__user", "manager__user")
    return locked.get(pk=review.pk)


def _check_active(review):
    if review.cycle.status != Cycle.ACTIVE:
        raise AppraisalError(_("The cycle of this review is not active."))


def _check_stage(review, *stages):
    if review.stage not in stages:
        raise AppraisalError(
            _("This step is not possible while the review is at '%(stage)s'.") % {"stage": review.get_stage_display()}
        )


def _begin(user, permission, review, *stages):
    """Check the user's right, then lock the review and check its cycle is active and its stage is one of these."""
    require(user, permission, review)
    review = _locked(review)
    _check_active(review)
    _check_stage(review, *stages)
    return review


def _move(review, to_stage, actor, action, note=""):
    from_stage = review.stage
    review.stage = to_stage
    _audit(review, action, actor, from_stage=from_stage, to_stage=to_stage, note=note)


def _apply_items(review, items, side):
    """
    Write one side's ratings and comments: ``{item_id: {"rating": int|None, "comment": str}}``. Ratings must be
    points of the item's scale; unknown items are refused. Returns the review's items (all of them, updated).
    """
    all_items = list(review.items.select_related("section").order_by("order", "pk"))
    if not items:
        return all_items
    by_pk = {item.pk: item for item in all_items}
    try:
        wanted = {int(pk): values for pk, values in items.items()}
    except (TypeError, ValueError) as exc:
        raise AppraisalError(_("Unknown review item.")) from exc
    unknown = set(wanted) - set(by_pk)
    if unknown:
        raise AppraisalError(_("Unknown review item."))
    allowed = {}
    for scale_id, value in ScaleLevel.objects.filter(
        scale_id__in={by_pk[pk].scale_id for pk in wanted if by_pk[pk].scale_id}
    ).values_list("scale_id", "value"):
        allowed.setdefault(scale_id, set()).add(value)
    changed = []
    for pk, values in wanted.items():
        item, values = by_pk[pk], values or {}
        if "rating" in values:
            rating = values["rating"]
            if rating in ("", None):
                rating = None
            else:
                try:
                    rating = int(rating)
                except (TypeError, ValueError) as exc:
                    raise AppraisalError(_("A rating must be a point of the item's scale.")) from exc
                if not item.scale_id or rating not in allowed.get(item.scale_id, ()):
                    raise AppraisalError(
                        _("%(rating)s is not a point of the scale of '%(item)s'.") % {"rating": rating, "item": item}
                    )
            setattr(item, f"{side}_rating", rating)
        if "comment" in values:
            setattr(item, f"{side}_comment", sanitize_html(values["comment"] or ""))
        changed.append(item)
    ReviewItem.objects.bulk_update(changed, [f"{side}_rating", f"{side}_comment"])
    return all_items


def _check_complete(items, side):
    """Every rated item has a rating and every required question an answer before a side is submitted."""
    required = set(
        TemplateQuestion.objects.filter(
            pk__in=[item.question_id for item in items if item.question_id], required=True
        ).values_list("pk", flat=True)
    )
    for item in items:
        if item.scale_id and getattr(item, f"{side}_rating") is None:
            raise AppraisalError(_("Rate every item before you submit ('%(item)s' is not rated).") % {"item": item})
        if item.question_id in required and not getattr(item, f"{side}_comment").strip():
            raise AppraisalError(_("Answer the required question '%(item)s'.") % {"item": item})


def _record_competencies(user, review, items, side):
    """
    The side's competency ratings become competency assessments (``self`` or ``manager``, context ``appraisal``
    and the review's id), so the person's gaps move. The competencies domain checks the rater and the level.
    """
    source = Assessment.SELF if side == "self" else Assessment.MANAGER
    for item in items:
        rating = getattr(item, f"{side}_rating")
        if item.competency_id is None or rating is None:
            continue
        competencies_api.record_assessment(
            user,
            review.employee,
            item.competency,
            rating,
            source,
            context_type="appraisal",
            context_id=str(review.pk),
        )


def _hand_over(user, review, items, side, *, to_stage, action):
    """
    A side is handed to the other person (self review submitted, manager review shared): stamped, scored, its
    competency ratings recorded as assessments, and the review moved on (audited).
    """
    stamp = "self_submitted_at" if side == "self" else "manager_shared_at"
    setattr(review, stamp, timezone.now())
    setattr(review, f"{side}_score", scoring.overall_score(review, side, items=items))
    _record_competencies(user, review, [item for item in items if item.competency_id], side)
    _move(review, to_stage, user, action)


def _save_or_submit(side):
    """The idempotency scope of a side's save: a save and a submit are different requests."""
    return lambda kwargs: f"review-{side}-{'submit' if kwargs.get('submit') else 'save'}"


@transaction.atomic
@idempotent(_save_or_submit("self"), Review)
def save_self_review(user, review, *, summary=None, items=None, submit=False, version=None):
    """
    The person saves their self review; ``submit`` hands it to the manager (all rated, required answered).
    ``version``: the ``self_version`` the person read -- a newer one is an ``EditConflict`` and nothing is saved.
    Once per ``idempotency_key`` (a double click answers with the first request's review).
    """
    review = _begin(user, WRITE_SELF, review, Review.SELF_REVIEW)
    claim_version(review, version, "self_version")
    all_items = _apply_items(review, items, "self")
    if summary is not None:
        review.self_summary = sanitize_html(summary)
    if submit:
        _check_complete(all_items, "self")
        _hand_over(user, review, all_items, "self", to_stage=Review.MANAGER_REVIEW, action="self_submitted")
    review.save()
    return review


@transaction.atomic
@idempotent(_save_or_submit("manager"), Review)
def save_manager_review(user, review, *, summary=None, items=None, submit=False, version=None):
    """
    The manager saves their private draft (while the self review is under way too). ``submit`` checks it is
    complete and records that it is ready (audited); sharing is :func:`share_review`. ``version``: the
    ``manager_version`` the manager read -- a newer one is an ``EditConflict`` and nothing is saved. Once per
    ``idempotency_key``.
    """
    review = _begin(user, WRITE_MANAGER, review, Review.SELF_REVIEW, Review.MANAGER_REVIEW)
    claim_version(review, version, "manager_version")
    all_items = _apply_items(review, items, "manager")
    if summary is not None:
        review.manager_summary = sanitize_html(summary)
    review.manager_score = scoring.overall_score(review, "manager", items=all_items)
    if submit:
        _check_complete(all_items, "manager")
        _audit(review, "manager_ready", user, from_stage=review.stage, to_stage=review.stage)
    review.save()
    return review


@transaction.atomic
def request_coaching(user, review):
    """The manager asks the coach assigned to them in the cycle to read the draft (audited)."""
    review = _begin(user, WRITE_MANAGER, review, Review.SELF_REVIEW, Review.MANAGER_REVIEW)
    if coach_of(review) is None:
        raise AppraisalError(_("No coach is assigned to your reviews in this cycle."))
    review.coaching_requested_at = timezone.now()
    review.save(update_fields=["coaching_requested_at"])
    _audit(review, "coaching_requested", user, from_stage=review.stage, to_stage=review.stage)
    return review


@transaction.atomic
@idempotent("review-share", Review)
def share_review(user, review, today=None):
    """
    The manager shares the review with the person: every rated item rated; the coach's feedback first when a coach
    is assigned. Without a submitted self review only after the self-review deadline (``self_missed``, audited).
    """
    review = _begin(user, WRITE_MANAGER, review, Review.SELF_REVIEW, Review.MANAGER_REVIEW)
    today = today or timezone.localdate()
    if review.stage == Review.SELF_REVIEW:
        if today <= review.cycle.self_review_due:
            raise AppraisalError(
                _("The person has until %(date)s to write their self review.")
                % {"date": review.cycle.self_review_due.isoformat()}
            )
        review.self_missed = True
        _move(review, Review.MANAGER_REVIEW, user, "self_missed", note=review.cycle.self_review_due.isoformat())
    items = list(review.items.select_related("section").order_by("order", "pk"))
    _check_complete(items, "manager")
    if coach_of(review) is not None and not CoachingFeedback.objects.filter(review_id=review.pk).exists():
        raise AppraisalError(_("Your coach has not given feedback on this review yet."))
    _hand_over(user, review, items, "manager", to_stage=Review.MEETING, action="shared")
    review.save()
    return review


@transaction.atomic
def schedule_meeting(user, review, *, at, mode):
    """The manager sets (or moves) the face-to-face meeting: in person or by video with cameras on."""
    review = _begin(user, WRITE_MANAGER, review, Review.MEETING)
    if mode not in dict(Review.MEETING_MODE_CHOICES):
        raise AppraisalError(_("Meet in person or by video with cameras on."))
    if at is None:
        raise AppraisalError(_("Give the meeting's date and time."))
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    review.meeting_at, review.meeting_mode = at, mode
    review.employee_attended_at = review.manager_attended_at = None
    review.save(update_fields=["meeting_at", "meeting_mode", "employee_attended_at", "manager_attended_at"])
    _audit(review, "meeting_scheduled", user, from_stage=review.stage, to_stage=review.stage, note=at.isoformat())
    return review


@transaction.atomic
def confirm_attendance(user, review):
    """The person or the manager confirms they attended the meeting (once it began); both: on to sign-off."""
    is_person = can(user, WRITE_SELF, review)
    review = _begin(user, WRITE_SELF if is_person else WRITE_MANAGER, review, Review.MEETING)
    if review.meeting_at is None:
        raise AppraisalError(_("The meeting is not scheduled yet."))
    now = timezone.now()
    if review.meeting_at > now:
        raise AppraisalError(_("The meeting has not taken place yet."))
    attended = "employee_attended_at" if is_person else "manager_attended_at"
    if getattr(review, attended) is not None:
        raise AppraisalError(_("You already confirmed your attendance."))
    setattr(review, attended, now)
    _audit(review, "attended", user, from_stage=review.stage, to_stage=review.stage)
    if review.employee_attended_at and review.manager_attended_at:
        _move(review, Review.SIGN_OFF, user, "meeting_held")
    review.save()
    return review


@transaction.atomic
@idempotent("review-sign-off", Review)
def sign_off(user, review, *, comment="", disagrees=False, disagreement=""):
    """
    The person or the manager signs. The person may comment and record disagreement (which needs its text); the
    manager signs only once at least one follow-up action is agreed (every review ends with what follows). The
    review is completed when both signed.
    """
    is_person = can(user, WRITE_SELF, review)
    review = _begin(user, WRITE_SELF if is_person else WRITE_MANAGER, review, Review.SIGN_OFF)
    signed = "employee_signed_at" if is_person else "manager_signed_at"
    if getattr(review, signed) is not None:
        raise AppraisalError(_("You already signed this review."))
    note = ""
    if is_person:
        disagreement = sanitize_html(disagreement or "")
        if disagrees and not disagreement.strip():
            raise AppraisalError(_("Say what you disagree with."))
        review.employee_comment = sanitize_html(comment or "")
        review.disagrees = bool(disagrees)
        review.disagreement = disagreement if disagrees else ""
        note = "disagrees" if disagrees else ""
    elif comment or disagrees or disagreement:
        raise AppraisalError(_("Only the reviewed person comments or records disagreement at sign-off."))
    elif not review.actions.exclude(status=FollowUpAction.CANCELLED).exists():
        raise AppraisalError(_("Agree at least one follow-up action with the person before you sign."))
    setattr(review, signed, timezone.now())
    _audit(review, "signed", user, from_stage=review.stage, to_stage=review.stage, note=note)
    if review.employee_signed_at and review.manager_signed_at:
        review.completed_at = timezone.now()
        _move(review, Review.COMPLETED, user, "completed")
    review.save()
    return review


def _earlier_stages(review):
    """The stages a review can be reopened at: those before its current one (a completed review: all four)."""
    return Review.STAGE_ORDER[: Review.STAGE_ORDER.index(review.stage)]


def reopen_stages(user, review):
    """
    The stages ``user`` may reopen ``review`` at, as ``(value, label)`` choices: none unless they may reopen it
    (``perf_mgmt.reopen_review``) and its cycle is active. For the reopen form; :func:`reopen` checks again.
    """
    if review.cycle.status != Cycle.ACTIVE or not can(user, REOPEN, review):
        return []
    labels = dict(Review.STAGE_CHOICES)
    return [(stage, labels[stage]) for stage in _earlier_stages(review)]


@transaction.atomic
def reopen(user, review, *, to_stage, reason):
    """
    HR in scope or a manager above the reviewing manager reopens a review at an earlier stage, with a reason. What
    came after that stage is undone (submissions, sharing, meeting, signatures), the texts and ratings stay as
    drafts; the event keeps the reason and ``reopen_count`` counts the reopenings.
    """
    require(user, REOPEN, review)
    review = _locked(review)
    _check_active(review)
    reason = (reason or "").strip()
    if not reason:
        raise AppraisalError(_("Give the reason for reopening the review."))
    if to_stage not in _earlier_stages(review):
        raise AppraisalError(_("A review can only be reopened at an earlier stage."))
    order = Review.STAGE_ORDER
    for stage in order[order.index(to_stage) : -1]:
        for name, value in _RESET_FROM[stage].items():
            setattr(review, name, value)
    review.reopen_count += 1
    _move(review, to_stage, user, "reopened", note=reason)
    review.save()
    return review


class ReviewActions:
    """
    What ``user`` may do on ``review`` now, the one answer pages and REST give (:func:`available_actions`).

    The permissions (``write_self_review``, ``write_manager_review``, ``coach_review``, ``reopen_review``,
    ``manage_follow_up``, ``add_interim_note``) come from the rules; the ``can_*`` answers add the review's stage
    and dates to them: a button shown for one of them is one the domain function will accept. Each answer is worked
    out when first read (a page and the API each ask only what they show, so their query counts stay as they are).
    The domain functions check again when the action is taken.
    """

    def __init__(self, user, review):
        self.user = user
        self.review = review

    def _can(self, permission, obj=None):
        return can(self.user, permission, self.review if obj is None else obj)

    @cached_property
    def write_self_review(self):
        """The reviewed person (``perf_mgmt.write_self_review``)."""
        return self._can(WRITE_SELF)

    @cached_property
    def write_manager_review(self):
        """The reviewing manager or a manager above the person (``perf_mgmt.write_manager_review``)."""
        return self._can(WRITE_MANAGER)

    @cached_property
    def coach_review(self):
        return self._can(COACH)

    @cached_property
    def reopen_review(self):
        return self._can(REOPEN)

    @cached_property
    def manage_follow_up(self):
        return self._can("perf_mgmt.manage_follow_up")

    @cached_property
    def add_interim_note(self):
        return self._can("perf_mgmt.add_interim_note", self.review.employee)

    @cached_property
    def can_write_self(self):
        return self.write_self_review and self.review.stage == Review.SELF_REVIEW

    @cached_property
    def can_write_manager(self):
        return self.write_manager_review and self.review.stage in (Review.SELF_REVIEW, Review.MANAGER_REVIEW)

    @cached_property
    def can_schedule(self):
        return self.write_manager_review and self.review.stage == Review.MEETING

    @cached_property
    def signed(self):
        """Whether the user signed already (as the person, else as the manager)."""
        review = self.review
        return review.employee_signed_at if self.write_self_review else review.manager_signed_at

    @cached_property
    def attended(self):
        """Whether the user confirmed the meeting already (as the person, else as the manager)."""
        review = self.review
        return review.employee_attended_at if self.write_self_review else review.manager_attended_at

    @cached_property
    def can_confirm(self):
        """Attendance is confirmed once the meeting began (:func:`confirm_attendance` refuses it earlier)."""
        review = self.review
        return bool(
            (self.write_self_review or self.write_manager_review)
            and review.stage == Review.MEETING
            and review.meeting_at is not None
            and review.meeting_at <= timezone.now()
            and not self.attended
        )

    @cached_property
    def can_sign(self):
        return bool(
            (self.write_self_review or self.write_manager_review)
            and self.review.stage == Review.SIGN_OFF
            and not self.signed
        )

    @cached_property
    def reopen_stages(self):
        """The stages the user may reopen the review at (:func:`reopen_stages`)."""
        return reopen_stages(self.user, self.review)


def available_actions(user, review):
    """What ``user`` may do on ``review`` now (:class:`ReviewActions`): the one rule pages and REST show buttons by."""
    return ReviewActions(user, review)
