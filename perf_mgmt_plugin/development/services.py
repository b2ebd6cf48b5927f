"""
Services of the development domain: plans, items and their workflow, templates assigned to a population, the
recommendations of the gap audit turned into plan items, and the lists the pages and the API show.

Workflow: the person writes a draft and proposes it (their items are ``proposed``); a manager (any depth, or a
delegate, or HR in scope) approves the plan or single items, or assigns items directly (``approved`` at once). HR
assigns a template to everyone in some positions or units, set-based. Approving or assigning a course item enrolls
the person through the platform backend (one call per enrollment: the platform enrolls one user at a time); the
person may enrol themselves in an approved course item that allows it. Every write checks the rules here, so pages,
REST, admin actions and commands behave the same.
"""

import datetime
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..competencies.api import CourseCompetencyLink, CourseRecommendation
from ..core import enrolment
from ..core.access import AccessDenied, can, require
from ..core.concurrency import atomic_retry, lock, lock_rows
from ..core.idempotency import idempotent
from ..core.paths import subtree_q
from ..core.sanitize import sanitize_html
from ..core.versioning import claim_version
from ..openedx import get_backend
from ..openedx.backend import parse_course_key
from ..org.api import Employee, hr_employees_q, team_q, visible_employees_q
from . import progress
from .errors import DevelopmentConflict, DevelopmentError
from .models import (
    CATEGORY_CHOICES,
    DEFAULT_CATEGORY,
    KIND_CHOICES,
    KIND_COURSE,
    KIND_COURSE_PART,
    Plan,
    PlanComment,
    PlanItem,
    PlanTemplate,
    TemplateItem,
)

VIEW = "perf_mgmt.view_plan"
OWN = "perf_mgmt.edit_own_plan"
MANAGE = "perf_mgmt.manage_plan"
#: The state a plan's and an item's transitions check, reloaded under the row's lock (ADR 0015).
PLAN_STATE = ("status", "updated", "approved_by", "approved_at", "manager_comments")
ITEM_STATE = ("status", "progress", "completed_at", "approved_by", "approved_at")
ITEM_FIELDS = (
    "kind",
    "title",
    "description",
    "course_key",
    "usage_key",
    "competency",
    "target_level",
    "due_date",
    "category",
    "self_enrol",
)


