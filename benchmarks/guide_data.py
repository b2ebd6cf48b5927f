"""
On top of ``org_data``: four blended modules with a five-step implementation guide each (steps 2 and 4 observed by
the manager), and ``learners`` people part-way through applying one module's guide -- a seeded mix of planned,
applied, awaiting observation and observed steps (bulk inserts). Shared by ``bench_guide`` and its guard test.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from perf_mgmt_plugin.blended import api as blended
from perf_mgmt_plugin.blended.models import GuideApplication

MODULES = ("COACH101", "FEEDBACK101", "PLAN101", "STAKE101")
STEPS = 5
OBSERVED_STEPS = (2, 4)


def course_key(module):
    return CourseKey.from_string(f"course-v1:Bench+{module}+2026")


def usage_key(module):
    return f"block-v1:Bench+{module}+2026+type@perf_mgmt_implementation_guide+block@guide"


def guide(module):
    """The :class:`blended.Guide` of a module (what its block passes to the api)."""
    return blended.Guide(
        course_key=course_key(module),
        usage_key=usage_key(module),
        title=f"{module} on the job",
        steps=tuple(
            blended.Step(f"s{n}", f"Step {n} of {module}", needs_observation=n in OBSERVED_STEPS)
            for n in range(1, STEPS + 1)
        ),
    )


@dataclass
class BuiltGuides:
    learners: list  # employee pks applying a guide
    applications: int
    awaiting: int


def build_applications(built, learners, *, seed=13):
    """``learners`` people (never the top manager) each part-way through one module's guide."""
    rng = random.Random(seed)
    people = [built.employee_pk(spec.index) for spec in built.plan.people if spec.level > 0]
    chosen = rng.sample(people, min(learners, len(people)))
    now = timezone.now()
    rows = []
    for person in chosen:
        module = MODULES[person % len(MODULES)]
        reached = rng.randint(1, STEPS)
        for n in range(1, reached + 1):
            observed = n in OBSERVED_STEPS
            last = n == reached
            status = GuideApplication.PLANNED if last and rng.random() < 0.3 else GuideApplication.APPLIED
            if status == GuideApplication.APPLIED and observed and not last:
                status = GuideApplication.OBSERVED
            rows.append(
                GuideApplication(
                    person_id=person,
                    course_key=course_key(module),
                    usage_key=usage_key(module),
                    step_id=f"s{n}",
                    step_title=f"Step {n} of {module}",
                    guide_title=f"{module} on the job",
                    needs_observation=observed,
                    status=status,
                    planned_for=(now + datetime.timedelta(days=3)).date() if status == "planned" else None,
                    reflection="" if status == "planned" else f"Reflection {person}/{n}",
                    applied_at=None if status == "planned" else now - datetime.timedelta(hours=rng.randint(1, 500)),
                    observed_at=now if status == "observed" else None,
                    version=1,
                )
            )
    GuideApplication.objects.bulk_create(rows, batch_size=2000)
    awaiting = sum(1 for row in rows if row.status == "applied" and row.needs_observation)
    return BuiltGuides(learners=chosen, applications=len(rows), awaiting=awaiting)


#: The floor of the manager's queue: the same first page by one hand-written SQL statement (the team by path
#: prefix, the learner's name joined), what the service's ORM query costs at the least.
FLOOR_SQL = """
SELECT a.id, a.step_title, a.applied_at, u.first_name, u.last_name
FROM perf_mgmt_guideapplication a
JOIN perf_mgmt_employee e ON e.id = a.person_id
JOIN auth_user u ON u.id = e.user_id
WHERE a.status = 'applied' AND a.needs_observation AND e.active AND e.path LIKE %s AND e.user_id <> %s
ORDER BY a.applied_at, a.id
LIMIT 50
"""


def queue_page(user):
    """The service's first page of ``user``'s observation queue (50 rows, with the learner) and its total."""
    queue = blended.observation_queue(user)
    return list(queue[:50]), queue.count()


def floor_page(user, path):
    from django.db import connection  # pylint: disable=import-outside-toplevel

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [f"{path}%", user.pk])
        return cursor.fetchall()
