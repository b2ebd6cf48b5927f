"""
Launching a cycle: one review per person of its population, with its items copied from the template and the
person's data -- one key-result-area item per objective they own in the period (line of sight, no retyping), one
competency item per requirement of their position, one item per free question.

Why in batches with plain inserts: a launch for 20,000 people writes hundreds of thousands of rows; the ORM's
per-instance ``bulk_create`` costs several times the insert itself (``benchmarks/bench_appraisals.py``). Each
batch is one transaction holding its reviews *and* their items, so a review never exists without its items, and a
re-run (after a crash, or with a wider population) only adds the reviews that are missing. The cycle records
``launch_total``/``launch_done`` after each committed batch, so the page shows the progress of the Celery task.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..competencies.api import PositionRequirement
from ..core.access import require
from ..core.bulk import bulk_insert
from ..core.concurrency import atomic_retry
from ..org.api import Employee
from ..strategy.api import Objective
from .cycles import MANAGE_APPRAISALS, population
from .errors import AppraisalError
from .models import Cycle, Review, ReviewItem, TemplateSection
from .templates import sections_of

log = logging.getLogger(__name__)

#: People per batch (one transaction each; progress is recorded after each).
BATCH_SIZE = 1000
REVIEW_FIELDS = [f.attname for f in Review._meta.concrete_fields if not f.primary_key]
ITEM_FIELDS = [f.attname for f in ReviewItem._meta.concrete_fields if not f.primary_key]


def _defaults(model):
    """Every column's default once per run: ``bulk_insert`` writes the columns it is given and nothing else."""
    return {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}


def _rows(fields, defaults, dicts):
    return [tuple(values.get(name, defaults[name]) for name in fields) for values in dicts]


@transaction.atomic
def start_launch(actor, cycle):
    """
    Mark a draft or active cycle as launching (unrestricted HR admins): status ``active``, ``launch_status``
    ``running``, progress reset. The caller enqueues ``run_launch`` after this commits (``api.launch_cycle``), so
    the worker sees the new state. Launching an active cycle again is the safe re-run.
    """
    require(actor, MANAGE_APPRAISALS)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == Cycle.CLOSED:
        raise AppraisalError(_("A closed cycle cannot be launched."))
    if not (cycle.units.exists() or cycle.positions.exists() or cycle.people.exists()):
        raise AppraisalError(_("Choose who the cycle is for (org units, positions or people) before launching it."))
    if not cycle.template.active:
        raise AppraisalError(_("The cycle's template is no longer active."))
    if not cycle.template.sections.exists():
        raise AppraisalError(_("The cycle's template has no sections."))
    if cycle.launch_status == Cycle.LAUNCH_RUNNING and not is_stale(cycle):
        return cycle  # a launch is under way (a double click): the task sent again finds it held and does nothing
    cycle.status = Cycle.ACTIVE
    cycle.launch_status = Cycle.LAUNCH_RUNNING
    cycle.launch_error = ""
    cycle.launch_done = 0
    cycle.launched_at = cycle.launched_at or timezone.now()
    cycle.launch_heartbeat = None  # free for the next run (a stale one is resumed)
    cycle.save(
        update_fields=["status", "launch_status", "launch_error", "launch_done", "launched_at", "launch_heartbeat"]
    )
    return cycle


#: A running launch without a sign of life for this long is stale (its worker was killed): resumable from the page.
LAUNCH_STALE = datetime.timedelta(minutes=5)


def is_stale(cycle, now=None):
    """
    Whether the cycle's launch says "running" but its run stopped: no heartbeat (each committed batch beats) for
    ``LAUNCH_STALE``, or never claimed that long after it was started.
    """
    if cycle.launch_status != Cycle.LAUNCH_RUNNING:
        return False
    last = cycle.launch_heartbeat or cycle.launched_at
    return last is None or last < (now or timezone.now()) - LAUNCH_STALE


def _claim(cycle_id, rerun):
    """
    Take the launch of the cycle for this run (one conditional UPDATE): a running launch nobody holds or whose
    holder went silent (stale); with ``rerun`` (the operator's command) also a finished or failed one. ``False``
    when another run holds it -- a duplicate delivery of the task -- or the launch is already done.
    """
    now = timezone.now()
    free = Q(launch_heartbeat__isnull=True) | Q(launch_heartbeat__lt=now - LAUNCH_STALE)
    statuses = [Cycle.LAUNCH_RUNNING] + ([Cycle.LAUNCH_DONE, Cycle.LAUNCH_FAILED, Cycle.LAUNCH_IDLE] if rerun else [])
    return bool(
        Cycle.objects.filter(free, pk=cycle_id, launch_status__in=statuses).update(
            launch_heartbeat=now, launch_status=Cycle.LAUNCH_RUNNING
        )
    )


