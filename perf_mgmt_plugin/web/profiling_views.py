"""
360 profiling pages: "My feedback" (what I am asked to rate, my rounds to nominate raters for, nominations to
approve, reports I may read), the answer page (one page, the scale's text beside every point, drafts, submit,
decline), nominating and approving raters, the report (with its radar, data tables and a print view, CSV), and for
HR the profiles and rounds (start, progress by group, remind, close).

Thin adapters over ``profiling.api``; anything the reader may not see is a 404 (ids reveal nothing).
"""

import io

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .. import api
from ..competencies import api as competencies
from ..core import csv_export
from ..core.access import can
from ..core.charts.radar import radar_svg
from ..profiling import api as profiling
from .access import page_requires
from .errors import page_errors
from .views import _render

GROUP_LABELS = dict(profiling.GROUP_CHOICES)


def _act(request, func, *args, success="", **kwargs):
    """
    Run a domain call through the one web helper (``web.errors.page_errors``): a domain error becomes a message and
    ``None``, a refusal the 403 page. Returns the call's result.
    """
    result = None
    with page_errors(request) as outcome:
        result = func(*args, **kwargs)
        if success:
            messages.success(request, success)
    return result if outcome.error is None else None


def _subject(request, pk):
    subject = (
        profiling.Subject.objects.select_related("round__profile", "person__user", "person__manager__user")
        .filter(pk=pk)
        .first()
    )
    if subject is None:
        raise Http404
    return subject


# -- My feedback ---------------------------------------------------------------------------------------------------


@page_requires()
def my_feedback(request):
    """Everything the person does in rounds of feedback, on one page."""
    user = request.user
    employee = api.get_employee(user)
    if request.method == "POST" and request.POST.get("action") == "request":
        profile = profiling.Profile.objects.filter(pk=request.POST.get("profile") or 0).first()
        if profile is not None:
            _act(request, profiling.request_own_round, user, profile, success=_("Your round has started."))
        return redirect(reverse("perf_mgmt:my-feedback"))
    tasks = list(
        profiling.Rater.objects.filter(user=user, subject__round__status=profiling.Round.OPEN)
        .exclude(status=profiling.Rater.NOMINATED)
        .select_related("subject__round", "subject__person__user")
        .order_by("subject__round__answer_by", "pk")
    )
    mine = list(
        profiling.Subject.objects.filter(person__user=user).select_related("round__profile").order_by("-round__created")
    )
    to_approve = []
    readable = []
    if employee is not None:
        to_approve = list(
            profiling.Subject.objects.filter(
                person__manager=employee, status=profiling.Subject.SUBMITTED, round__status=profiling.Round.OPEN
            ).select_related("round", "person__user")
        )
        readable = list(
            profiling.Subject.objects.filter(round__status=profiling.Round.CLOSED)
            .filter(Q(person__manager=employee) | Q(coach=user))
            .select_related("round", "person__user")
            .order_by("-round__closed_at")[:50]
        )
    requestable = list(profiling.Profile.objects.filter(allow_self_request=True, status=profiling.Profile.ACTIVE))
    context = {
        "tasks": tasks,
        "mine": mine,
        "to_approve": to_approve,
        "readable": readable,
        "requestable": requestable if employee is not None else [],
        "group_labels": GROUP_LABELS,
    }
    return _render(request, "perf_mgmt/profiling_my_feedback.html", context, _("My feedback"))


# -- Answering -----------------------------------------------------------------------------------------------------


def _sheet(rater):
    """The items grouped by competency with each competency's scale (the text beside every point)."""
    profile = rater.subject.round.profile
    items = list(profile.items.select_related("competency").order_by("order", "pk"))
    scales = competencies.get_scales_for({item.competency_id for item in items})
    answers = dict(rater.answers.values_list("item_id", "level"))
    comments = dict(rater.comments.values_list("question_id", "text"))
    sections = []
    for item in items:
        if not sections or sections[-1]["competency"].pk != item.competency_id:
            sections.append({"competency": item.competency, "scale": scales[item.competency_id], "items": []})
        sections[-1]["items"].append({"item": item, "answered": item.pk in answers, "level": answers.get(item.pk)})
    questions = [{"question": q, "text": comments.get(q.pk, "")} for q in profile.questions.order_by("order", "pk")]
    return sections, questions


