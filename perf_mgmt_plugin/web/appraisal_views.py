"""
Appraisal pages: "My reviews" (the person's current review: self review with each scale point's text at the moment
of rating, the shared manager review, the meeting, sign-off with comment or disagreement, follow-up actions, interim
notes, the process survey), "Team reviews" (the manager's list with stages and overdue flags), a review's page for
everyone who may see it (the manager writes, asks for coaching, shares, schedules the meeting, agrees actions; a coach
leaves feedback), "Coaching" (the reviews a coach is assigned), interim notes on a person (also quick from "My
team"), and for HR "Review cycles" (``appraisal_cycle_views``).

Thin adapters over ``appraisals``: what a user may see of a review comes from ``appraisals_api.review_detail`` (the
domain hides the manager's draft, coaching and other people's private notes), every action goes through the domain
function, which checks the permission again. A review or person the user may not see is a 404, so ids reveal
nothing; an action the user may not take on a review they can see is a 403. Constant query counts (pinned in
tests/appraisals/test_pages.py).
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import api
from ..appraisals import api as appraisals_api
from ..appraisals.api import Cycle, FollowUpAction, Review
from ..core.access import can
from ..core.versioning import EditConflict
from ..org.api import Employee, access_context, team_q
from .access import page_requires
from .appraisal_forms import (
    ActionForm,
    MeetingForm,
    NoteEditForm,
    NoteForm,
    SignOffForm,
    SurveyForm,
    default_meeting_time,
    ratings_from_post,
)
from .errors import attempt, form_errors
from .views import _page, _render

REVIEW_RELATED = ("cycle", "employee__user", "employee__org_unit", "manager__user")
#: The hidden field of create and submit forms (``{% idempotency_field %}``): one key per form render.
IDEMPOTENCY_FIELD = "idempotency_key"


@dataclass
class Conflict:
    """
    A save of one side of a review refused because someone else saved that side since the page was rendered: the
    user's input (``summary``, ``ratings``) to put back in the form, and what is saved now (``theirs``).
    """

    side: str
    summary: str
    ratings: dict
    theirs: list = field(default_factory=list)
    their_summary: str = ""

    def keep_input(self, detail):
        """Note the values saved now, then put the user's input back in the (never saved) objects of the form."""
        review = detail.review
        self.their_summary = getattr(review, f"{self.side}_summary")
        for row in detail.items:
            item = row.item
            level = row.self_level if self.side == "self" else row.manager_level
            self.theirs.append((item.title, level, getattr(item, f"{self.side}_comment")))
            mine = self.ratings.get(item.pk)
            if mine is not None:
                rating = mine.get("rating")
                setattr(item, f"{self.side}_rating", rating if isinstance(rating, int) else None)
                setattr(item, f"{self.side}_comment", mine.get("comment", ""))
        setattr(review, f"{self.side}_summary", self.summary)
        return self


def _review(request, pk):
    """The review ``pk`` if the user may see it, else 404 (no existence leak)."""
    review = Review.objects.select_related(*REVIEW_RELATED).filter(pk=pk).first()
    if review is None or not can(request.user, "perf_mgmt.view_review", review):
        raise Http404
    return review


def _person(request, pk):
    """An employee the user may see (``org.view_employee``), else 404."""
    if not str(pk).isdigit():
        raise Http404
    person = Employee.objects.select_related("user", "manager__user").filter(pk=pk, active=True).first()
    if person is None or not can(request.user, "perf_mgmt.view_employee", person):
        raise Http404
    return person


# ---------------------------------------------------------------------------------------------------------------
# One review: the same page for the person, their managers, a coach and HR; what shows depends on the domain.
# ---------------------------------------------------------------------------------------------------------------


