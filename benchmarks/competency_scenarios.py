"""
The calls measured on built competency data, shared by the benchmark (``bench_competencies``) and the query-count
guard (``tests/competencies/test_scale_query_counts.py``), so the guard pins the counts of exactly what is timed.

Each heatmap scenario is a pair ``(call, floor)``: ``call`` is the service the gap audit page and REST endpoint use
(``gaps.heatmap``), with the viewer's access context read afresh as in a new request; ``floor`` is the single
hand-written SQL aggregate that gives the same cells for the same viewer, run with the cursor. Before anything is
timed, :func:`heatmap_scenarios` checks that both give exactly the same cells; each timed call checks its size.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from perf_mgmt_plugin.competencies import gaps
from perf_mgmt_plugin.competencies.models import Assessment, Competency, CompetencyGap, Framework
from perf_mgmt_plugin.org.access import forget_access_context
from perf_mgmt_plugin.org.models import Employee, HRAdminScope, OrgUnit, Position

from .org_scenarios import ScenarioError, _check, signed_in_client


@dataclass
class Viewer:
    """Someone auditing gaps, and how the floor restricts the same people: an employee path or a unit path."""

    user: object
    path: str | None = None
    unit_path: str | None = None


@dataclass
class Subjects:
    """The viewers of a built organisation with competency data, and the answers their calls must give."""

    built: object
    data: object
    viewers: dict
    people: int
    expected_gaps: int
    cells: dict = field(default_factory=dict)

    @classmethod
    def create(cls, built, data, prefix="bench"):
        """An unrestricted HR admin, an HR admin of one division, a level-1 and a mid-level manager."""
        plan = built.plan
        user_model = get_user_model()
        hr = user_model.objects.create_superuser(f"{prefix}-hr", f"{prefix}-hr@example.com", None)
        division_hr = user_model.objects.create_user(f"{prefix}-division-hr", f"{prefix}-dhr@example.com", None)
        division_hr.groups.add(Group.objects.get_or_create(name=settings.PERF_MGMT_HR_ADMIN_GROUP)[0])
        division_unit = OrgUnit.objects.get(code=plan.units[1].code if len(plan.units) > 1 else plan.units[0].code)
        HRAdminScope.objects.create(user=division_hr, org_unit=division_unit)
        viewers = {"HR": Viewer(hr), "division HR": Viewer(division_hr, unit_path=division_unit.path)}
        for name, index in (("level-1 manager", plan.first_of_level(1)), ("mid manager", plan.mid)):
            employee = built.employee(index)
            viewers[name] = Viewer(employee.user, path=employee.path)
        position_pks = dict(Position.objects.values_list("code", "pk"))
        expected = data.expected_gaps(position_pks[spec.position] for spec in plan.people)
        return cls(built=built, data=data, viewers=viewers, people=len(plan.people), expected_gaps=expected)

    def describe(self):
        """Who the viewers are: how many people each may audit."""
        result = {}
        for name, viewer in self.viewers.items():
            people = Employee.objects.filter(active=True)
            if viewer.path:
                people = people.filter(path__startswith=viewer.path).exclude(user=viewer.user)
            elif viewer.unit_path:
                people = people.filter(org_unit__path__startswith=viewer.unit_path)
            result[name] = {"username": viewer.user.username, "people": people.count()}
        return result

    def add_manager_ratings(self, competency_data, every=50, competencies=2):
        """
        New manager ratings (level 5, now) for every ``every``-th person with a manager, on the first
        ``competencies`` competencies their position requires: each moves at most that one gap.
        """
        plan, built = self.built.plan, self.built
        position_pks = dict(Position.objects.values_list("code", "pk"))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows, pairs = [], set()
        for spec in plan.people[1::every]:
            person_id = built.employee_pk(spec.index)
            for competency_id in list(self.data.requirements[position_pks[spec.position]])[:competencies]:
                rater = built.user_pk(spec.manager)
                rows.append((person_id, competency_id, 5, Assessment.MANAGER, rater, "", "", None, "", now))
                pairs.add((person_id, competency_id))
        written, _sources = competency_data.write_assessments(rows)
        return {"assessments": written, "pairs": len(pairs)}


def floor_sql(by, viewer):
    """
    The single SQL aggregate that gives the heatmap's cells for ``viewer``: gaps of active people on competencies of
    active frameworks, grouped by the person's org unit or position and the competency, with the count, the open
    count and the average gap; restricted to the viewer's people by a path prefix. ``(sql, params)``.
    """
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    group = column(Employee, by)
    sql = (
        f"SELECT e.{group}, g.{column(CompetencyGap, 'competency')}, COUNT(*), "
        f"SUM(CASE WHEN g.{column(CompetencyGap, 'gap')} > 0 THEN 1 ELSE 0 END), AVG(g.{column(CompetencyGap, 'gap')}) "
        f"FROM {table(CompetencyGap)} g "
        f"INNER JOIN {table(Employee)} e ON e.id = g.{column(CompetencyGap, 'person')} "
        f"INNER JOIN {table(Competency)} c ON c.id = g.{column(CompetencyGap, 'competency')} "
        f"INNER JOIN {table(Framework)} f ON f.id = c.{column(Competency, 'framework')} "
    )
    where, params = ["e.active = %s", "f.active = %s"], [True, True]
    if viewer.unit_path:
        sql += f"INNER JOIN {table(OrgUnit)} u ON u.id = e.{column(Employee, 'org_unit')} "
        where.append("u.path LIKE %s")
        params.append(f"{viewer.unit_path}%")
    if viewer.path:
        where.extend(["e.path LIKE %s", f"e.{column(Employee, 'user')} <> %s"])
        params.extend([f"{viewer.path}%", viewer.user.pk])
    sql += f"WHERE {' AND '.join(where)} GROUP BY e.{group}, g.{column(CompetencyGap, 'competency')}"
    return sql, params


def floor_cells(by, viewer):
    """Run the floor: ``{(row id, competency id): (people, open gaps, average gap)}``."""
    sql, params = floor_sql(by, viewer)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(row, competency): (people, int(open_gaps), float(avg)) for row, competency, people, open_gaps, avg in rows}


def heatmap_call(viewer, by, expected_cells):
    def run():
        forget_access_context(viewer.user)  # as in a new request
        result = gaps.heatmap(viewer.user, by=by)
        _check(len(result.cells) == expected_cells, f"heatmap {by}: {len(result.cells)} cells != {expected_cells}")
        _check(len(result.rows) and len(result.columns), f"heatmap {by}: no labels")
        return result

    return run


def floor_call(viewer, by, expected_cells):
    def run():
        cells = floor_cells(by, viewer)
        _check(len(cells) == expected_cells, f"floor {by}: {len(cells)} cells != {expected_cells}")
        return cells

    return run


def same_cells(heatmap, floor):
    """The heatmap gives exactly the floor's cells (averages as the service rounds them)."""
    mine = {key: (cell["people"], cell["open_gaps"], cell["avg_gap"]) for key, cell in heatmap.cells.items()}
    theirs = {key: (people, open_gaps, round(avg, 2)) for key, (people, open_gaps, avg) in floor.items()}
    if mine != theirs:
        wrong = sorted(set(mine.items()) ^ set(theirs.items()), key=str)[:5]
        raise ScenarioError(f"heatmap and floor disagree: {wrong}")