@page_requires()
def answer(request, pk):
    """The rater's one page: every statement with the scale's text beside every point, open questions, decline."""
    rater = profiling.own_rater(request.user, pk)
    if rater is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "decline":
            _act(
                request, profiling.decline, request.user, rater, request.POST.get("reason", ""), success=_("Declined.")
            )
            return redirect(reverse("perf_mgmt:my-feedback"))
        answers = {
            key.split("_", 1)[1]: value
            for key, value in request.POST.items()
            if key.startswith("item_") and value != ""
        }
        comments = {key.split("_", 1)[1]: value for key, value in request.POST.items() if key.startswith("question_")}
        submit = action == "submit"
        done = _act(
            request,
            profiling.save_answers,
            request.user,
            rater,
            answers=answers,
            comments=comments,
            submit=submit,
            version=request.POST.get("version"),
            idempotency_key=request.POST.get("idempotency_key", ""),
            success=_("Thank you: your answers are in.") if submit else _("Draft saved."),
        )
        if done is not None and submit:
            return redirect(reverse("perf_mgmt:my-feedback"))
        return redirect(reverse("perf_mgmt:feedback-answer", kwargs={"pk": rater.pk}))
    sections, questions = _sheet(rater)
    context = {
        "rater": rater,
        "sections": sections,
        "questions": questions,
        "group_label": GROUP_LABELS[rater.group],
        "named": rater.group in ("manager", "self"),
        "editable": rater.status in (profiling.Rater.INVITED, profiling.Rater.DRAFT)
        and rater.subject.round.status == profiling.Round.OPEN
        and not profiling.answers_overdue(rater.subject.round),
        "overdue": rater.status in (profiling.Rater.INVITED, profiling.Rater.DRAFT)
        and profiling.answers_overdue(rater.subject.round),
    }
    return _render(request, "perf_mgmt/profiling_answer.html", context, _("Give feedback"))


# -- Nominating and approving ----------------------------------------------------------------------------------------


def _ids(request, group):
    return [value for value in request.POST.getlist(group) if value]


def _nominations(request, subject):
    return {g: _ids(request, g) for g in ("peer", "direct_report", "other") if g in subject.round.profile.groups}


