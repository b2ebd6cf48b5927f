"""
A fast generator of large organisations: N people in exactly D reporting levels, with org units and positions.

Why it exists: the org domain promises hierarchy reads and imports whose query counts do not grow with the size or
depth of the organisation. Proving that needs organisations of any shape, built quickly (50,000 people in seconds),
and the same shape as a CSV file in the import format (``perf_mgmt_plugin.org.importer``), so that the benchmark
and the query-count tests (``tests/org/test_scale_query_counts.py``) measure the same data.

The shape is deterministic: level sizes grow geometrically from one top manager to the widest bottom level, and
each level's people are spread evenly (in contiguous blocks) over the managers of the level above, so every
manager has reports and subtrees of one level have about the same size. People of the top levels head org units
(company > division > department > team); everyone below belongs to the team of their ancestor.

``build_org`` writes with plain ``bulk_create`` and primary keys chosen up front, so reporting paths are computed
in memory with the same helpers the services use (``core.paths``); it writes no history rows (no read measured
here touches them) and must only be used for tests and benchmarks, never for real data.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Max

from perf_mgmt_plugin.core.paths import child_path
from perf_mgmt_plugin.org import importer
from perf_mgmt_plugin.org.models import Employee, OrgUnit, Position

#: Org unit kinds by the level of the person heading the unit.
UNIT_KINDS = ("company", "division", "department")
#: Rows per INSERT statement while building.
BATCH_SIZE = 2000
START = datetime.date(2015, 1, 5)


@dataclass(frozen=True)
class PersonSpec:
    """One person of a planned organisation; ``manager`` is the index of their manager (``None`` for the top)."""

    index: int
    level: int
    manager: int | None
    number: str
    username: str
    email: str
    first_name: str
    last_name: str
    position: str
    org_unit: str
    start_date: datetime.date


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None


@dataclass(frozen=True)
class OrgPlan:
    """An organisation to build or to write as a CSV: people top first, level by level."""

    level_sizes: tuple
    people: tuple
    units: tuple
    positions: tuple  # (code, title) pairs

    @property
    def depth(self):
        return len(self.level_sizes)

    def first_of_level(self, level):
        return sum(self.level_sizes[:level])

    @property
    def top(self):
        return 0

    @property
    def mid(self):
        """The first manager of the middle level (never the bottom level, so they have reports)."""
        return self.first_of_level(min(self.depth // 2, max(self.depth - 2, 0)))

    @property
    def deepest(self):
        return len(self.people) - 1

    def subtree_size(self, index):
        """How many people report to ``index`` at any depth (computed from the plan, without the database)."""
        below = [0] * len(self.people)
        for person in reversed(self.people):
            if person.manager is not None:
                below[person.manager] += below[person.index] + 1
        return below[index]


def level_sizes(people, depth):
    """
    Sizes of ``depth`` levels adding up to ``people``: 1 at the top, then growing geometrically (never shrinking),
    the bottom level taking the rest.
    """
    if depth < 1 or people < depth:
        raise ValueError(f"cannot spread {people} people over {depth} levels")
    if depth == 1:
        if people != 1:
            raise ValueError("a one-level organisation has exactly one person")
        return (1,)

    def total(ratio):
        return sum(ratio**level for level in range(depth))

    low, high = 1.0, float(people)
    for _ in range(100):  # bisection for the ratio whose geometric series adds up to ``people``
        ratio = (low + high) / 2
        low, high = (ratio, high) if total(ratio) < people else (low, ratio)
    sizes = [1]
    for level in range(1, depth - 1):
        sizes.append(max(sizes[-1], round(low**level)))
    rest = people - sum(sizes)
    if rest < sizes[-1]:
        raise ValueError(f"cannot spread {people} people over {depth} growing levels")
    return (*sizes, rest)


def plan_org(people, depth, *, prefix="B", unit_prefix=None, unit_levels=4):
    """
    The plan of an organisation of ``people`` in ``depth`` levels. ``prefix`` starts every employee number and
    username (so several organisations can live in one database); units and positions use ``unit_prefix``
    (default: ``prefix``), so a second plan with the same shape can refer to the units of a built one.
    """
    unit_prefix = unit_prefix or prefix
    sizes = level_sizes(people, depth)
    unit_depth = max(min(unit_levels, depth - 1), 1)
    starts = [sum(sizes[:level]) for level in range(depth)]
    specs, units, unit_of = [], [], []
    for level, size in enumerate(sizes):
        for offset in range(size):
            index = starts[level] + offset
            manager = None
            if level:
                manager = starts[level - 1] + offset * sizes[level - 1] // size
            if level < unit_depth:
                code = f"{unit_prefix}U{index:06d}"
                kind = UNIT_KINDS[level] if level < len(UNIT_KINDS) else "team"
                parent = unit_of[manager] if manager is not None else None
                units.append(UnitSpec(code=code, name=f"{kind.title()} {index}", kind=kind, parent=parent))
            else:
                code = unit_of[manager]
            unit_of.append(code)
            specs.append(
                PersonSpec(
                    index=index,
                    level=level,
                    manager=manager,
                    number=f"{prefix}{index:06d}",
                    username=f"{prefix.lower()}{index:06d}",
                    email=f"{prefix.lower()}{index:06d}@example.com",
                    first_name=f"First{index}",
                    last_name=f"Last{index % 997}",
                    position=f"{unit_prefix}P{level:02d}",
                    org_unit=code,
                    start_date=START + datetime.timedelta(days=index % 3650),
                )
            )
    positions = tuple((f"{unit_prefix}P{level:02d}", f"Level {level} role") for level in range(depth))
    return OrgPlan(level_sizes=sizes, people=tuple(specs), units=tuple(units), positions=positions)


def _next_pk(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


@dataclass
class BuiltOrg:
    """A plan written to the database: primary keys of people and users by plan index."""

    plan: OrgPlan
    employee_base: int
    user_base: int
    unit_pks: dict = field(default_factory=dict)

    def employee_pk(self, index):
        return self.employee_base + index

    def user_pk(self, index):
        return self.user_base + index

    def employee(self, index):
        return Employee.objects.select_related("user").get(pk=self.employee_pk(index))


def build_structure(plan):
    """Write the org units and positions of ``plan``; ``({unit code: pk}, {position code: pk})``."""
    base = _next_pk(OrgUnit)
    unit_pks, paths, objs = {}, {}, []
    for offset, spec in enumerate(plan.units):
        pk = base + offset
        unit_pks[spec.code] = pk
        paths[spec.code] = child_path(paths[spec.parent] if spec.parent else "", pk)
        objs.append(
            OrgUnit(
                pk=pk,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                parent_id=unit_pks[spec.parent] if spec.parent else None,
                path=paths[spec.code],
            )
        )
    OrgUnit.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    base = _next_pk(Position)
    position_pks, positions = {}, []
    for offset, (code, title) in enumerate(plan.positions):
        position_pks[code] = base + offset
        positions.append(Position(pk=base + offset, code=code, title=title))
    Position.objects.bulk_create(positions)
    return unit_pks, position_pks


def build_org(plan, *, units=True):
    """
    Write ``plan`` (users, employees and, with ``units``, its org units and positions) with bulk inserts.

    Takes a few queries per 2,000 people; paths are computed in memory. Call it inside a transaction for speed.
    Without ``units``, the plan's unit and position codes must already be stored.
    """
    user_model = get_user_model()
    if units:
        unit_pks, position_pks = build_structure(plan)
    else:
        unit_pks = dict(OrgUnit.objects.values_list("code", "pk"))
        position_pks = dict(Position.objects.values_list("code", "pk"))

    user_base, employee_base = _next_pk(user_model), _next_pk(Employee)
    password = make_password(None)  # unusable: these people never sign in with a password
    user_model.objects.bulk_create(
        (
            user_model(
                pk=user_base + spec.index,
                username=spec.username,
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
                password=password,
            )
            for spec in plan.people
        ),
        batch_size=BATCH_SIZE,
    )
    paths, employees = [], []
    for spec in plan.people:  # managers come before their reports, so their path is known
        pk = employee_base + spec.index
        paths.append(child_path(paths[spec.manager] if spec.manager is not None else "", pk))
        employees.append(
            Employee(
                pk=pk,
                user_id=user_base + spec.index,
                employee_number=spec.number,
                position_id=position_pks.get(spec.position),
                org_unit_id=unit_pks.get(spec.org_unit),
                manager_id=employee_base + spec.manager if spec.manager is not None else None,
                path=paths[-1],
                start_date=spec.start_date,
            )
        )
    Employee.objects.bulk_create(employees, batch_size=BATCH_SIZE)
    return BuiltOrg(plan=plan, employee_base=employee_base, user_base=user_base, unit_pks=unit_pks)


def csv_rows(plan):
    """The plan's people as rows of the ``employees`` import (header first)."""
    columns = importer.COLUMNS[importer.EMPLOYEES]
    yield list(columns)
    for spec in plan.people:
        manager = plan.people[spec.manager].number if spec.manager is not None else ""
        yield [
            spec.number,
            spec.username,
            spec.email,
            spec.first_name,
            spec.last_name,
            spec.position,
            spec.org_unit,
            manager,
            spec.start_date.isoformat(),
            "true",
        ]


def write_csv(plan, handle):
    """Write the plan's people to the text ``handle`` in the import's CSV format."""
    csv.writer(handle, lineterminator="\n").writerows(csv_rows(plan))


def csv_text(plan):
    """The plan's people as the text of an import CSV file."""
    handle = io.StringIO()
    write_csv(plan, handle)
    return handle.getvalue()