def _review_context(request, review, detail):
    """
    What the review template needs beyond the detail: the permissions of the user and the forms. The template gets
    ``detail.review``, in which the domain blanked what the user may not see (the manager's draft for the person).
    """
    review = detail.review
    may = appraisals_api.available_actions(request.user, review)
    is_employee = may.write_self_review
    return {
        "review": review,
        "detail": detail,
        "is_employee": is_employee,
        "may_manage": may.write_manager_review,
        "may_coach": may.coach_review,
        "may_follow_up": may.manage_follow_up,
        "may_note": may.add_interim_note,
        "can_write_self": may.can_write_self,
        "can_write_manager": may.can_write_manager,
        "can_schedule": may.can_schedule,
        "can_confirm": may.can_confirm,
        "can_sign": may.can_sign,
        "meeting_form": MeetingForm(
            initial={"at": review.meeting_at or default_meeting_time(), "mode": review.meeting_mode or Review.IN_PERSON}
        ),
        "sign_form": SignOffForm(employee=is_employee),
        "action_form": ActionForm(review),
        "note_form": NoteForm(),
        "stages": Review.STAGE_CHOICES,
        "stage_index": Review.STAGE_ORDER.index(review.stage),
        "reopen_stages": may.reopen_stages,
    }


def _save_side(request, review, detail, side, submit, success):
    """
    Save one side of the review with the version the form was rendered with. Someone else saved it since (another
    tab, a delegate): nothing is saved and the :class:`Conflict` is returned, for the page to show it with the
    user's input kept.
    """
    post = request.POST
    save = appraisals_api.save_self_review if side == "self" else appraisals_api.save_manager_review
    ratings = ratings_from_post(post, [row.item for row in detail.items], side)
    summary = post.get(f"{side}_summary", "")
    try:
        attempt(
            request,
            save,
            request.user,
            review,
            summary=summary,
            items=ratings,
            submit=submit,
            version=post.get(f"{side}_version"),
            idempotency_key=post.get(IDEMPOTENCY_FIELD, ""),
            success=success,
            reraise=(EditConflict,),
        )
    except EditConflict:
        return Conflict(side=side, summary=summary, ratings=ratings)
    return None


def _review_post(request, review, detail):
    """The actions posted from a review page, each through its domain function; a :class:`Conflict` or None."""
    user, post = request.user, request.POST
    action = post.get("action", "")
    key = post.get(IDEMPOTENCY_FIELD, "")
    if action in ("self_save", "self_submit"):
        submit = action == "self_submit"
        success = _("Your self review is submitted.") if submit else _("Your draft is saved.")
        return _save_side(request, review, detail, "self", submit, success)
    if action in ("manager_save", "manager_submit"):
        return _save_side(request, review, detail, "manager", action == "manager_submit", _("Your review is saved."))
    elif action == "request_coaching":
        attempt(
            request, appraisals_api.request_coaching, user, review, success=_("Your coach is asked to read the draft.")
        )
    elif action == "coaching_feedback":
        attempt(request, appraisals_api.add_feedback, user, review, post.get("body", ""), success=_("Feedback sent."))
    elif action == "share":
        attempt(
            request, appraisals_api.share_review, user, review, idempotency_key=key, success=_("The review is shared.")
        )
    elif action == "schedule":
        form = MeetingForm(post)
        if not form.is_valid():
            messages.error(request, _("Give the meeting's date and time and how it is held."))
        else:
            attempt(
                request,
                appraisals_api.schedule_meeting,
                user,
                review,
                **form.cleaned_data,
                success=_("Meeting scheduled."),
            )
    elif action == "attended":
        attempt(request, appraisals_api.confirm_attendance, user, review, success=_("Your attendance is confirmed."))
    elif action == "sign":
        form = SignOffForm(post, employee=can(user, "perf_mgmt.write_self_review", review))
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        else:
            done = _("You signed the review.")
            attempt(
                request, appraisals_api.sign_off, user, review, **form.cleaned_data, idempotency_key=key, success=done
            )
    elif action == "add_action":
        form = ActionForm(review, post)
        if not form.is_valid():
            messages.error(request, _("Give the action's title, kind and due date."))
        else:
            kwargs = {**form.action_kwargs(), "idempotency_key": key}
            attempt(request, appraisals_api.add_action, user, review, **kwargs, success=_("Action added."))
    elif action in ("action_done", "action_cancel"):
        act = FollowUpAction.objects.filter(review=review, pk=post.get("item") or 0).first()
        if act is None:
            raise Http404
        func = appraisals_api.complete_action if action == "action_done" else appraisals_api.cancel_action
        attempt(request, func, user, act, success=_("Action updated."))
    elif action == "reopen":
        attempt(
            request,
            appraisals_api.reopen,
            user,
            review,
            to_stage=post.get("to_stage", ""),
            reason=post.get("reason", ""),
            success=_("The review is reopened."),
        )
    elif action == "note":
        _add_note(request, review.employee)
    else:
        messages.error(request, _("Nothing to save."))
    return None