def _candidates(subject):
    """People to pick from: active employees other than the subject (the form shows names, sends user ids)."""
    from ..org.api import Employee  # pylint: disable=import-outside-toplevel

    return list(
        Employee.objects.filter(active=True)
        .exclude(pk=subject.person_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")[:500]
    )


@page_requires()
def nominate(request, pk):
    subject = _subject(request, pk)
    if not can(request.user, "perf_mgmt.nominate_raters", subject.person):
        raise Http404
    if request.method == "POST":
        done = _act(
            request,
            profiling.nominate,
            request.user,
            subject,
            _nominations(request, subject),
            success=_("Sent to your manager for approval."),
        )
        if done is not None:
            return redirect(reverse("perf_mgmt:my-feedback"))
    return _render(
        request, "perf_mgmt/profiling_nominate.html", _nomination_context(subject, "nominate"), _("Choose your raters")
    )


def _nomination_context(subject, mode):
    chosen = {}
    for user_id, group in subject.raters.values_list("user_id", "group"):
        chosen.setdefault(group, set()).add(user_id)
    groups = [(g, GROUP_LABELS[g]) for g in ("peer", "direct_report", "other") if g in subject.round.profile.groups]
    return {"subject": subject, "groups": groups, "candidates": _candidates(subject), "chosen": chosen, "mode": mode}


@page_requires()
def approve(request, pk):
    subject = _subject(request, pk)
    if not can(request.user, "perf_mgmt.approve_raters", subject.person):
        raise Http404
    if request.method == "POST":
        nominations = _nominations(request, subject) if request.POST.get("action") == "edit" else None
        done = _act(
            request,
            profiling.approve,
            request.user,
            subject,
            nominations,
            version=request.POST.get("version"),
            success=_("Approved: the raters are invited."),
        )
        if done is not None:
            return redirect(reverse("perf_mgmt:my-feedback"))
    return _render(
        request, "perf_mgmt/profiling_nominate.html", _nomination_context(subject, "approve"), _("Approve raters")
    )


# -- Report ----------------------------------------------------------------------------------------------------------


def _readable(request, pk):
    subject = _subject(request, pk)
    if not profiling.can_read_report(request.user, subject):
        raise Http404
    return subject


def _report_context(request, subject):
    report = profiling.build_report(subject)
    series = [(str(label), g) for g, label, _n in report.groups]
    # One axis per competency; with fewer than three competencies a radar says little, so its statements are axes.
    axes = report.competencies
    if len(axes) < 3:
        axes = [
            {"name": item["text"], "figures": item["figures"]} for row in report.competencies for item in row["items"]
        ]
    chart = radar_svg(
        [row["name"] for row in axes],
        [(name, [row["figures"].get(g) for row in axes]) for name, g in series]
        + [(_("All others"), [row["figures"]["others"] for row in axes])],
        report.scale_max,
        title=_("Self and others per competency"),
    )
    keys = [g for g, _label, _n in report.groups]
    for row in report.competencies:
        row["cells"] = [row["figures"].get(g) for g in keys]
        row["distribution_text"] = ", ".join(f"{lv}: {n}" for lv, n in row["figures"]["distribution"].items())
        for item in row["items"]:
            item["cells"] = [item["figures"].get(g) for g in keys]
            item["distribution_text"] = ", ".join(f"{lv}: {n}" for lv, n in item["figures"]["distribution"].items())
    return {
        "report": report,
        "subject": subject,
        "chart": chart,
        "group_keys": [g for g, _label, _n in report.groups],
        "may_release": subject.released_at is None and profiling.may_release(request.user, subject),
    }


@page_requires()
def report(request, pk):
    subject = _readable(request, pk)
    if request.method == "POST":
        _act(request, profiling.release_report, request.user, subject, success=_("Released to the person."))
        return redirect(reverse("perf_mgmt:feedback-report", kwargs={"pk": subject.pk}))
    title = _("Feedback report: %(name)s") % {
        "name": subject.person.user.get_full_name() or subject.person.user.username
    }
    return _render(request, "perf_mgmt/profiling_report.html", _report_context(request, subject), title)


@page_requires()
def report_print(request, pk):
    """The same report on a plain page for printing (no navigation, tables in full)."""
    subject = _readable(request, pk)
    context = _report_context(request, subject)
    context["print"] = True
    title = _("Feedback report: %(name)s") % {
        "name": subject.person.user.get_full_name() or subject.person.user.username
    }
    return _render(request, "perf_mgmt/profiling_report_print.html", context, title)


@page_requires()
def report_csv(request, pk):
    subject = _readable(request, pk)
    out = io.StringIO()
    csv_export.writer(out).writerows(profiling.report_csv_rows(profiling.build_report(subject)))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="feedback-report-{subject.pk}.csv"'
    return response


@page_requires()
def add_to_plan(request, pk):
    """One click from a blind spot's course into the person's development plan (the person or their manager)."""
    subject = _readable(request, pk)
    if request.method != "POST":
        raise Http404
    _act(
        request,
        profiling.add_course_to_plan,
        request.user,
        subject,
        request.POST.get("competency"),
        request.POST.get("course_key"),
        success=_("Added to the development plan."),
    )
    return redirect(reverse("perf_mgmt:feedback-report", kwargs={"pk": subject.pk}))


# -- HR: profiles and rounds ----------------------------------------------------------------------------------------


@page_requires("perf_mgmt.manage_profiles")
def profiles(request):
    if request.method == "POST":
        made = _act(
            request,
            profiling.create_profile,
            request.user,
            family=request.POST.get("family", ""),
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", "360"),
            competency_ids=[v for v in request.POST.getlist("competencies") if v.isdigit()],
            questions=request.POST.get("questions", "").splitlines(),
            allow_self_request=bool(request.POST.get("allow_self_request")),
            success=_("Profile created: check its statements, then activate it."),
        )
        if made is not None:
            return redirect(reverse("perf_mgmt:feedback-profile", kwargs={"pk": made.pk}))
    context = {
        "profiles": list(profiling.Profile.objects.order_by("family", "-number")),
        "competencies": competencies.list_competencies(),
        "kinds": profiling.Profile.KIND_CHOICES,
    }
    return _render(request, "perf_mgmt/profiling_profiles.html", context, _("Feedback profiles"))


@page_requires("perf_mgmt.manage_profiles")
def profile_detail(request, pk):
    profile = profiling.Profile.objects.filter(pk=pk).first()
    if profile is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        target = profile
        if action == "save":
            items = [
                (cid, text)
                for cid, text in zip(
                    request.POST.getlist("item_competency"), request.POST.getlist("item_text"), strict=False
                )
                if text.strip()
            ]
            target = (
                _act(
                    request,
                    profiling.update_profile,
                    request.user,
                    profile,
                    version=request.POST.get("version"),
                    name=request.POST.get("name", profile.name),
                    items=items,
                    questions=request.POST.get("questions", "").splitlines(),
                    success=_("Saved."),
                )
                or profile
            )
        elif action in ("active", "retired"):
            _act(request, profiling.set_profile_status, request.user, profile, action, success=_("Status changed."))
        elif action == "copy":
            target = (
                _act(
                    request,
                    profiling.copy_profile,
                    request.user,
                    profile,
                    family=request.POST.get("family", ""),
                    success=_("Copied."),
                )
                or profile
            )
        return redirect(reverse("perf_mgmt:feedback-profile", kwargs={"pk": target.pk}))
    context = {
        "profile": profile,
        "items": list(profile.items.select_related("competency").order_by("order", "pk")),
        "questions": "\n".join(profile.questions.order_by("order", "pk").values_list("text", flat=True)),
        "in_use": profiling.in_use(profile),
    }
    return _render(request, "perf_mgmt/profiling_profile.html", context, profile.name)


@page_requires("perf_mgmt.start_profiling_round")
def rounds(request):
    if request.method == "POST":
        profile = profiling.Profile.objects.filter(pk=request.POST.get("profile") or 0).first()
        if profile is None:
            messages.error(request, _("Choose a profile."))
        else:
            made = _act(
                request,
                profiling.start_round,
                request.user,
                profile,
                name=request.POST.get("name", ""),
                person_ids=[v for v in request.POST.getlist("people") if v.isdigit()],
                unit_ids=[v for v in request.POST.getlist("units") if v.isdigit()],
                position_ids=[v for v in request.POST.getlist("positions") if v.isdigit()],
                answer_by=parse_date(request.POST.get("answer_by") or "") if request.POST.get("answer_by") else None,
                release_by=request.POST.get("release_by", "manager"),
                counts_as_assessment=bool(request.POST.get("counts_as_assessment")),
                min_raters=request.POST.get("min_raters") or 3,
                max_raters=request.POST.get("max_raters") or 8,
                success=_("Round started: the people are asked to choose their raters."),
            )
            if made is not None:
                return redirect(reverse("perf_mgmt:feedback-round", kwargs={"pk": made.pk}))
    from ..org.api import Employee, hr_employees_q, team_q  # pylint: disable=import-outside-toplevel

    hr = hr_employees_q(request.user)
    people = Employee.objects.filter(active=True).select_related("user")
    people = people if not hr else people.filter(hr | team_q(request.user))
    visible = profiling.Round.objects.select_related("profile")
    if not can(request.user, "perf_mgmt.manage_profiles"):
        visible = visible.filter(created_by=request.user)
    context = {
        "rounds": list(visible.order_by("-created")[:100]),
        "profiles": list(profiling.Profile.objects.filter(status=profiling.Profile.ACTIVE)),
        "people": list(people.order_by("user__last_name", "user__first_name")[:500]),
        "release_choices": profiling.Round.RELEASE_CHOICES,
    }
    return _render(request, "perf_mgmt/profiling_rounds.html", context, _("Feedback rounds"))


@page_requires("perf_mgmt.start_profiling_round")
def round_detail(request, pk):
    rnd = profiling.Round.objects.select_related("profile").filter(pk=pk).first()
    if rnd is None or not profiling.can_manage_round(request.user, rnd):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "close":
            _act(request, profiling.close_round, request.user, rnd, success=_("Round closed."))
        elif action == "remind":
            count = _act(request, profiling.remind, request.user, rnd)
            if count is not None:
                messages.success(request, _("%(n)s raters reminded.") % {"n": count})
        elif action == "coach":  # lane profiling2: HR names the coach who debriefs (and releases, if the round says)
            _set_coach(request, rnd)
        elif action == "extend":  # lane profiling2: HR moves the deadlines
            dates = _dates(request, "answer_by", "nominate_by")
            if dates is not None:
                _act(request, profiling.extend_round, request.user, rnd, **dates, success=_("Deadlines moved."))
        return redirect(reverse("perf_mgmt:feedback-round", kwargs={"pk": rnd.pk}))
    progress = profiling.progress(rnd)
    statuses = profiling.Rater.STATUS_CHOICES
    rows = [
        (GROUP_LABELS[g], [progress["groups"].get(g, {}).get(s, 0) for s, _label in statuses])
        for g, _label in profiling.GROUP_CHOICES
        if g in progress["groups"]
    ]
    subjects = list(rnd.subjects.select_related("person__user", "coach").order_by("pk")[:200])
    context = {"round": rnd, "rows": rows, "statuses": statuses, "subjects": subjects, "progress": progress}
    context["may_extend"] = can(request.user, "perf_mgmt.manage_profiles")
    return _render(request, "perf_mgmt/profiling_round.html", context, rnd.name)


def _set_coach(request, rnd):
    """The round page's coach form: ``subject`` (of this round) and the coach's ``coach`` username (empty: none)."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    subject = rnd.subjects.select_related("person").filter(pk=request.POST.get("subject") or 0).first()
    if subject is None:
        raise Http404
    username = (request.POST.get("coach") or "").strip()
    coach = None
    if username:
        coach = get_user_model().objects.filter(username=username[:150], is_active=True).first()
        if coach is None:
            messages.error(request, _("There is no active user '%(name)s'.") % {"name": username[:150]})
            return
    _act(request, profiling.set_coach, request.user, subject, coach, success=_("Coach saved."))


def _dates(request, *names):
    """``{name: date}`` of the form's non-empty ISO dates, or ``None`` (with a message) when one is not a date."""
    import datetime  # pylint: disable=import-outside-toplevel

    dates = {}
    for name in names:
        raw = (request.POST.get(name) or "").strip()
        if not raw:
            continue
        try:
            dates[name] = datetime.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": raw[:20]})
            return None
    return dates