class _ItemSources:
    """
    What the items of a batch of reviews are copied from, read in three queries per batch whatever its size: the
    templates' sections and questions (once), the people's objectives, their positions' requirements.
    """

    def __init__(self, cycles):
        self.sections = sections_of({cycle.template_id for cycle in cycles})
        self.requirements = {}

    def load(self, cycles, people):
        owner_ids = [person["pk"] for person in people]
        periods = {cycle.period_id for cycle in cycles if cycle.period_id}
        undated = [cycle for cycle in cycles if not cycle.period_id]
        when = Q(period_id__in=periods) if periods else Q(pk__in=[])
        if undated:
            when |= Q(
                start_date__lte=max(cycle.end for cycle in undated),
                due_date__gte=min(cycle.start for cycle in undated),
            )
        self.objectives = {}
        for objective in (
            Objective.objects.filter(when, owner_id__in=owner_ids, active=True)
            .order_by("due_date", "pk")
            .values("pk", "owner_id", "period_id", "title", "weight", "start_date", "due_date")
        ):
            self.objectives.setdefault(objective["owner_id"], []).append(objective)
        missing = {person["position_id"] for person in people} - set(self.requirements) - {None}
        for position_id in missing:
            self.requirements[position_id] = []
        for requirement in (
            PositionRequirement.objects.filter(position_id__in=missing, competency__active=True)
            .order_by("competency__framework__name", "competency__order", "competency__code")
            .values(
                "position_id",
                "competency_id",
                "competency__name",
                "competency__framework__scale_id",
                "required_level",
            )
        ):
            self.requirements[requirement["position_id"]].append(requirement)

    def _objectives_in(self, cycle, person):
        for objective in self.objectives.get(person["pk"], ()):
            if cycle.period_id:
                if objective["period_id"] == cycle.period_id:
                    yield objective
            elif objective["start_date"] <= cycle.end and objective["due_date"] >= cycle.start:
                yield objective

    def items(self, cycle, person, review_id):
        """The item rows (dicts) of one person's review, in the template's order."""
        order = 0
        for section in self.sections.get(cycle.template_id, ()):
            if section.kind == TemplateSection.KRA:
                lines = [
                    {"title": o["title"], "objective_id": o["pk"], "scale_id": section.scale_id, "weight": o["weight"]}
                    for o in self._objectives_in(cycle, person)
                ]
            elif section.kind == TemplateSection.COMPETENCIES:
                lines = [
                    {
                        "title": r["competency__name"],
                        "competency_id": r["competency_id"],
                        "scale_id": r["competency__framework__scale_id"],
                        "required_level": r["required_level"],
                    }
                    for r in self.requirements.get(person["position_id"], ())
                ]
            elif section.kind == TemplateSection.QUESTIONS:
                lines = [{"title": q.text[:255], "question_id": q.pk} for q in section.questions.all()]
            else:
                lines = []
            for line in lines:
                line.update(review_id=review_id, section_id=section.pk, order=order)
                order += 1
                yield line


def _create_reviews(entries, *, joined_late, sources):
    """
    Insert the reviews of ``entries`` (``(cycle, person)`` pairs, person a dict with pk, manager_id and
    position_id) with their items. Five queries whatever the number of entries. Returns the number of reviews.
    """
    if not entries:
        return 0
    now = timezone.now()
    review_defaults, item_defaults = _defaults(Review), _defaults(ReviewItem)
    bulk_insert(
        Review,
        REVIEW_FIELDS,
        _rows(
            REVIEW_FIELDS,
            review_defaults,
            (
                {
                    "cycle_id": cycle.pk,
                    "employee_id": person["pk"],
                    "manager_id": person["manager_id"],
                    "joined_late": joined_late,
                    "created": now,
                }
                for cycle, person in entries
            ),
        ),
    )
    review_ids = {
        (cycle_id, employee_id): pk
        for cycle_id, employee_id, pk in Review.objects.filter(
            cycle_id__in={cycle.pk for cycle, _person in entries},
            employee_id__in={person["pk"] for _cycle, person in entries},
        ).values_list("cycle_id", "employee_id", "pk")
    }
    sources.load({cycle for cycle, _person in entries}, [person for _cycle, person in entries])
    items = (
        item for cycle, person in entries for item in sources.items(cycle, person, review_ids[(cycle.pk, person["pk"])])
    )
    bulk_insert(ReviewItem, ITEM_FIELDS, _rows(ITEM_FIELDS, item_defaults, items))
    return len(entries)


_PERSON_FIELDS = ("pk", "manager_id", "position_id")


