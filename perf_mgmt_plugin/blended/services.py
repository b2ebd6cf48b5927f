"""
Services of the blended-modules domain: a learner plans and applies the steps of a module's implementation guide,
their manager observes (confirms or gives feedback), observed application becomes competency evidence (ADR 0022),
course staff see application rates per step; job aids are listed and downloaded through a counted, checked door.

Every entry point (the guide XBlock through ``perf_mgmt_plugin.api``, the pages, the demo loader) calls these
functions. Writes state a version (ADR 0016), may carry an idempotency key, and check the state under a row lock.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core import notify
from ..core.access import AccessDenied, can, require
from ..core.charts.palette import series_colour
from ..core.concurrency import lock
from ..core.idempotency import once
from ..core.release import StepRelease
from ..core.versioning import claim_version
from ..openedx import get_backend
from ..openedx.backend import parse_course_key
from . import deps
from . import notifications as _notifications  # noqa: F401  declares the message types sent below
from .errors import BlendedError, NoEmployeeRecordForGuide
from .models import GuideApplication, JobAid, JobAidDownload

#: Longest reflection, evidence or manager comment kept (a longer one is refused, not cut).
MAX_TEXT = 5000


@dataclass(frozen=True)
class Step:
    """One step of a guide as the course team authored it (what the services need of it)."""

    id: str
    title: str
    needs_observation: bool = False


@dataclass(frozen=True)
class Guide:
    """An implementation guide block: where it is, what it develops and its steps."""

    course_key: object
    usage_key: str
    title: str
    steps: tuple
    framework: str = ""
    competency_code: str = ""
    evidence_level: int | None = None

    def step(self, step_id):
        for step in self.steps:
            if step.id == step_id:
                return step
        raise BlendedError(_("This guide has no step '%(step)s'.") % {"step": str(step_id)[:40]})


def _employee_of(user):
    employee = (
        deps.Employee.objects.select_related("manager__user").filter(user=user, active=True).first()
        if user is not None and getattr(user, "is_authenticated", False)
        else None
    )
    if employee is None:
        raise NoEmployeeRecordForGuide(
            _("Your account has no employee record, so your application of this guide cannot be saved.")
        )
    return employee


def _clean_text(value, label):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BlendedError(_("%(field)s must be text.") % {"field": label})
    if len(value) > MAX_TEXT:
        raise BlendedError(_("%(field)s is limited to %(max)s characters.") % {"field": label, "max": f"{MAX_TEXT:,}"})
    return value.strip()


# ----------------------------------------------------------------------------------------------------------------
# The learner's side
# ----------------------------------------------------------------------------------------------------------------


def applications_of(user, usage_key):
    """``{step_id: GuideApplication}`` of ``user`` in one guide block (one query; empty without an employee)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = GuideApplication.objects.filter(person__user=user, person__active=True, usage_key=usage_key)
    return {row.step_id: row for row in rows}


def completion(guide, applications):
    """The share of the guide's steps done (applied; observed where the step asks for it), 0.0..1.0."""
    if not guide.steps:
        return 0.0
    done = sum(1 for step in guide.steps if (app := applications.get(step.id)) is not None and app.is_done)
    return done / len(guide.steps)


def _evidence_target(guide):
    """``(competency_id, level)`` that an observed step of ``guide`` is evidence of, or ``(None, None)``."""
    if not (guide.framework and guide.competency_code and guide.evidence_level):
        return None, None
    found = deps.competencies_by_codes(guide.framework, [guide.competency_code])
    if not found:
        return None, None
    competency_id = found[0].id
    on_scale = deps.ScaleLevel.objects.filter(
        scale__frameworks__competencies=competency_id, value=guide.evidence_level
    ).exists()
    return (competency_id, guide.evidence_level) if on_scale else (None, None)


def _locked_application(employee, guide, step):
    """The learner's row for ``step`` (made when missing), locked for this transaction."""
    defaults = {
        "course_key": parse_course_key(guide.course_key),
        "step_title": step.title[:255],
        "guide_title": (guide.title or "")[:255],
        "needs_observation": step.needs_observation,
        "version": 1,
    }
    try:
        with transaction.atomic():
            row, created = GuideApplication.objects.get_or_create(
                person=employee, usage_key=guide.usage_key, step_id=step.id, defaults=defaults
            )
    except IntegrityError:  # made at the same moment by a second request: use it
        row, created = GuideApplication.objects.get(person=employee, usage_key=guide.usage_key, step_id=step.id), False
    if not created:
        lock(row)
    return row, created