def _year_period(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def _check_item_fields(fields):
    kind = fields.get("kind")
    if kind not in dict(KIND_CHOICES):
        raise DevelopmentError(_("Unknown item kind '%(kind)s'.") % {"kind": kind})
    if not (fields.get("title") or "").strip():
        raise DevelopmentError(_("An item needs a title."))
    if kind in (KIND_COURSE, KIND_COURSE_PART):
        if not fields.get("course_key"):
            raise DevelopmentError(_("A course item needs a course key."))
        try:
            fields["course_key"] = parse_course_key(fields["course_key"])
        except ValueError as exc:
            raise DevelopmentError(str(exc)) from exc
    if kind == KIND_COURSE_PART and not fields.get("usage_key"):
        raise DevelopmentError(_("A part of a course needs the usage key of the block."))
    category = fields.get("category") or DEFAULT_CATEGORY[kind]
    if category not in dict(CATEGORY_CHOICES):
        raise DevelopmentError(_("Unknown 70/20/10 category '%(value)s'.") % {"value": category})
    fields["category"] = category
    fields["description"] = sanitize_html(fields.get("description") or "")
    return fields


#: Public for the admin's template item form: the same checks as the services make.
check_item_fields = _check_item_fields


def _actor_role(actor, owner):
    """``"self"`` or ``"manager"`` (manager, delegate or HR in scope); ``AccessDenied`` for anyone else."""
    if can(actor, OWN, owner):
        return "self"
    if can(actor, MANAGE, owner):
        return "manager"
    raise AccessDenied(MANAGE)


# ----------------------------------------------------------------------------------------------------------------
# Plans
# ----------------------------------------------------------------------------------------------------------------


@atomic_retry
def create_plan(actor, owner, *, title="", period_start=None, period_end=None, goals="", template=None):
    """
    A new plan for ``owner``: a ``draft`` when the person writes it, ``active`` when a manager (or HR) assigns it.
    """
    role = _actor_role(actor, owner)
    start, end = _year_period()
    period_start, period_end = period_start or start, period_end or end
    if period_end < period_start:
        raise DevelopmentError(_("The period ends before it starts."))
    now = timezone.now()
    plan = Plan(
        owner=owner,
        title=title or _("Development plan %(year)s") % {"year": period_start.year},
        period_start=period_start,
        period_end=period_end,
        goals=sanitize_html(goals),
        status=Plan.DRAFT if role == "self" else Plan.ACTIVE,
        template=template,
        created_by=actor,
        approved_by=None if role == "self" else actor,
        approved_at=None if role == "self" else now,
    )
    plan._history_user = actor  # pylint: disable=protected-access
    plan.save()
    return plan


@atomic_retry
def update_plan(actor, plan, version=None, **fields):
    """
    The owner edits title, period and goals (sanitised) while the plan is open; managers may too. Only the fields
    given change. ``version``: the one the editor read -- a newer one is an ``EditConflict`` and nothing is saved.
    """
    _actor_role(actor, plan.owner)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    claim_version(plan, version)
    if plan.status not in Plan.OPEN_STATUSES:
        raise DevelopmentError(_("This plan is closed."))
    allowed = {"title", "period_start", "period_end", "goals"}
    unknown = set(fields) - allowed
    if unknown:
        raise DevelopmentError(_("Unknown plan fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "goals" in fields:
        fields["goals"] = sanitize_html(fields["goals"])
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.updated = timezone.now()
    plan._history_user = actor  # pylint: disable=protected-access
    plan.save()
    return plan


@atomic_retry
def propose_plan(actor, plan):
    """The person sends their draft to their manager (``proposed``). Idempotent."""
    lock(plan, fields=PLAN_STATE)
    require(actor, OWN, plan.owner)
    if plan.status == Plan.PROPOSED:
        return plan
    if plan.status != Plan.DRAFT:
        raise DevelopmentError(_("Only a draft can be proposed."))
    plan.status, plan.updated = Plan.PROPOSED, timezone.now()
    plan._history_user = actor  # pylint: disable=protected-access
    plan.save(update_fields=["status", "updated"])
    return plan


@atomic_retry
@idempotent("plan-approve", Plan)
def approve_plan(actor, plan, comment=""):
    """
    A manager approves a proposed (or draft) plan: it becomes ``active`` and its proposed items ``approved``
    (course items enrolled). ``comment`` is kept as the manager's comment. Idempotent on an active plan.
    """
    lock(plan, fields=PLAN_STATE)
    require(actor, MANAGE, plan.owner)
    if plan.status not in Plan.OPEN_STATUSES:
        raise DevelopmentError(_("This plan is closed."))
    now = timezone.now()
    if plan.status != Plan.ACTIVE:
        plan.status, plan.approved_by, plan.approved_at = Plan.ACTIVE, actor, now
    if comment:
        plan.manager_comments = sanitize_html(comment)
        PlanComment.objects.create(plan=plan, author=actor, body=sanitize_html(comment))
    plan.updated = now
    plan._history_user = actor  # pylint: disable=protected-access
    plan.save()
    _approve(actor, list(plan.items.filter(status=PlanItem.PROPOSED)))
    return plan


@atomic_retry
def return_plan(actor, plan, comment):
    """A manager sends a proposed plan back to its owner as a draft, saying why (status and comment together)."""
    lock(plan, fields=PLAN_STATE)
    require(actor, MANAGE, plan.owner)
    if plan.status != Plan.PROPOSED:
        raise DevelopmentConflict(_("Only a proposed plan can be sent back."))
    if not (comment or "").strip():
        raise DevelopmentError(_("Say what should change."))
    plan.status, plan.updated = Plan.DRAFT, timezone.now()
    plan.manager_comments = sanitize_html(comment)
    plan._history_user = actor  # pylint: disable=protected-access
    plan.save()
    PlanComment.objects.create(plan=plan, author=actor, body=sanitize_html(comment))
    return plan


@atomic_retry
def set_plan_status(actor, plan, status):
    """A manager completes or archives a plan (open items stay as they are: they are history)."""
    lock(plan, fields=PLAN_STATE)
    require(actor, MANAGE, plan.owner)
    if status not in (Plan.COMPLETED, Plan.ARCHIVED):
        raise DevelopmentError(_("A plan can only be completed or archived here."))
    plan.status, plan.updated = status, timezone.now()
    plan._history_user = actor  # pylint: disable=protected-access
    plan.save(update_fields=["status", "updated"])
    return plan


@atomic_retry
@idempotent("plan-comment", PlanComment)
def add_comment(actor, plan, body, item=None):
    """The owner or a manager comments on the plan (or one item). Sanitised."""
    if not (can(actor, OWN, plan.owner) or can(actor, MANAGE, plan.owner)):
        raise AccessDenied(MANAGE)
    body = sanitize_html(body or "").strip()
    if not body:
        raise DevelopmentError(_("Write a comment first."))
    if item is not None and item.plan_id != plan.pk:
        raise DevelopmentError(_("This item belongs to another plan."))
    return PlanComment.objects.create(plan=plan, item=item, author=actor, body=body)


# ----------------------------------------------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------------------------------------------


def _target_levels(pairs):
    """``{(course_key, competency_id): target_level}`` of the course links for the pairs (one query)."""
    pairs = [(key, comp) for key, comp in pairs if key and comp]
    if not pairs:
        return {}
    rows = CourseCompetencyLink.objects.filter(
        course_key__in={key for key, _comp in pairs}, competency_id__in={comp for _key, comp in pairs}
    ).values_list("course_key", "competency_id", "target_level")
    return {(key, comp): level for key, comp, level in rows}


@atomic_retry
@idempotent("plan-item", PlanItem)
def add_item(actor, plan, *, source=None, source_ref="", **fields):
    """
    Add an item to ``plan``. The person's own items are ``proposed`` (source ``self``) and wait for approval; a
    manager's are ``approved`` at once (source ``manager``, or ``appraisal`` with its ``source_ref``) and a course
    item enrolls the person. A course item picks up what the LMS already said about the course (see
    :func:`progress.catch_up`).
    """
    lock(plan, fields=PLAN_STATE)
    role = _actor_role(actor, plan.owner)
    if plan.status not in Plan.OPEN_STATUSES:
        raise DevelopmentConflict(_("This plan is closed."))
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise DevelopmentError(_("Unknown item fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    fields = _check_item_fields(dict(fields))
    if source is None:
        source = "self" if role == "self" else "manager"
    if role == "self" and source != "self":
        raise DevelopmentError(_("Items you add yourself are proposed to your manager."))
    competency = fields.get("competency")
    if fields.get("target_level") is None and competency is not None and fields.get("course_key"):
        fields["target_level"] = _target_levels([(fields["course_key"], competency.pk)]).get(
            (fields["course_key"], competency.pk)
        )
    now = timezone.now()
    item = PlanItem(
        plan=plan,
        owner_id=plan.owner_id,
        # Under the plan's lock, by a locking read: two items added at once get different places.
        order=len(PlanItem.objects.select_for_update().filter(plan=plan).values_list("pk", flat=True)),
        source=source,
        source_ref=source_ref,
        status=PlanItem.PROPOSED if role == "self" else PlanItem.APPROVED,
        proposed_by=actor,
        approved_by=None if role == "self" else actor,
        approved_at=None if role == "self" else now,
        **fields,
    )
    item._history_user = actor  # pylint: disable=protected-access
    item.save()
    if item.status == PlanItem.APPROVED:
        _enroll([item])
    progress.catch_up([item])
    return item


def _enroll(items):
    """Enroll the owners of approved course items (platform call per enrollment) and mark them enrolled."""
    course_items = [i for i in items if i.kind in (KIND_COURSE, KIND_COURSE_PART) and i.course_key]
    if not course_items:
        return
    users = dict(Employee.objects.filter(pk__in={i.owner_id for i in course_items}).values_list("pk", "user"))
    user_objects = {u.pk: u for u in get_user_model().objects.filter(pk__in=set(users.values()))}
    backend = get_backend()
    for item in course_items:
        enrolment.enroll(user_objects[users[item.owner_id]], item.course_key, DevelopmentError, backend=backend)
    progress.mark_enrolled(course_items)


@atomic_retry
def approve_items(actor, items):
    """A manager approves proposed items (course items are enrolled). Others are left as they are."""
    items = list(items)
    locked = lock_rows(PlanItem, [item.pk for item in items])  # the state under lock, one query, pk order
    for item in items:
        for name in ("status", "approved_by_id", "approved_at"):
            setattr(item, name, getattr(locked[item.pk], name))
    for item in items:
        require(actor, MANAGE, item.owner)
    return _approve(actor, [i for i in items if i.status == PlanItem.PROPOSED])


def _approve(actor, items):
    if not items:
        return 0
    now = timezone.now()
    for item in items:
        item.status, item.approved_by, item.approved_at = PlanItem.APPROVED, actor, now
    PlanItem.objects.bulk_update(items, ["status", "approved_by", "approved_at"])
    _enroll(items)
    return len(items)


@atomic_retry
def cancel_item(actor, item, reason=""):
    """
    Cancel an open item (the owner their own proposals; a manager any open item). Kept as history. Checked under
    the item's lock: cancelling a cancelled item again changes nothing; one completed meanwhile is a conflict.
    """
    lock(item, fields=ITEM_STATE)
    role = _actor_role(actor, item.owner)
    if item.status == PlanItem.CANCELLED:
        return item
    if item.status not in PlanItem.OPEN_STATUSES:
        raise DevelopmentConflict(_("Only an open item can be cancelled: this one was completed in the meantime."))
    if role == "self" and item.status != PlanItem.PROPOSED:
        raise DevelopmentError(_("Ask your manager to cancel an approved item."))
    item.status = PlanItem.CANCELLED
    item._history_user = actor  # pylint: disable=protected-access
    item.save(update_fields=["status"])
    if reason:
        add_comment(actor, item.plan, reason, item=item)
    return item


@atomic_retry
def complete_item(actor, item, note=""):
    """
    Mark a non-course item (on the job, coaching, reading...) done -- the person or a manager. Course items are
    completed by the LMS only (passing or a certificate), so that the evidence they add is real.

    Checked under the item's lock: completing it again (double click) changes nothing and adds no second note; an
    item cancelled meanwhile is a conflict.
    """
    lock(item, fields=ITEM_STATE)
    _actor_role(actor, item.owner)
    if item.kind in (KIND_COURSE, KIND_COURSE_PART):
        raise DevelopmentError(_("Course items are completed by the course itself."))
    if item.status == PlanItem.COMPLETED:
        return item
    if item.status == PlanItem.CANCELLED:
        raise DevelopmentConflict(_("This item was cancelled in the meantime: it cannot be completed."))
    if item.status not in (PlanItem.APPROVED, PlanItem.IN_PROGRESS):
        raise DevelopmentError(_("Only an approved item can be completed."))
    item.status, item.progress, item.completed_at = PlanItem.COMPLETED, 100, timezone.now()
    item._history_user = actor  # pylint: disable=protected-access
    item.save(update_fields=["status", "progress", "completed_at"])
    if note:
        add_comment(actor, item.plan, note, item=item)
    return item


@atomic_retry
def enrol_in_item(actor, item):
    """The person enrols themselves in an approved course item that allows it. Idempotent."""
    require(actor, OWN, item.owner)
    if item.kind not in (KIND_COURSE, KIND_COURSE_PART):
        raise DevelopmentError(_("Only course items have a course to enrol in."))
    if item.status not in PlanItem.TRACKED_STATUSES:
        raise DevelopmentError(_("This item is not approved yet."))
    if not item.self_enrol:
        raise DevelopmentError(_("Your manager enrols you in this course."))
    enrolment.enroll(actor, item.course_key, DevelopmentError, actor=actor)
    progress.mark_enrolled([item])
    return item


# ----------------------------------------------------------------------------------------------------------------
# Templates
# ----------------------------------------------------------------------------------------------------------------


@atomic_retry
def create_template(*, slug, name, description="", items=()):
    """A template with ``items`` (dicts of :data:`ITEM_FIELDS` minus status, plus ``due_days``)."""
    template = PlanTemplate.objects.create(slug=slug, name=name, description=sanitize_html(description))
    rows = []
    for order, spec in enumerate(items):
        spec = dict(spec)
        due_days = spec.pop("due_days", None)
        spec.pop("due_date", None)
        spec = _check_item_fields(spec)
        rows.append(TemplateItem(template=template, order=order, due_days=due_days, **spec))
    TemplateItem.objects.bulk_create(rows)
    return template


@dataclass
class TemplateAssignment:
    """What assigning a template to a population did."""

    people: int = 0
    plans_created: int = 0
    items_created: int = 0
    enrollments: int = 0
    #: People who already have an open plan from this template (left as they are: assigning again is a no-op).
    unchanged: int = 0
    #: People matched by the selection but outside the actor's HR scope (left out).
    denied: int = 0

    def as_dict(self):
        return asdict(self)


def _population(actor, position_ids=(), unit_ids=(), employee_ids=()):
    if not (position_ids or unit_ids or employee_ids):
        raise DevelopmentError(_("Choose positions, org units or people."))
    from ..org.api import OrgUnit  # pylint: disable=import-outside-toplevel

    condition = Q(pk__in=[])
    if position_ids:
        condition |= Q(position_id__in=list(position_ids))
    if employee_ids:
        condition |= Q(pk__in=list(employee_ids))
    for path in OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True):
        condition |= subtree_q("org_unit__path", path)
    selected = Employee.objects.filter(condition, active=True)
    allowed = selected.filter(hr_employees_q(actor))
    return selected, allowed


@atomic_retry
def assign_template(actor, template, *, position_ids=(), unit_ids=(), employee_ids=(), start=None, title=""):
    """
    Give everyone in the positions / org units (subtrees) / people chosen an ``active`` plan from ``template``,
    with its items ``approved`` and due ``due_days`` after ``start`` (today), course items enrolled. People outside
    the actor's HR scope are counted in ``denied``; people who already have an open plan from the template in
    ``unchanged``. A fixed number of queries whatever the population, plus one platform call per enrollment.
    """
    require(actor, "perf_mgmt.assign_plan_templates")
    if not template.active:
        raise DevelopmentError(_("This template is not active."))
    selected, allowed = _population(actor, position_ids, unit_ids, employee_ids)
    result = TemplateAssignment()
    people = list(allowed.values_list("pk", flat=True))
    result.denied = selected.count() - len(people)
    have = set(
        Plan.objects.filter(template=template, owner_id__in=people, status__in=Plan.OPEN_STATUSES).values_list(
            "owner_id", flat=True
        )
    )
    new_people = [pk for pk in people if pk not in have]
    result.people, result.unchanged = len(people), len(have)
    if not new_people:
        return result
    start = start or timezone.localdate()
    period_start, period_end = _year_period(start)
    now = timezone.now()
    plans = Plan.objects.bulk_create(
        [
            Plan(
                owner_id=pk,
                title=title or template.name,
                period_start=start,
                period_end=max(period_end, start),
                status=Plan.ACTIVE,
                template=template,
                created_by=actor,
                approved_by=actor,
                approved_at=now,
                goals=template.description,
            )
            for pk in new_people
        ]
    )
    if plans and plans[0].pk is None:  # a database that returns no ids from bulk inserts
        plans = list(Plan.objects.filter(template=template, owner_id__in=new_people, created_by=actor, approved_at=now))
    template_items = list(template.items.all())
    items = [
        PlanItem(
            plan=plan,
            owner_id=plan.owner_id,
            order=ti.order,
            kind=ti.kind,
            title=ti.title,
            description=ti.description,
            course_key=ti.course_key,
            usage_key=ti.usage_key,
            competency_id=ti.competency_id,
            target_level=ti.target_level,
            due_date=start + datetime.timedelta(days=ti.due_days) if ti.due_days is not None else None,
            category=ti.category,
            source="template",
            source_ref=f"template:{template.pk}",
            template_item=ti,
            status=PlanItem.APPROVED,
            self_enrol=ti.self_enrol,
            proposed_by=actor,
            approved_by=actor,
            approved_at=now,
        )
        for plan in plans
        for ti in template_items
    ]
    created = PlanItem.objects.bulk_create(items)
    if created and created[0].pk is None:
        created = list(PlanItem.objects.filter(plan__in=plans))
    result.plans_created, result.items_created = len(plans), len(created)
    course_items = [i for i in created if i.kind in (KIND_COURSE, KIND_COURSE_PART)]
    _enroll(course_items)
    result.enrollments = len(course_items)
    progress.catch_up(course_items)
    return result


# ----------------------------------------------------------------------------------------------------------------
# Recommendations from the gap audit
# ----------------------------------------------------------------------------------------------------------------


@atomic_retry
def absorb_recommendations(person_ids):
    """
    Turn the people's live course recommendations into plan items (source ``gap``), in their current open plan
    (a new active plan for the year when they have none), and keep items made earlier in step with their
    recommendation (an assignment or the person's enrolment moves the item on). Set-based and idempotent: called
    by the competencies hook (``course_recommendations_changed``) after every recommend / assign / enrol.
    """
    person_ids = list(person_ids)
    # A dismissed recommendation takes its still-open item with it (the person declined the course).
    PlanItem.objects.filter(
        owner_id__in=person_ids,
        recommendation__status=CourseRecommendation.DISMISSED,
        status__in=(PlanItem.PROPOSED, PlanItem.APPROVED),
        enrolled=False,
    ).update(status=PlanItem.CANCELLED)
    recs = list(CourseRecommendation.objects.filter(person_id__in=person_ids, live=True).select_related("competency"))
    if not recs:
        return 0
    existing = {}
    for item in PlanItem.objects.filter(recommendation__in=recs).exclude(status=PlanItem.CANCELLED):
        existing.setdefault(item.recommendation_id, []).append(item)
    # Items already made: follow an assignment or an enrolment.
    to_enrol = []
    for rec in recs:
        for item in existing.get(rec.pk, ()):
            if rec.status == CourseRecommendation.ENROLLED and not item.enrolled:
                to_enrol.append(item)
    if to_enrol:
        for item in to_enrol:
            if item.status == PlanItem.PROPOSED:
                item.status, item.approved_at = PlanItem.APPROVED, timezone.now()
        PlanItem.objects.bulk_update(to_enrol, ["status", "approved_at"])
        progress.mark_enrolled(to_enrol)
    new = [rec for rec in recs if rec.pk not in existing]
    if not new:
        return 0
    plans = {}
    for plan in Plan.objects.filter(owner_id__in={r.person_id for r in new}, status__in=Plan.OPEN_STATUSES).order_by(
        "owner_id", "-status", "-period_start", "-pk"
    ):
        # ``active`` sorts after ``draft`` and ``proposed`` descending: an active plan is preferred.
        plans.setdefault(plan.owner_id, plan)
    missing = sorted({r.person_id for r in new} - set(plans))
    if missing:
        start, end = _year_period()
        created = Plan.objects.bulk_create(
            [
                Plan(
                    owner_id=pk,
                    title=_("Development plan %(year)s") % {"year": start.year},
                    period_start=start,
                    period_end=end,
                    status=Plan.ACTIVE,
                )
                for pk in missing
            ]
        )
        if created and created[0].pk is None:
            created = list(Plan.objects.filter(owner_id__in=missing, status=Plan.ACTIVE))
        plans.update({plan.owner_id: plan for plan in created})
    targets = _target_levels([(r.course_key, r.competency_id) for r in new])
    infos = get_backend().get_courses({r.course_key for r in new})
    now = timezone.now()
    items = []
    for rec in new:
        info = infos.get(rec.course_key)
        items.append(
            PlanItem(
                plan=plans[rec.person_id],
                owner_id=rec.person_id,
                order=1000 + len(items),
                kind=KIND_COURSE,
                title=info.display_name if info else str(rec.course_key),
                course_key=rec.course_key,
                competency_id=rec.competency_id,
                target_level=targets.get((rec.course_key, rec.competency_id)),
                category="education",
                source="gap",
                source_ref=f"gap:{rec.gap_id}" if rec.gap_id else "",
                recommendation=rec,
                # Both are the manager's (or HR's) decision: a recommendation waits for the person to enrol from
                # their plan (or dismiss it on My competencies); an assignment is already enrolled.
                status=PlanItem.APPROVED,
                self_enrol=True,
                proposed_by_id=rec.created_by_id,
                approved_by_id=rec.created_by_id,
                approved_at=now,
            )
        )
    created = PlanItem.objects.bulk_create(items)
    if created and created[0].pk is None:
        created = list(PlanItem.objects.filter(recommendation__in=new))
    progress.mark_enrolled(
        [i for i, rec in zip(created, new, strict=True) if rec.status == CourseRecommendation.ENROLLED]
    )
    progress.catch_up(created)
    return len(created)


# ----------------------------------------------------------------------------------------------------------------
# Lists for the pages and the API (scoped in the database, constant queries)
# ----------------------------------------------------------------------------------------------------------------


def plans_of(viewer, person):
    """The person's plans, newest first, if ``viewer`` may view them."""
    require(viewer, VIEW, person)
    return Plan.objects.filter(owner=person).select_related("owner__user", "template")


def visible_plans(viewer):
    """Every plan the viewer may view (their own, their reports', HR scope, grants)."""
    return Plan.objects.filter(owner__in=Employee.objects.filter(visible_employees_q(viewer))).select_related(
        "owner__user", "template"
    )


def team_plans(viewer):
    """
    Open plans of the viewer's team (reports at any depth and delegations; HR admins: their scope), with counts of
    items, completed, overdue and awaiting approval, and the average progress. One query.
    """
    require(viewer, "perf_mgmt.view_team_plans")
    people = Employee.objects.filter(team_q(viewer) | hr_employees_q(viewer)).exclude(user_id=viewer.pk)
    today = timezone.localdate()
    live = ~Q(items__status=PlanItem.CANCELLED)
    return (
        Plan.objects.filter(owner__in=people, status__in=Plan.OPEN_STATUSES)
        .select_related("owner__user", "owner__org_unit")
        .annotate(
            item_count=Count("items", filter=live),
            done_count=Count("items", filter=Q(items__status=PlanItem.COMPLETED)),
            awaiting_count=Count("items", filter=Q(items__status=PlanItem.PROPOSED)),
            overdue_count=Count("items", filter=Q(items__status__in=PlanItem.OPEN_STATUSES, items__due_date__lt=today)),
        )
        .order_by("owner__user__last_name", "owner__user__first_name", "-period_start", "pk")
    )


def items_of_plan(plan):
    """The plan's items with their competency and course info, in order (two queries with the platform batch)."""
    items = list(plan.items.select_related("competency").order_by("order", "pk"))
    backend = get_backend()
    infos = backend.get_courses({i.course_key for i in items if i.course_key})
    for item in items:
        item.course_info = infos.get(item.course_key) if item.course_key else None
        item.course_link = backend.course_url(item.course_key) if item.course_key else ""
    return items


def next_steps(items, limit=3):
    """What to do next: open approved items, overdue first, then by due date and order."""
    far = datetime.date.max
    candidates = [i for i in items if i.status in (PlanItem.APPROVED, PlanItem.IN_PROGRESS)]
    return sorted(candidates, key=lambda i: (not i.is_overdue, i.due_date or far, i.order, i.pk))[:limit]


def course_learners(viewer, course_key):
    """
    The items of everyone who has ``course_key`` in a plan, with the person, for the course's staff
    (``perf_mgmt.view_course_data``). One query.
    """
    key = parse_course_key(course_key)
    require(viewer, "perf_mgmt.view_course_data", key)
    return (
        PlanItem.objects.filter(course_key=key)
        .exclude(status=PlanItem.CANCELLED)
        .select_related("owner__user", "owner__org_unit", "plan", "competency")
        .order_by("owner__user__last_name", "owner__user__first_name", "pk")
    )


def course_summary(items):
    """Counts per status and the average progress of a course's plan items (in Python over the loaded list)."""
    summary = {"learners": len({i.owner_id for i in items}), "completed": 0, "in_progress": 0, "not_started": 0}
    for item in items:
        if item.status == PlanItem.COMPLETED:
            summary["completed"] += 1
        elif item.status == PlanItem.IN_PROGRESS:
            summary["in_progress"] += 1
        else:
            summary["not_started"] += 1
    summary["avg_progress"] = round(sum(i.progress for i in items) / len(items)) if items else 0
    return summary
