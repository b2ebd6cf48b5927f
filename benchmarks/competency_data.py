"""
A fast generator of competency data on top of an organisation built by ``org_data``: frameworks on one scale,
what each position requires, and a large append-only history of assessments from every source.

Why it exists: the competencies domain promises a gap recomputation in a fixed number of queries per batch of
people and a gap audit heatmap in a constant number of queries, as fast as the database can aggregate. Proving
that needs a million assessments written in seconds, with a realistic mix (several sources and raters per person
and competency, some older than the policy's recency window, some on competencies the position does not require),
and the same shape at small sizes for the query-count guard (``tests/competencies/test_scale_query_counts.py``).

The shape is deterministic (a seeded generator): the frameworks and competencies are created through the services
(a few dozen rows); requirements and assessments are written with bulk inserts -- the assessments as raw
``executemany`` batches, values adapted by the database backend once per distinct value -- and no history rows. The
gaps are *not* written here: computing them is what the benchmark measures. Only for tests and benchmarks.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from perf_mgmt_plugin.competencies import services
from perf_mgmt_plugin.competencies.models import Assessment, PositionRequirement
from perf_mgmt_plugin.org.models import Position

#: (slug, name) of the frameworks; competencies are split evenly between them.
FRAMEWORKS = (("bench-leadership", "Leadership"), ("bench-project-management", "Project Management"))
SCALE = (
    (1, "Aware", "<p>Knows the concepts.</p>"),
    (2, "Practising", "<p>Applies them with guidance.</p>"),
    (3, "Skilled", "<p>Applies them alone.</p>"),
    (4, "Advanced", "<p>Coaches others.</p>"),
    (5, "Expert", "<p>Shapes the practice.</p>"),
)
#: Source of an assessment and its share of the history.
SOURCE_MIX = (
    (Assessment.SELF, 30),
    (Assessment.MANAGER, 25),
    (Assessment.PEER, 25),
    (Assessment.DIRECT_REPORT, 10),
    (Assessment.COURSE, 10),
)
#: Share of assessments on a competency the person's position requires (the rest are ignored by the gaps).
REQUIRED_SHARE = 0.85
#: Assessments are spread over this many days before ``now``; the default policy counts the last 730.
HISTORY_DAYS = 900
COURSES = 25
ASSESSMENT_COLUMNS = (
    "person",
    "competency",
    "level",
    "source",
    "rater",
    "context_type",
    "context_id",
    "course_key",
    "evidence",
    "created",
)
INSERT_BATCH = 10_000


@dataclass
class BuiltCompetencies:
    """What was written: competency pks in order, and ``{position_id: {competency_id: required level}}``."""

    competency_ids: list
    requirements: dict
    assessments: int = 0
    sources: dict = field(default_factory=dict)

    def expected_gaps(self, position_ids):
        """How many gaps a full recomputation stores for people holding ``position_ids`` (one per person)."""
        return sum(len(self.requirements.get(position_id, ())) for position_id in position_ids)


def build_frameworks(competencies, prefix="bench"):
    """A five-level scale and two frameworks sharing ``competencies`` competencies (services; a few dozen rows)."""
    scale = services.create_scale(slug=f"{prefix}-five", name="Five levels", levels=SCALE)
    ids = []
    for number, (slug, name) in enumerate(FRAMEWORKS):
        framework = services.create_framework(slug=f"{prefix}-{slug}", name=name, scale=scale)
        share = range(number, competencies, len(FRAMEWORKS))
        for order, index in enumerate(share):
            competency = services.add_competency(
                framework, code=f"C{index:03d}", name=f"{name} competency {index}", order=order
            )
            ids.append((index, competency.pk))
    return [pk for _index, pk in sorted(ids)]


def _position_pks(plan):
    return dict(Position.objects.filter(code__in=[code for code, _t in plan.positions]).values_list("code", "pk"))


def build_requirements(plan, competency_ids, per_position, seed=4):
    """
    Each of the plan's positions (one per reporting level) requires ``per_position`` competencies (a seeded pick,
    levels 2 to 5), written with one bulk insert and no history. Returns ``{position_id: {competency_id: level}}``.
    """
    rng = random.Random(seed)
    position_pks = _position_pks(plan)
    per_position = min(per_position, len(competency_ids))
    requirements, rows = {}, []
    for level, (code, _title) in enumerate(plan.positions):
        position_id = position_pks[code]
        picked = rng.sample(competency_ids, per_position)
        requirements[position_id] = {pk: 2 + (level + offset) % 4 for offset, pk in enumerate(picked)}
        for competency_id, required in requirements[position_id].items():
            criticality = ("high", "medium", "low")[competency_id % 3]
            rows.append(
                PositionRequirement(
                    position_id=position_id,
                    competency_id=competency_id,
                    required_level=required,
                    criticality=criticality,
                )
            )
    PositionRequirement.objects.bulk_create(rows, batch_size=1000)
    return requirements


def _datetimes(now, rng, slots=20_000):
    """``slots`` creation times over the history, adapted by the backend once each (a datetime per row is slow)."""
    values = []
    for _ in range(slots):
        moment = now - datetime.timedelta(days=rng.random() * HISTORY_DAYS)
        values.append(connection.ops.adapt_datetimefield_value(moment))
    return values


def assessment_rows(built, requirements, competency_ids, count, *, now=None, seed=7):
    """
    ``count`` assessment rows (tuples in ``ASSESSMENT_COLUMNS`` order) spread evenly over the built organisation's
    people: a seeded mix of sources, raters (self, their manager, a peer of the same level, a report or anyone as
    "direct report", a course without a rater), levels 1..5 and times over ``HISTORY_DAYS`` days.
    """
    rng = random.Random(seed)
    now = now or timezone.now()
    times = _datetimes(now, rng)
    plan = built.plan
    people = plan.people
    position_pks = _position_pks(plan)
    required_of = {position_pks[code]: list(requirements.get(position_pks[code], {})) for code, _t in plan.positions}
    sources = [source for source, share in SOURCE_MIX for _ in range(share)]
    courses = [f"course-v1:Bench+C{number:03d}+2026" for number in range(COURSES)]
    level_starts = [plan.first_of_level(level) for level in range(plan.depth)] + [len(people)]
    per_person, extra = divmod(count, len(people))
    choice, rand, randrange = rng.choice, rng.random, rng.randrange
    for spec in people:
        person_id, user_id = built.employee_pk(spec.index), built.user_pk(spec.index)
        required = required_of[position_pks[spec.position]]
        low, high = level_starts[spec.level], level_starts[spec.level + 1]
        for _ in range(per_person + (1 if spec.index < extra else 0)):
            if required and rand() < REQUIRED_SHARE:
                competency_id = choice(required)
            else:
                competency_id = choice(competency_ids)
            source = choice(sources)
            if source == Assessment.MANAGER and spec.manager is None:
                source = Assessment.SELF
            context_type = context_id = ""
            course_key = None
            if source == Assessment.SELF:
                rater = user_id
            elif source == Assessment.MANAGER:
                rater = built.user_pk(spec.manager)
                context_type, context_id = "appraisal", f"cycle-{randrange(3)}"
            elif source == Assessment.PEER:
                rater = built.user_pk(randrange(low, high))
            elif source == Assessment.DIRECT_REPORT:
                rater = built.user_pk(randrange(len(people)))
            else:
                rater = None
                course_key = choice(courses)
                context_type, context_id = "course", course_key
            yield (
                person_id,
                competency_id,
                1 + randrange(5),
                source,
                rater,
                context_type,
                context_id,
                course_key,
                "",
                choice(times),
            )


def write_assessments(rows, batch_size=INSERT_BATCH):
    """Insert assessment ``rows`` with raw ``executemany`` batches; returns ``(rows written, {source: rows})``."""
    meta = Assessment._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in ASSESSMENT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(ASSESSMENT_COLUMNS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    written, sources, batch = 0, {}, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            sources[row[3]] = sources.get(row[3], 0) + 1
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written, sources


def build_competencies(built, *, competencies=40, assessments=1_000_000, per_position=12, now=None, prefix="bench"):
    """
    Frameworks, requirements for every position of ``built`` (an ``org_data.BuiltOrg``) and ``assessments``
    assessments. Call it inside a transaction for speed. Gaps are left to ``gaps.recompute_gaps``.
    """
    competency_ids = build_frameworks(competencies, prefix=prefix)
    requirements = build_requirements(built.plan, competency_ids, per_position)
    rows = assessment_rows(built, requirements, competency_ids, assessments, now=now)
    written, sources = write_assessments(rows)
    return BuiltCompetencies(
        competency_ids=competency_ids, requirements=requirements, assessments=written, sources=sources
    )