def _learner_write(user, guide, step_id, action, version, idempotency_key, change):
    """Shared shape of the learner's writes: who, which step, one transaction, version claimed, key honoured."""
    employee = _employee_of(user)
    require(user, "perf_mgmt.apply_guide", employee)
    step = guide.step(step_id)

    def make():
        with transaction.atomic():
            row, created = _locked_application(employee, guide, step)
            if not created:  # a new row starts at version 1; an existing one states the version the learner read
                claim_version(row, version)
            row.step_title = step.title[:255]
            row.needs_observation = step.needs_observation
            change(row, employee, step)
            row.updated = timezone.now()
            row.save()
            return row

    return once(user, idempotency_key, f"guide-{action}:{guide.usage_key}:{step.id}"[:96], GuideApplication, make)


def plan_step(user, guide, step_id, planned_for, *, version=None, idempotency_key=""):
    """
    The learner plans when they will apply a step (a date; ``None`` clears it). Not once the step is applied and
    waits for the manager, or is done. Returns the application.
    """

    def change(row, employee, step):  # pylint: disable=unused-argument
        if row.status == GuideApplication.APPLIED and row.needs_observation:
            raise BlendedError(_("This step waits for your manager's observation: it cannot be planned again now."))
        if row.is_done:
            raise BlendedError(_("This step is done already."))
        row.planned_for = planned_for
        if row.status == GuideApplication.FEEDBACK:
            row.status = GuideApplication.PLANNED

    return _learner_write(user, guide, step_id, "plan", version, idempotency_key, change).result


def apply_step(user, guide, step_id, *, reflection, evidence="", version=None, idempotency_key=""):
    """
    The learner records that they applied a step: a reflection (required) and the evidence asked for. A step the
    manager must observe then waits in the manager's queue (and the manager gets an email); any other step is done.
    Applying again is possible after the manager's feedback. Returns the application.
    """
    reflection = _clean_text(reflection, _("The reflection"))
    evidence = _clean_text(evidence, _("The evidence"))
    if not reflection:
        raise BlendedError(_("Write your reflection on how it went."))
    competency_id, level = _evidence_target(guide)

    def change(row, employee, step):  # pylint: disable=unused-argument
        if row.status == GuideApplication.APPLIED and row.needs_observation:
            raise BlendedError(_("This step waits for your manager's observation already."))
        if row.is_done:
            raise BlendedError(_("This step is done already."))
        row.status = GuideApplication.APPLIED
        row.reflection = reflection
        row.evidence = evidence
        row.applied_at = timezone.now()
        row.competency_id = competency_id
        row.evidence_level = level
        row.guide_title = (guide.title or "")[:255]

    outcome = _learner_write(user, guide, step_id, "apply", version, idempotency_key, change)
    row = outcome.result
    if not outcome.replayed and row.awaits_observation:
        manager = row.person.manager
        if manager is not None and manager.user_id:
            context = {"learner": row.person.display_name, "step": row.step_title, "guide": row.guide_title}
            transaction.on_commit(
                lambda: notify.send("guide_observation_requested", manager.user, context), robust=True
            )
    return row


# ----------------------------------------------------------------------------------------------------------------
# The manager's side
# ----------------------------------------------------------------------------------------------------------------


def team_people_q(user):
    """
    A ``Q`` on GuideApplication for the active people of ``user``'s team: reports at any depth and delegations, as
    ``org.access.team_q`` draws it, written on the application's person (a join, not ``IN (subquery)``: the
    database then starts from the few rows awaiting observation instead of scanning the organisation).
    """
    context = deps.access_context(user)
    condition = Q(pk__in=[])
    if context.employee_path:
        condition |= deps.subtree_q("person__path", context.employee_path)
    for path in context.granted_employee_paths:
        condition |= deps.subtree_q("person__path", path)
    for path in context.granted_unit_paths:
        condition |= deps.subtree_q("person__org_unit__path", path)
    return condition & Q(person__active=True) & ~Q(person__user_id=user.pk)


