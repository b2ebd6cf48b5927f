"""
Manager development (issue 19): a manager whose process figures lag (``pack.flag_reasons``) is flagged to their own
managers and HR, who may offer the coaching and communication skills plan in one click. The plan is made through the
development domain's own functions (``create_plan`` / ``add_item``), from the plan template
:data:`COACHING_TEMPLATE_SLUG` (created with its default items the first time it is needed, editable by HR after).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ..core.access import require
from ..core.idempotency import once
from ..org.api import Employee
from .deps import Plan, PlanTemplate, TemplateItem, development_services
from .errors import HealthError, NotLagging
from .pack import compute_pack

COACHING_TEMPLATE_SLUG = "manager-coaching-communication"
COACHING_ITEMS = (
    {
        "kind": "coaching",
        "category": "exposure",
        "title": "Coaching sessions with an experienced manager",
        "due_days": 90,
    },
    {
        "kind": "on_the_job",
        "category": "experience",
        "title": "Hold a face-to-face check-in with every report each month",
        "due_days": 60,
    },
    {
        "kind": "on_the_job",
        "category": "experience",
        "title": "Prepare and hold each review meeting by its deadline",
        "due_days": 120,
    },
    {
        "kind": "reading",
        "category": "education",
        "title": "Coaching conversations: listening, questions, feedback",
        "due_days": 30,
    },
    {
        "kind": "other",
        "category": "exposure",
        "title": "Ask two reports for feedback on your communication",
        "due_days": 45,
    },
)


def coaching_template():
    """The coaching and communication skills plan template (made with its default items when missing)."""
    template = PlanTemplate.objects.filter(slug=COACHING_TEMPLATE_SLUG).first()
    if template is None:
        template = development_services.create_template(
            slug=COACHING_TEMPLATE_SLUG,
            name="Coaching and communication skills",
            description="<p>For managers: coaching conversations, regular check-ins and review meetings.</p>",
            items=COACHING_ITEMS,
        )
    return template


@dataclass
class ManagerFlag:
    """A manager's process figures in the pack of their unit, with why they lag and any open coaching plan."""

    manager: Employee
    figures: object  # pack.ManagerFigures
    open_plan: Plan | None


def manager_flag(user, manager, as_of=None, period=None):
    """
    The flag of ``manager`` for ``user`` (their managers, delegates, HR in scope): the manager's figures from the
    pack of the manager's own unit. ``AccessDenied`` for anyone else.
    """
    require(user, "perf_mgmt.view_manager_development", manager)
    if manager.org_unit_id is None:
        raise HealthError(_("This manager has no org unit."))
    pack = compute_pack(manager.org_unit, period, as_of)
    figures = next((m for m in pack.process.managers if m.manager_id == manager.pk), None)
    if figures is None:
        raise HealthError(_("This person has no reports to measure."))
    template = PlanTemplate.objects.filter(slug=COACHING_TEMPLATE_SLUG).first()
    open_plan = (
        Plan.objects.filter(owner=manager, template=template, status__in=Plan.OPEN_STATUSES).first()
        if template
        else None
    )
    return ManagerFlag(manager=manager, figures=figures, open_plan=open_plan)


def offer_coaching_plan(user, manager, *, idempotency_key="", as_of=None, period=None):
    """
    Give ``manager`` the coaching and communication skills plan (active, its items approved), made by ``user`` with
    the development domain's functions. Only for a lagging manager; a manager who already has an open plan from the
    template gets that one back (offering twice makes one plan), as does the same request sent twice.
    """
    require(user, "perf_mgmt.offer_development_plan", manager)
    flag = manager_flag(user, manager, as_of=as_of, period=period)
    if not flag.figures.reasons:
        raise NotLagging(_("This manager's process figures do not lag: there is nothing to offer."))

    def make():
        with transaction.atomic():
            # Lock the manager's record: two offers at once make one plan.
            Employee.objects.select_for_update().filter(pk=manager.pk).first()
            template = coaching_template()
            existing = Plan.objects.filter(owner=manager, template=template, status__in=Plan.OPEN_STATUSES).first()
            if existing is not None:
                return existing
            plan = development_services.create_plan(user, manager, title=template.name, template=template)
            for item in TemplateItem.objects.filter(template=template).order_by("order", "pk"):
                development_services.add_item(
                    user,
                    plan,
                    source="manager",
                    source_ref=f"health:{manager.pk}",
                    kind=item.kind,
                    title=item.title,
                    description=item.description,
                    category=item.category,
                )
            return plan

    return once(user, idempotency_key, f"health-coaching:{manager.pk}", Plan, make).result