SCENARIOS = (
    ("heatmap HR org-wide by org unit", "HR", "org_unit"),
    ("heatmap HR org-wide by position", "HR", "position"),
    ("heatmap division HR by org unit", "division HR", "org_unit"),
    ("heatmap level-1 manager by org unit", "level-1 manager", "org_unit"),
    ("heatmap mid manager by org unit", "mid manager", "org_unit"),
)


def heatmap_scenarios(subjects):
    """``{name: (heatmap call, floor call)}``, after checking that both give the same, non-empty, cells."""
    result = {}
    for name, viewer_name, by in SCENARIOS:
        viewer = subjects.viewers[viewer_name]
        floor = floor_cells(by, viewer)
        _check(floor, f"{name}: no cells")
        forget_access_context(viewer.user)
        same_cells(gaps.heatmap(viewer.user, by=by), floor)
        subjects.cells[name] = len(floor)
        result[name] = (heatmap_call(viewer, by, len(floor)), floor_call(viewer, by, len(floor)))
    return result


def entry_point_scenarios(subjects):
    """The REST gap audit and the gap audit page for the unrestricted HR admin (org unit rows)."""
    viewer = subjects.viewers["HR"]
    client = signed_in_client(viewer.user)
    cells = subjects.cells["heatmap HR org-wide by org unit"]
    rest_url, page_url = reverse("perf_mgmt:api-v1:gap-audit"), reverse("perf_mgmt:gap-audit")

    def rest():
        response = client.get(rest_url)
        _check(response.status_code == 200, f"{rest_url}: HTTP {response.status_code}")
        _check(len(response.json()["cells"]) == cells, f"{rest_url}: wrong cell count")

    def page():
        response = client.get(page_url)
        _check(response.status_code == 200, f"{page_url}: HTTP {response.status_code}")

    return {"REST gap audit HR org-wide": rest, "web gap audit page HR org-wide": page}