def observation_queue(user):
    """
    The applications waiting for ``user``'s observation -- their team's steps applied that ask for it -- oldest
    first, with the learner. One query for the rows (plus the user's cached access context), whatever the size.
    """
    return (
        GuideApplication.objects.filter(team_people_q(user), status=GuideApplication.APPLIED, needs_observation=True)
        .select_related("person__user")
        .order_by("applied_at", "pk")
    )


def team_applications(user):
    """
    Who in ``user``'s team applies which module: per person and guide, steps applied, awaiting observation,
    observed, planned, and the last activity. Two queries.
    """
    rows = list(
        GuideApplication.objects.filter(team_people_q(user))
        .values("person_id", "course_key", "usage_key", "guide_title")
        .annotate(
            applied=Count("pk", filter=Q(applied_at__isnull=False)),
            awaiting=Count("pk", filter=Q(status=GuideApplication.APPLIED, needs_observation=True)),
            observed=Count("pk", filter=Q(status=GuideApplication.OBSERVED)),
            planned=Count("pk", filter=Q(status=GuideApplication.PLANNED)),
            last=Max("updated"),
        )
        .order_by("person_id", "guide_title", "usage_key")
    )
    people = deps.Employee.objects.select_related("user").in_bulk({row["person_id"] for row in rows})
    for row in rows:
        row["person"] = people.get(row["person_id"])
    return rows