def _add_note(request, employee):
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note and choose its tag."))
        return False
    key = request.POST.get(IDEMPOTENCY_FIELD, "")
    return attempt(
        request,
        appraisals_api.add_note,
        request.user,
        employee,
        **form.cleaned_data,
        idempotency_key=key,
        success=_("Note added."),
    )


def _render_review(request, review, template, title, extra=None):
    detail = appraisals_api.review_detail(request.user, review)
    if request.method == "POST":
        conflict = _review_post(request, review, detail)
        if conflict is None:
            return None
        # Someone else saved this side since the page was rendered: show theirs, keep the user's input in the form.
        detail = appraisals_api.review_detail(request.user, review)
        context = {**_review_context(request, detail.review, detail), **(extra or {})}
        context["conflict"] = conflict.keep_input(detail)
        return _render(request, template, context, title, status=409)
    context = {**_review_context(request, review, detail), **(extra or {})}
    return _render(request, template, context, title)


@page_requires()
def review_page(request, pk):
    """A review for whoever may see it: the person, their managers, delegates, the assigned coach, HR in scope."""
    review = _review(request, pk)
    response = _render_review(
        request,
        review,
        "perf_mgmt/appraisal_review.html",
        _("Review of %(name)s: %(cycle)s") % {"name": review.employee.display_name, "cycle": review.cycle.name},
    )
    return response or redirect(reverse("perf_mgmt:appraisal-review", kwargs={"pk": pk}))


# ---------------------------------------------------------------------------------------------------------------
# My reviews (the person)
# ---------------------------------------------------------------------------------------------------------------


@page_requires()
def my_reviews(request):
    """The person's current review (all of it that they may see, with their forms), earlier reviews, notes, survey."""
    employee = api.get_employee(request.user)
    own = []
    if employee is not None:
        own = list(
            Review.objects.filter(employee=employee)
            .exclude(cycle__status=Cycle.DRAFT)
            .select_related(*REVIEW_RELATED)
            .order_by("-cycle__start", "-pk")
        )
    current = next((r for r in own if r.cycle.status == Cycle.ACTIVE), None)
    conflict = None
    if request.method == "POST" and employee is not None:
        if request.POST.get("action") == "note":
            _add_note(request, employee)
        elif current is not None:
            conflict = _review_post(request, current, appraisals_api.review_detail(request.user, current))
        if conflict is None:
            return redirect(reverse("perf_mgmt:my-reviews"))
    context = {
        "employee": employee,
        "current": current,
        "earlier": [r for r in own if r is not current],
        "notes": list(appraisals_api.notes_for(request.user, employee)) if employee else [],
        "note_form": NoteForm(),
        "surveys": list(appraisals_api.pending_surveys(request.user)),
    }
    if current is not None:
        detail = appraisals_api.review_detail(request.user, current)
        context.update(_review_context(request, detail.review, detail))
        if conflict is not None:
            # Someone else saved the self review since (another tab): theirs shown, the user's input kept.
            context["conflict"] = conflict.keep_input(detail)
    status = 200 if conflict is None else 409
    return _render(request, "perf_mgmt/appraisal_my_reviews.html", context, _("My reviews"), status=status)


@page_requires()
def survey_page(request, pk):
    """The process survey of a closed cycle, for someone invited to it (once)."""
    cycle = Cycle.objects.filter(pk=pk).first()
    pending = {c.pk: c for c in appraisals_api.pending_surveys(request.user)} if cycle else {}
    if cycle is None or cycle.pk not in pending:
        raise Http404
    form = SurveyForm(request.POST or None)
    thanks = _("Thank you.")
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(request, appraisals_api.submit_response, request.user, cycle, **form.cleaned_data, success=thanks)
    ):
        return redirect(reverse("perf_mgmt:my-reviews"))
    title = _("How was %(cycle)s?") % {"cycle": cycle.name}
    return _render(request, "perf_mgmt/appraisal_survey.html", {"form": form, "cycle": cycle}, title)


# ---------------------------------------------------------------------------------------------------------------
# Team reviews (managers), coaching (coaches), interim notes
# ---------------------------------------------------------------------------------------------------------------


