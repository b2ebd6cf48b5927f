"""REST v1 of health and succession: the same figures as the domain, 404 out of sight, versions and keys."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.development.models import Plan
from perf_mgmt_plugin.health import api as health
from perf_mgmt_plugin.succession import api as succession


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs or None)


def test_pack_json_is_the_domains_pack(health_org):
    response = _client(health_org.head.user).get(url("health-pack"), {"unit": health_org.div.pk})
    assert response.status_code == 200
    expected = health.compute_pack(health_org.div, health_org.period, health_org.today).as_dict()
    assert response.json()["strategy"] == expected["strategy"]
    assert response.json()["process"]["checkin_share"] == 0.571
    assert response.json()["people_figures"]["distribution"] == [[2, 1], [3, 1], [5, 1]]


def test_pack_refusals(health_org):
    assert _client(health_org.mgr_a.user).get(url("health-pack"), {"unit": health_org.div.pk}).status_code == 404
    assert _client(health_org.mgr_a.user).get(url("health-pack"), {"unit": 987654}).status_code == 404
    assert _client(health_org.head.user).get(url("health-pack"), {"unit": "x"}).status_code == 400
    assert _client(health_org.head.user).get(url("health-pack"), {"period": 987654}).status_code == 400
    assert _client(health_org.a1.user).get(url("health-pack")).status_code == 403


def test_pack_csv(health_org):
    response = _client(health_org.hr).get(url("health-pack-csv"), {"unit": health_org.div.pk})
    body = response.content.decode()
    assert response.status_code == 200 and "strategy,on_track_share,0.4" in body and "process,completion,0.8" in body


def test_coaching_plan_once(health_org):
    client = _client(health_org.head.user)
    first = client.post(url("health-coaching-plan", pk=health_org.mgr_b.pk), HTTP_IDEMPOTENCY_KEY="k")
    again = client.post(url("health-coaching-plan", pk=health_org.mgr_b.pk), HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Plan.objects.filter(owner=health_org.mgr_b).count() == 1
    assert client.post(url("health-coaching-plan", pk=health_org.mgr_a.pk)).status_code == 400  # does not lag
    assert (
        client.post(url("health-coaching-plan", pk=health_org.mgr_b.pk), HTTP_IDEMPOTENCY_KEY="bad key!").status_code
        == 422
    )
    flag = client.get(url("health-manager", pk=health_org.mgr_b.pk)).json()
    assert flag["open_plan"] == first.json()["id"] and "few_check_ins" in flag["reasons"]
    assert _client(health_org.mgr_b.user).get(url("health-manager", pk=health_org.mgr_b.pk)).status_code == 404


def test_preference(health_org):
    client = _client(health_org.head.user)
    assert client.get(url("health-preference")).json() == {"monthly_email": True}
    assert client.put(url("health-preference"), {"monthly_email": False}, format="json").json() == {
        "monthly_email": False
    }
    assert client.put(url("health-preference"), {"monthly_email": "maybe"}, format="json").status_code == 400


@pytest.fixture
def key(health_org):
    return succession.mark_key_position(health_org.hr, health_org.lead_pos)


def test_succession_endpoints(health_org, key):
    hr = _client(health_org.hr)
    listed = hr.get(url("succession-key-positions")).json()
    assert [(k["position"], k["risks"]) for k in listed] == [("LEAD", ["no_ready_successor"])]
    assert hr.post(url("succession-key-positions"), {"position": "NOPE"}, format="json").status_code == 400
    suggestions = hr.get(url("succession-suggestions", pk=key.pk)).json()
    assert suggestions[0] == {
        "employee": health_org.a1.pk,
        "name": health_org.a1.display_name,
        "position": "Developer",
        "fit": 0.769,
        "last_score": 4.0,
        "readiness": "one_two_years",
    }
    added = hr.post(
        url("succession-candidates", pk=key.pk),
        {"employee": health_org.a1.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="a1",
    )
    assert added.status_code == 201 and added["ETag"] == '"0"'
    candidate = added.json()["id"]
    stale = hr.patch(
        url("succession-candidate", pk=candidate), {"readiness": "later"}, format="json", HTTP_IF_MATCH='"5"'
    )
    assert stale.status_code == 412
    done = hr.patch(
        url("succession-candidate", pk=candidate), {"readiness": "ready_now"}, format="json", HTTP_IF_MATCH='"0"'
    )
    assert done.status_code == 200 and done["ETag"] == '"1"' and done.json()["effective_readiness"] == "ready_now"
    assert hr.patch(url("succession-candidate", pk=candidate), {"readiness": "soon"}, format="json").status_code == 400
    items = hr.post(url("succession-candidate-gaps", pk=candidate)).json()
    assert [(i["competency"], i["target_level"]) for i in items] == [(health_org.coach.pk, 3)]  # COACH 2 < 3; PLAN met
    assert hr.post(url("succession-candidate-gaps", pk=candidate)).json() == []  # again: nothing more
    pool = hr.get(url("succession-pool", pk=key.pk)).json()
    assert pool["ready_now"] == 1 and pool["candidates"][0]["employee"] == health_org.a1.pk
    assert _client(health_org.a1.user).get(url("succession-pool", pk=key.pk)).status_code == 404
    assert _client(health_org.a1.user).get(url("succession-candidate", pk=candidate)).status_code == 404
    csv_body = hr.get(url("succession-pool-csv", pk=key.pk)).content.decode()
    assert csv_body.splitlines()[1].startswith(f"LEAD,{health_org.a1.pk},")
    rated = _client(health_org.mgr_a.user).put(
        url("succession-potential", pk=health_org.a1.pk), {"potential": 3}, format="json"
    )
    assert rated.status_code == 200 and rated["ETag"] == '"0"'
    grid = _client(health_org.head.user).get(url("succession-talent-grid"), {"unit": health_org.div.pk}).json()
    assert grid["cells"][0][2] == [health_org.a1.display_name]
    assert hr.delete(url("succession-candidate", pk=candidate)).status_code == 204
