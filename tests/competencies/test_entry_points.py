"""REST endpoints and pages of competencies: the permission matrix per role, import errors, query-count pins."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from perf_mgmt_plugin.competencies import services, transfer
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap, Framework
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("fw_once")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


@pytest.fixture
def rated(org, fw):
    services.record_assessment(org.alice.user, org.alice, fw.coach, 2, "self", evidence="my notes")
    services.record_assessment(org.seller.user, org.seller, fw.coach, 1, "self")
    return fw


ROLES = ["alice", "bob", "manager", "director", "seller", "hr", "hr_eng", "staff", "outsider"]


def user_of(org, role):
    value = getattr(org, role)
    return getattr(value, "user", value)


@pytest.mark.parametrize(
    "role,visible",
    [
        ("alice", True),
        ("bob", False),  # a learner never sees another person's assessments
        ("manager", True),
        ("director", True),
        ("seller", False),
        ("hr", True),
        ("hr_eng", True),
        ("staff", False),  # course staff see only aggregates
        ("outsider", False),
    ],
)
def test_person_assessments_and_gaps_visibility(org, rated, role, visible):
    client = client_for(user_of(org, role))
    for name in ("person-assessments", "person-gaps"):
        response = client.get(api_url(name, pk=org.alice.pk))
        assert response.status_code == (200 if visible else 404), (name, response.content)


def test_scoped_hr_does_not_see_people_outside_scope(org, rated):
    assert client_for(org.hr_eng).get(api_url("person-assessments", pk=org.seller.pk)).status_code == 404
    assert client_for(org.hr).get(api_url("person-assessments", pk=org.seller.pk)).status_code == 200


def test_anonymous_is_refused(org, rated):
    assert client_for(None).get(api_url("frameworks")).status_code in (401, 403)
    assert client_for(None).get(api_url("person-gaps", pk=org.alice.pk)).status_code in (401, 403)


@pytest.mark.parametrize(
    "role,source,expected",
    [
        ("alice", "self", 201),
        ("manager", "manager", 201),
        ("bob", "peer", 201),
        ("bob", "manager", 403),
        ("manager", "self", 403),
        ("seller", "peer", 404),  # not a colleague: cannot assess alice at all
        ("hr_eng", "course", 201),
        ("outsider", "self", 404),
    ],
)
def test_create_assessment_by_source(org, rated, role, source, expected):
    response = client_for(user_of(org, role)).post(
        api_url("person-assessments", pk=org.alice.pk),
        {"competency": rated.coach.pk, "level": 3, "source": source},
        content_type="application/json",
    )
    assert response.status_code == expected, response.content


def test_direct_report_may_rate_their_manager(org, rated):
    response = client_for(org.alice.user).post(
        api_url("person-assessments", pk=org.manager.pk),
        {"competency": rated.plan.pk, "level": 2, "source": "direct_report"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Assessment.objects.filter(person=org.manager, source="direct_report").exists()


def test_invalid_level_is_400(org, rated):
    response = client_for(org.alice.user).post(
        api_url("person-assessments", pk=org.alice.pk),
        {"competency": rated.coach.pk, "level": 7, "source": "self"},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "role,status", [("hr", 200), ("hr_eng", 200), ("manager", 200), ("director", 200), ("alice", 403), ("staff", 403)]
)
def test_gap_audit_access(org, rated, role, status):
    client = client_for(user_of(org, role))
    assert client.get(api_url("gap-audit")).status_code == status
    assert client.get(reverse("perf_mgmt:gap-audit")).status_code == status
    assert client.get(reverse("perf_mgmt:gap-audit-csv")).status_code == status


def test_gap_audit_scopes(org, rated):
    def units(user):
        data = client_for(user).get(api_url("gap-audit")).json()
        return {row["code"] for row in data["rows"]}, sum(cell["people"] for cell in data["cells"])

    seller_position = factories.make_position("SELL", "Seller", org.sales)
    services.set_requirement(seller_position, rated.coach, 2)
    org.seller.position = seller_position
    org.seller.save()
    assert units(org.hr) == ({"PLAT", "SALES"}, 5)
    assert units(org.hr_eng) == ({"PLAT"}, 4)
    assert units(org.manager.user) == ({"PLAT"}, 4)
    other_manager = factories.make_employee("boss2", org_unit=org.sales)
    factories.make_employee("rep", manager=other_manager, org_unit=org.sales)
    assert units(other_manager.user) == (set(), 0)


def test_gap_audit_cell_and_csv(org, rated):
    client = client_for(org.hr)
    url = api_url("gap-audit-cell")
    data = client.get(url, {"by": "org_unit", "row": org.platform.pk, "competency": rated.coach.pk}).json()
    assert sorted(row["username"] for row in data["results"]) == ["alice", "bob"]
    page = client.get(reverse("perf_mgmt:gap-audit-cell"), {"row": org.platform.pk, "competency": rated.coach.pk})
    assert page.status_code == 200 and b"Alice" in page.content
    csv_text = b"".join(client.get(reverse("perf_mgmt:gap-audit-csv")).streaming_content).decode()
    assert csv_text.count("\n") == 5 and "alice" in csv_text
    manager_csv = b"".join(client_for(org.manager.user).get(api_url("gap-audit-export")).streaming_content).decode()
    assert "alice" in manager_csv and "seller" not in manager_csv


def _grow(org, fw, n):
    for _ in range(n):
        person = factories.make_employee(manager=org.manager, org_unit=org.platform, position=org.dev)
        services.record_assessment(person.user, person, fw.coach, 2, "self")
    unit = factories.make_unit(parent=org.engineering)
    factories.make_employee(manager=org.director, org_unit=unit, position=org.dev)


@pytest.mark.parametrize("name", ["gap-audit", "gap-audit-cell", "person-gaps", "person-assessments", "frameworks"])
def test_api_query_counts_are_constant(org, rated, count_queries, name):
    kwargs = {"pk": org.alice.pk} if name.startswith("person") else {}
    params = {"competency": rated.coach.pk, "row": org.platform.pk} if name == "gap-audit-cell" else {}
    url = api_url(name, **kwargs)

    def run():
        client = client_for(org.hr)
        client.get(url, params)  # warm the session
        with count_queries() as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    before = run()
    _grow(org, rated, 6)
    services.add_competency(rated.framework, code="EXTRA", name="Extra")
    assert run() == before


@pytest.mark.parametrize("name", ["perf_mgmt:gap-audit", "perf_mgmt:my-competencies"])
def test_page_query_counts_are_constant(org, rated, count_queries, name):
    def run():
        client = client_for(org.alice.user if name.endswith("competencies") else org.hr)
        client.get(reverse(name))
        with count_queries() as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    before = run()
    _grow(org, rated, 5)
    services.set_requirement(org.dev, services.add_competency(rated.framework, code="X", name="X"), 1)
    assert run() == before


def test_my_competencies_page_self_assesses(org, rated):
    client = client_for(org.bob.user)
    page = client.get(reverse("perf_mgmt:my-competencies"))
    assert page.status_code == 200 and b"Coaching" in page.content
    response = client.post(reverse("perf_mgmt:my-competencies"), {"competency": rated.coach.pk, "level": "3"})
    assert response.status_code == 302
    assert CompetencyGap.objects.get(person=org.bob, competency=rated.coach).gap == 0
    no_record = client_for(org.outsider).get(reverse("perf_mgmt:my-competencies"))
    assert no_record.status_code == 200 and b"no employee record" in no_record.content


def test_my_competencies_page_refuses_a_missing_level_clearly(org, rated):
    client = client_for(org.bob.user)
    page = client.get(reverse("perf_mgmt:my-competencies"))
    assert b'<option value="" selected>Choose a level</option>' in page.content  # nothing rated by default
    before = Assessment.objects.count()
    for level in ("", "x", "-1"):
        response = client.post(
            reverse("perf_mgmt:my-competencies"), {"competency": rated.coach.pk, "level": level}, follow=True
        )
        assert b"Choose your level in Coaching." in response.content
    assert Assessment.objects.count() == before


def test_framework_list_detail_and_manage_permissions(org, rated):
    learner = client_for(org.alice.user)
    assert learner.get(api_url("frameworks")).json()["results"][0]["slug"] == "leadership"
    detail = learner.get(api_url("framework", slug="leadership")).json()
    assert [lv["value"] for lv in detail["levels"]] == [1, 2, 3, 4]
    assert detail["competencies"][0]["indicators"] == [{"level": 3, "text": "Runs regular 1:1s"}]
    body = {"position": "DEV", "competency": rated.plan.pk, "required_level": 3}
    assert learner.post(api_url("requirements"), body, content_type="application/json").status_code == 403
    assert (
        client_for(org.hr_eng).post(api_url("requirements"), body, content_type="application/json").status_code == 403
    )
    assert client_for(org.hr).post(api_url("requirements"), body, content_type="application/json").status_code == 201
    assert CompetencyGap.objects.get(person=org.bob, competency=rated.plan).required_level == 3
    assert learner.post(api_url("framework-import"), {}, content_type="application/json").status_code == 403


def test_import_round_trip_and_errors(org, rated):
    hr = client_for(org.hr)
    exported = hr.get(api_url("framework-export", slug="leadership")).json()
    exported["slug"] = "leadership-copy"
    exported["competencies"].append({"code": "NEW", "name": "New one", "indicators": [{"level": 2, "text": "Does"}]})
    url = api_url("framework-import")
    dry = hr.post(url, {"framework": exported}, content_type="application/json").json()
    assert dry["ok"] and not dry["applied"] and dry["counts"]["competencies"] == 3
    assert not Framework.objects.filter(slug="leadership-copy").exists()
    applied = hr.post(url, {"framework": exported, "dry_run": False}, content_type="application/json").json()
    assert applied["applied"]
    copy = Framework.objects.get(slug="leadership-copy")
    assert copy.competencies.count() == 3 and copy.scale_id == rated.scale.pk
    again = transfer.import_framework(transfer.records_from_json(exported), dry_run=False)
    assert again.ok and copy.competencies.count() == 3

    csv_text = hr.get(api_url("framework-export", slug="leadership"), {"as": "csv"})
    text = b"".join(csv_text.streaming_content).decode()
    broken = text + "competency,COACH,Dup,,,\nindicator,,Text,,NOPE,2\nindicator,,Text,,PLAN,9\nwidget,,,,,\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("fw.csv", broken.encode(), content_type="text/csv")
    result = hr.post(url, {"file": upload, "dry_run": "false"}).json()
    lines = [error["line"] for error in result["errors"]]
    base = text.count("\n")
    assert not result["ok"] and lines == [base + 4, base + 1, base + 2, base + 3]
    assert Framework.objects.get(slug="leadership").competencies.count() == 2
    assert hr.post(url, {"file": SimpleUploadedFile("x.json", b"{nope")}).status_code == 400
    assert json.loads(json.dumps(transfer.export_json(copy)))["competencies"][2]["indicators"][0]["level"] == 2


@pytest.mark.parametrize(("viewer", "page"), [("manager", "perf_mgmt:my-team"), ("hr", "perf_mgmt:people")])
def test_people_lists_link_each_person_to_their_competencies(org, rated, viewer, page):
    """Every name on My team and People opens that person's competencies, which the viewer may see."""
    person = getattr(org, viewer)
    client = client_for(getattr(person, "user", person))
    content = client.get(reverse(page)).content.decode()
    links = re.findall(r'<th scope="row"><a href="([^"]+)"', content)
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link