def get_application_for_observer(user, pk):
    """The application ``pk`` if ``user`` may observe it, else ``None`` (a missing one looks the same)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    row = GuideApplication.objects.select_related("person__user").filter(pk=pk).first()
    if row is None or not can(user, "perf_mgmt.observe_application", row.person):
        return None
    return row


def observe(user, application, *, confirmed, comment="", version=None, idempotency_key=""):
    """
    The manager confirms what they saw of an applied step (``confirmed``) or gives feedback (a comment, required):
    the learner sees it in the guide and may apply again. A confirmation of a guide that develops a competency
    records ``observed`` evidence (the person's gap is recomputed in the same transaction). Returns the application.
    """
    require(user, "perf_mgmt.observe_application", application.person)
    comment = _clean_text(comment, _("The comment"))
    if not confirmed and not comment:
        raise BlendedError(_("Write your feedback: what should they do differently?"))

    def make():
        with transaction.atomic():
            lock(application)
            if application.status != GuideApplication.APPLIED or not application.needs_observation:
                raise BlendedError(_("This step no longer waits for an observation: the page was out of date."))
            claim_version(application, version)
            application.observer = user
            application.observed_at = timezone.now()
            application.manager_comment = comment
            application.status = GuideApplication.OBSERVED if confirmed else GuideApplication.FEEDBACK
            application.updated = timezone.now()
            application.save()
            if confirmed and application.competency_id and application.evidence_level:
                deps.record_observed_evidence(
                    user,
                    application.person,
                    deps.Competency.objects.get(pk=application.competency_id),
                    application.evidence_level,
                    context_id=f"{application.usage_key}#{application.step_id}"[:255],
                    course_key=application.course_key,
                    evidence=comment or application.step_title,
                )
            return application

    outcome = once(user, idempotency_key, f"guide-observe:{application.pk}", GuideApplication, make)
    row = outcome.result
    if not outcome.replayed and row.person.user_id:
        context = {
            "step": row.step_title,
            "guide": row.guide_title,
            "confirmed": confirmed,
            "comment": comment,
            "observer": user.get_full_name() or user.get_username(),
        }
        learner = row.person.user
        transaction.on_commit(lambda: notify.send("guide_observation_given", learner, context), robust=True)
    return row


# ----------------------------------------------------------------------------------------------------------------
# Course staff
# ----------------------------------------------------------------------------------------------------------------


def step_rates(user, course_key, usage_key, step_ids):
    """
    Application rates per step of one guide, for the course's staff (``perf_mgmt.view_course_data``): learners who
    started the guide, and per step how many applied it and how many were observed -- counts only, released in
    steps of at least ``anonymity_min_group()`` people (``core.release.StepRelease``), so reading before and after
    one learner acts shows no change, or a change made by that many. ``hidden`` until the first step closes.
    Two queries.
    """
    require(user, "perf_mgmt.view_course_data", parse_course_key(course_key))
    minimum = deps.anonymity_min_group()
    started = StepRelease(minimum)
    applied = StepRelease(minimum)
    observed = StepRelease(minimum)
    rows = (
        GuideApplication.objects.filter(usage_key=usage_key)
        .order_by("created", "pk")
        .values_list("person_id", "step_id", "applied_at", "status", "observed_at")
    )
    events = []
    for person_id, step_id, applied_at, status, observed_at in rows:
        started.add(None, person_id, person_id)
        if applied_at is not None:
            events.append((applied_at, "applied", step_id, person_id))
        if status == GuideApplication.OBSERVED and observed_at is not None:
            events.append((observed_at, "observed", step_id, person_id))
    for _when, kind, step_id, person_id in sorted(events, key=lambda event: event[0]):
        (applied if kind == "applied" else observed).add(step_id, person_id, person_id)
    learners = len(set(started.released.get(None, ())))
    steps = {
        step_id: {
            "applied": len(set(applied.released.get(step_id, ()))),
            "observed": len(set(observed.released.get(step_id, ()))),
        }
        for step_id in step_ids
    }
    for entry in steps.values():
        entry["rate"] = round(100 * entry["applied"] / learners) if learners else 0
    return {"min_group": minimum, "hidden": learners == 0, "learners": learners, "steps": steps}


# ----------------------------------------------------------------------------------------------------------------
# Job aids
# ----------------------------------------------------------------------------------------------------------------


def job_aids_of(course_keys):
    """``{course_key: [JobAid]}`` of the active job aids of these courses, in their order. One query."""
    keys = [parse_course_key(key) for key in course_keys]
    result = defaultdict(list)
    for aid in JobAid.objects.filter(course_key__in=keys, active=True).order_by("course_key", "order", "pk"):
        result[aid.course_key].append(aid)
    return dict(result)


def may_download(user, aid):
    """Learners enrolled in the course or with it in their plan, and the course's staff."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can(user, "perf_mgmt.view_course_data", aid.course_key):
        return True
    if get_backend().enrolled_course_keys(user, [aid.course_key]):
        return True
    items = deps.PlanItem.objects.filter(owner__user=user, course_key=aid.course_key)
    return items.exclude(status=deps.PlanItem.CANCELLED).exists()


def download_job_aid(user, pk):
    """
    Count ``user``'s download of job aid ``pk`` and return it (the caller serves its file or redirects to its link).
    ``None`` for an aid that does not exist or is inactive; ``AccessDenied`` for one the user may not download.
    """
    try:
        aid = JobAid.objects.filter(pk=int(pk), active=True).first()
    except (TypeError, ValueError):
        aid = None
    if aid is None:
        return None
    if not may_download(user, aid):
        raise AccessDenied("perf_mgmt.download_job_aid")
    now = timezone.now()
    with transaction.atomic():
        updated = JobAidDownload.objects.filter(job_aid=aid, user=user).update(count=F("count") + 1, last_at=now)
        if not updated:
            try:
                with transaction.atomic():
                    JobAidDownload.objects.create(job_aid=aid, user=user, count=1, first_at=now, last_at=now)
            except IntegrityError:
                JobAidDownload.objects.filter(job_aid=aid, user=user).update(count=F("count") + 1, last_at=now)
    return aid


def job_aid_downloads(user, course_key):
    """
    Per job aid of the course, for its staff: downloads and distinct learners, hidden (``None``) for an aid fewer
    than ``anonymity_min_group()`` learners downloaded. One query.
    """
    key = parse_course_key(course_key)
    require(user, "perf_mgmt.view_course_data", key)
    minimum = deps.anonymity_min_group()
    result = {}
    for aid_id, learners, downloads in (
        JobAidDownload.objects.filter(job_aid__course_key=key)
        .values("job_aid_id")
        .annotate(learners=Count("user_id", distinct=True), downloads=Sum("count"))
        .values_list("job_aid_id", "learners", "downloads")
    ):
        result[aid_id] = (learners, downloads) if learners >= minimum else None
    return result


# ----------------------------------------------------------------------------------------------------------------
# Development plans: the 70/20/10 mix and the job aids of their course items
# ----------------------------------------------------------------------------------------------------------------

#: The categories of the 70/20/10 model, in order, with the share each aims at.
MIX_TARGETS = (("experience", 70), ("exposure", 20), ("education", 10))


def plan_mix(owner, items):
    """
    The 70/20/10 mix of a plan: each live item counts once in its category (on the job, with others, formal), and
    each step of a module's implementation guide that the owner planned or applied counts once as on the job.
    ``[{"category", "count", "percent", "target"}]`` plus the total. One query.
    """
    counts = dict.fromkeys((name for name, _target in MIX_TARGETS), 0)
    course_keys = set()
    for item in items:
        if item.status == "cancelled":
            continue
        counts[item.category] = counts.get(item.category, 0) + 1
        if item.course_key:
            course_keys.add(item.course_key)
    steps = 0
    if course_keys and owner is not None:
        steps = GuideApplication.objects.filter(person=owner, course_key__in=course_keys).count()
    counts["experience"] += steps
    total = sum(counts.values())
    labels = dict(deps.CATEGORY_CHOICES)
    rows, offset = [], 0
    for index, (name, target) in enumerate(MIX_TARGETS):
        percent = round(100 * counts.get(name, 0) / total) if total else 0
        rows.append(
            {
                "category": name,
                "label": labels.get(name, name),
                "count": counts.get(name, 0),
                "percent": percent,
                "target": target,
                "offset": offset,
                "colour": series_colour(index),
            }
        )
        offset += percent
    return {"rows": rows, "total": total, "guide_steps": steps}


def attach_job_aids(items):
    """Set ``item.job_aids`` (the course's active job aids) on each course item of ``items``. One query."""
    keys = {item.course_key for item in items if getattr(item, "course_key", None)}
    aids = job_aids_of(keys) if keys else {}
    for item in items:
        item.job_aids = aids.get(item.course_key, []) if getattr(item, "course_key", None) else []
    return items


# ----------------------------------------------------------------------------------------------------------------
# Appraisals: the modules taken in the period as evidence
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class ModuleEvidence:
    """One module (course) of the period in a review: its course result, and the application of its guide."""

    course_key: object
    title: str
    competency: str = ""
    result: str = ""
    achieved: bool = False
    steps_applied: int = 0
    steps_observed: int = 0
    reflections: list = None


def module_evidence(person_id, start, end, plan_items):
    """
    The blended modules ``person_id`` took in the period (``start`` .. ``end``): per course item of their plans,
    the course result the LMS reported (grade, passed), and the guide steps applied in the period with the
    observations and the learner's reflections. One query (the plan items come from the caller's evidence).
    """
    by_course = {}
    for item in plan_items:
        if item.course_key and item.course_key not in by_course:
            grade = "" if item.grade_percent is None else f"{item.grade_percent:g}%"
            by_course[item.course_key] = ModuleEvidence(
                course_key=item.course_key,
                title=item.title,
                competency=item.competency.name if item.competency_id else "",
                result=grade,
                achieved=item.achieved,
                reflections=[],
            )
    rows = (
        GuideApplication.objects.filter(person_id=person_id, applied_at__date__gte=start, applied_at__date__lte=end)
        .select_related("competency")
        .order_by("applied_at", "pk")
    )
    for row in rows:
        module = by_course.get(row.course_key)
        if module is None:
            module = by_course[row.course_key] = ModuleEvidence(
                course_key=row.course_key,
                title=row.guide_title or str(row.course_key),
                competency=row.competency.name if row.competency_id else "",
                reflections=[],
            )
        module.steps_applied += 1
        if row.status == GuideApplication.OBSERVED:
            module.steps_observed += 1
        module.reflections.append(
            {
                "step": row.step_title,
                "reflection": row.reflection,
                "observed": row.status == GuideApplication.OBSERVED,
                "manager_comment": row.manager_comment,
            }
        )
    return list(by_course.values())