def run_launch(cycle_id, *, batch_size=BATCH_SIZE, rerun=False):
    """
    Create the missing reviews of a launching cycle, in batches (idempotent: people who have a review in the cycle
    are skipped, so a re-run after a failure or a change of population only adds what is missing). Records progress
    and a heartbeat after each batch and ``done`` or ``failed`` (with the error) at the end. Returns the number of
    reviews created.

    Serialised on the cycle: the run first claims the launch (``_claim``). A second delivery of the task while a run
    holds it, or after the launch is done, does nothing and fails nothing (it returns 0). A run whose worker was
    killed leaves the launch "running" with an old heartbeat: stale, it is resumed from the cycle page (or by a
    redelivered message once stale). ``rerun`` (the operator's command) also re-runs a finished or failed launch.
    """
    cycle = Cycle.objects.select_related("template").get(pk=cycle_id)
    if cycle.status != Cycle.ACTIVE:
        raise AppraisalError(_("Only an active cycle can be launched."))
    if not _claim(cycle.pk, rerun):
        log.info("Launch of cycle %s is held by another run or done: this delivery does nothing", cycle_id)
        return 0
    try:
        people = list(population(cycle).order_by("pk").values(*_PERSON_FIELDS))
        existing = set(Review.objects.filter(cycle=cycle).values_list("employee_id", flat=True))
        todo = [person for person in people if person["pk"] not in existing]
        Cycle.objects.filter(pk=cycle.pk).update(
            launch_total=len(people), launch_done=len(people) - len(todo), launch_status=Cycle.LAUNCH_RUNNING
        )
        sources = _ItemSources([cycle])
        created = 0
        for start in range(0, len(todo), batch_size):
            created += _launch_batch(cycle, todo[start : start + batch_size], sources)
    except Exception as error:
        log.exception("Launch of cycle %s failed", cycle_id)
        Cycle.objects.filter(pk=cycle.pk).update(
            launch_status=Cycle.LAUNCH_FAILED, launch_error=str(error)[:2000], launch_heartbeat=None
        )
        raise
    Cycle.objects.filter(pk=cycle.pk).update(launch_status=Cycle.LAUNCH_DONE, launch_error="", launch_heartbeat=None)
    return created


@atomic_retry
def _launch_batch(cycle, batch, sources):
    """
    One batch of a launch in its own transaction, retried on deadlock (ADR 0015). The cycle's row is locked first,
    so two runs of the same launch (a double click, a task delivered twice) take turns, and the people given a
    review meanwhile (a locking read) are skipped: nobody gets two reviews.
    """
    Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk", flat=True).first()
    done = set(
        Review.objects.select_for_update()
        .filter(cycle=cycle, employee_id__in=[person["pk"] for person in batch])
        .values_list("employee_id", flat=True)
    )
    batch = [person for person in batch if person["pk"] not in done]
    created = _create_reviews([(cycle, person) for person in batch], joined_late=False, sources=sources)
    Cycle.objects.filter(pk=cycle.pk).update(launch_done=F("launch_done") + len(batch), launch_heartbeat=timezone.now())
    return created


def _covers(cycle, person, unit_paths):
    return (
        person["pk"] in cycle.people_ids
        or (person["position_id"] is not None and person["position_id"] in cycle.position_ids)
        or any((person["org_unit__path"] or "\0").startswith(path) for path in unit_paths)
    )


@transaction.atomic
def add_late_joiners(employee_ids=None):
    """
    Give a review (``joined_late``) to the active people who now belong to a launched, active cycle's population
    and have none in it yet: people hired, moved or promoted into it after the launch. ``employee_ids`` limits the
    check to those people (the org-change handlers pass the people who changed); ``None`` checks everyone.
    Constant queries: the cycles and their population rules are read once and matched in memory. Returns the
    number of reviews created.
    """
    cycles = list(
        Cycle.objects.filter(status=Cycle.ACTIVE, launch_status=Cycle.LAUNCH_DONE).prefetch_related(
            "units", "positions", "people"
        )
    )
    if not cycles:
        return 0
    people = Employee.objects.filter(active=True)
    if employee_ids is not None:
        people = people.filter(pk__in=list(employee_ids))
    people = list(people.order_by("pk").values(*_PERSON_FIELDS, "org_unit__path"))
    existing = set(
        Review.objects.filter(cycle__in=cycles, employee_id__in=[p["pk"] for p in people]).values_list(
            "cycle_id", "employee_id"
        )
    )
    entries = []
    for cycle in cycles:
        cycle.people_ids = {person.pk for person in cycle.people.all()}
        cycle.position_ids = {position.pk for position in cycle.positions.all()}
        unit_paths = [unit.path for unit in cycle.units.all()]
        entries.extend(
            (cycle, person)
            for person in people
            if (cycle.pk, person["pk"]) not in existing and _covers(cycle, person, unit_paths)
        )
    sources = _ItemSources(cycles)
    created = 0
    for start in range(0, len(entries), BATCH_SIZE):
        created += _create_reviews(entries[start : start + BATCH_SIZE], joined_late=True, sources=sources)
    if created:
        log.info("Added %s late joiners to active cycles", created)
    return created


def launch_progress(cycle):
    """``(status, done, total, error)`` of the cycle's launch, read fresh from the database (for progress pages)."""
    return (
        Cycle.objects.filter(pk=cycle.pk).values_list("launch_status", "launch_done", "launch_total", "launch_error")
    ).get()