@page_requires("perf_mgmt.view_team")
def team_reviews(request):
    """The reviews of the manager's team (reports at any depth, or reviews they write): stage, overdue flag."""
    context = access_context(request.user)
    mine = Q(employee__in=Employee.objects.filter(team_q(request.user)))
    if context.employee_id is not None:
        mine |= Q(manager_id=context.employee_id)
    qs = (
        appraisals_api.reviews_visible_to(request.user)
        .filter(mine)
        .exclude(cycle__status=Cycle.DRAFT)
        .select_related(*REVIEW_RELATED)
        .annotate(overdue=Exists(Review.objects.filter(appraisals_api.overdue_q(), pk=OuterRef("pk"))))
        .order_by("-cycle__start", "cycle_id", "employee__path")
    )
    if request.GET.get("filter") == "overdue":
        qs = qs.filter(overdue=True)
    page = _page(request, qs)
    return _render(
        request,
        "perf_mgmt/appraisal_team_reviews.html",
        {
            "page": page,
            "filter": request.GET.get("filter", ""),
            "filters": request.GET,
            "coach_cycles": list(appraisals_api.cycles_to_assign_coaches(request.user)),
        },
        _("Team reviews"),
    )


@page_requires()
def coaching_list(request):
    """The reviews the user is assigned to coach (their feedback form is on each review's page)."""
    rows = list(appraisals_api.coached_reviews(request.user).select_related(*REVIEW_RELATED))
    return _render(request, "perf_mgmt/appraisal_coaching.html", {"reviews": rows}, _("Coaching"))


@page_requires()
def person_notes(request, pk):
    """A person's interim notes the user may see, and the form to add one (quick add from "My team" posts here)."""
    person = _person(request, pk)
    if not can(request.user, "perf_mgmt.add_interim_note", person):
        raise Http404  # the notes' readers are their writers: the person, their managers, delegates
    if request.method == "POST":
        _add_note(request, person)
        return redirect(reverse("perf_mgmt:person-notes", kwargs={"pk": pk}))
    context = {
        "person": person,
        "notes": list(appraisals_api.notes_for(request.user, person)),
        "note_form": NoteForm(),
        "may_note": True,
    }
    return _render(
        request,
        "perf_mgmt/appraisal_notes.html",
        context,
        _("Interim notes on %(name)s") % {"name": person.display_name},
    )


@page_requires()
def note_edit(request, pk):
    """
    The author changes their note. The form carries the version it was read at: if someone (the author in another
    tab) saved the note since, nothing is saved, the input stays in the form and the note as saved now is shown (409).
    """
    note = appraisals_api.note_for(request.user, pk)
    if note is None:
        raise Http404
    if note.author_id != request.user.pk:
        raise PermissionDenied  # the note is readable, so its existence is no secret; only its author changes it
    initial = {"body": note.body, "tag": note.tag, "private": note.private, "version": note.version}
    form = NoteEditForm(request.POST or None, initial=initial)
    saved_now = None
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            appraisals_api.update_note(request.user, note, **form.cleaned_data)
            messages.success(request, _("Note saved."))
            return redirect(reverse("perf_mgmt:person-notes", kwargs={"pk": note.employee_id}))
        if isinstance(outcome.error, EditConflict):
            saved_now = form.saved_now(appraisals_api.note_for(request.user, pk))
    context = {"form": form, "note": note, "saved_now": saved_now}
    title = _("Edit a note on %(name)s") % {"name": note.employee.display_name}
    status = 200 if saved_now is None else 409
    return _render(request, "perf_mgmt/appraisal_note_edit.html", context, title, status=status)


@require_POST
@page_requires("perf_mgmt.view_team")
def quick_note(request):
    """
    The quick note form of "My team" and of the "Team objectives" dashboard: a note on the chosen person, then back
    to the page it came from.
    """
    person = _person(request, request.POST.get("employee") or 0)
    if not can(request.user, "perf_mgmt.add_interim_note", person):
        raise PermissionDenied
    _add_note(request, person)
    if request.POST.get("back") == "strategy":
        return redirect(reverse("perf_mgmt:strategy-dashboard"))
    return redirect(reverse("perf_mgmt:my-team") + ("?direct=1" if request.POST.get("direct") == "1" else ""))
