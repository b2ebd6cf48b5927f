"""
The permission matrix of the strategy domain: every role against every entry point (REST API, pages, Django admin).

Roles come from the ``org`` fixture (tests/conftest.py) and the objectives from ``strategy`` (tests/strategy/
conftest.py): ``top`` (owned by the ACME company unit) > ``dept`` (ENG unit) > ``team`` (owned by *manager*) >
``alice_task`` and ``bob_task``; ``seller_goal`` (seller) directly under ``top``. People see their own line of sight
(what their objectives serve, their units' line), managers their reports' objectives, HR admins their scope.
"""

import pytest
from django.test import Client
from django.urls import reverse

from perf_mgmt_plugin.strategy import checkins

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")

ROLES = ("anon", "outsider", "staff", "alice", "bob", "seller", "manager", "director", "ceo", "hr", "hr_eng")
OBJECTIVES = ("top", "dept", "team", "alice_task", "bob_task", "seller_goal")
ALL = set(OBJECTIVES)

VIEW = {
    "anon": set(),
    "outsider": set(),
    "staff": set(),
    "alice": {"top", "dept", "team", "alice_task"},
    "bob": {"top", "dept", "team", "bob_task"},
    "seller": {"top", "seller_goal"},
    "manager": {"top", "dept", "team", "alice_task", "bob_task"},
    "director": {"top", "dept", "team", "alice_task", "bob_task"},
    "ceo": ALL,
    "hr": ALL,
    "hr_eng": {"dept", "team", "alice_task", "bob_task"},
}
CHANGE = {
    "alice": set(),
    "bob": set(),
    "seller": set(),
    "manager": {"alice_task", "bob_task"},
    "director": {"team", "alice_task", "bob_task"},
    "ceo": {"team", "alice_task", "bob_task", "seller_goal"},
    "hr": ALL,
    "hr_eng": {"dept", "team", "alice_task", "bob_task"},
}
#: who may record progress on alice's task (numeric)
PROGRESS_ON_ALICE_TASK = {"alice", "manager", "director", "ceo", "hr", "hr_eng"}
#: manager dashboard (page and API)
DASHBOARD = {"manager", "director", "ceo", "hr", "hr_eng"}


def user_of(org, role):
    if role == "anon":
        return None
    value = getattr(org, role)
    return getattr(value, "user", value)


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_objective_list_and_detail(org, strategy, role):
    client = client_for(user_of(org, role))
    response = client.get(api("objectives"), {"page_size": 200})
    if role == "anon":
        assert response.status_code in (401, 403)
        return
    titles = {o["id"] for o in response.json()["results"]}
    expected = {getattr(strategy, name).pk for name in VIEW[role]}
    assert titles == expected
    for name in OBJECTIVES:
        objective = getattr(strategy, name)
        status = client.get(api("objective", pk=objective.pk)).status_code
        assert status == (200 if name in VIEW[role] else 404), name
        page = client.get(reverse("perf_mgmt:objective", kwargs={"pk": objective.pk})).status_code
        assert page == (200 if name in VIEW[role] else 404), name


@pytest.mark.parametrize("role", [r for r in ROLES if r in CHANGE])
def test_objective_edit(org, strategy, role):
    client = client_for(user_of(org, role))
    for name in OBJECTIVES:
        objective = getattr(strategy, name)
        response = client.patch(
            api("objective", pk=objective.pk), {"title": f"{name} edited"}, content_type="application/json"
        )
        if name in CHANGE[role]:
            assert response.status_code == 200, name
        else:
            assert response.status_code == (403 if name in VIEW[role] else 404), name


@pytest.mark.parametrize("role", ROLES)
def test_record_progress(org, strategy, role):
    client = client_for(user_of(org, role))
    url = api("objective-progress", pk=strategy.alice_task.pk)
    response = client.post(url, {"value": 3}, content_type="application/json")
    if role == "anon":
        assert response.status_code in (401, 403)
    elif role in PROGRESS_ON_ALICE_TASK:
        assert response.status_code == 200 and response.json()["progress"] == pytest.approx(0.3)
    else:
        assert response.status_code == (403 if "alice_task" in VIEW[role] else 404)


@pytest.mark.parametrize("role", ROLES)
def test_dashboards_and_cascade(org, strategy, role):
    client = client_for(user_of(org, role))
    expected = 200 if role in DASHBOARD else (302 if role == "anon" else 403)
    assert client.get(reverse("perf_mgmt:strategy-dashboard")).status_code == expected
    api_status = client.get(api("strategy-dashboard")).status_code
    assert api_status == (200 if role in DASHBOARD else (401 if role == "anon" else 403)) or (
        role == "anon" and api_status == 403
    )
    cascade = client.get(api("cascade"))
    if role == "anon":
        assert cascade.status_code in (401, 403)
        assert client.get(reverse("perf_mgmt:cascade")).status_code == 302
        return
    shown = {row["objective"]["id"] for row in cascade.json()}
    assert shown <= {getattr(strategy, name).pk for name in VIEW[role]}
    assert client.get(reverse("perf_mgmt:cascade")).status_code == 200
    csv_text = client.get(api("cascade-export")).content.decode()
    assert csv_text.count("\n") == len(shown) + 1


def test_bulk_cascade_permissions(org, strategy):
    body = {"title": "Learn X", "owners": [org.alice.pk, org.bob.pk]}
    url = api("objective-cascade", pk=strategy.team.pk)
    assert client_for(org.alice.user).post(url, body, content_type="application/json").status_code == 403
    assert client_for(org.seller.user).post(url, body, content_type="application/json").status_code == 404
    response = client_for(org.manager.user).post(url, body, content_type="application/json")
    assert response.status_code == 201 and len(response.json()) == 2
    # a person the caller may not view cannot be given a goal
    body = {"title": "Learn Y", "owners": [org.seller.pk]}
    assert client_for(org.manager.user).post(url, body, content_type="application/json").status_code == 400


def test_check_in_visibility_and_private_notes(org, strategy):
    series = checkins.create_series(org.manager.user, manager=org.manager, employee=org.alice)
    check_in = series.check_ins.get()
    checkins.add_note(org.manager.user, check_in, "manager's private thought", private=True)
    checkins.add_note(org.alice.user, check_in, "shared by alice")
    checkins.add_note(org.alice.user, check_in, "alice's private thought", private=True)
    url = api("check-in", pk=check_in.pk)
    seen = {}
    for role in ("alice", "manager", "director", "hr", "hr_eng", "bob", "seller", "outsider"):
        response = client_for(user_of(org, role)).get(url)
        seen[role] = {n["body"] for n in response.json()["notes"]} if response.status_code == 200 else None
    assert seen["alice"] == {"shared by alice", "alice's private thought"}
    assert seen["manager"] == {"shared by alice", "manager's private thought"}
    assert seen["director"] == seen["hr"] == seen["hr_eng"] == {"shared by alice"}
    assert seen["bob"] is seen["seller"] is seen["outsider"] is None
    page = client_for(org.director.user).get(reverse("perf_mgmt:check-in", kwargs={"pk": check_in.pk}))
    assert page.status_code == 200 and b"private thought" not in page.content


def test_check_in_prepare_and_hold_roles(org, strategy):
    series = checkins.create_series(org.manager.user, manager=org.manager, employee=org.alice)
    check_in = series.check_ins.get()
    url = api("check-in", pk=check_in.pk)
    entry = {"objective": strategy.alice_task.pk, "status": "at_risk", "confidence": 6, "comment": "slow"}
    prepare = {"action": "prepare", "entries": [entry], "help_requests": ["Need access to prod"]}
    assert client_for(org.manager.user).post(url, prepare, content_type="application/json").status_code == 403
    response = client_for(org.alice.user).post(url, prepare, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "prepared"
    hold = {"action": "hold", "mode": "video", "next_actions": "Pair on it"}
    assert client_for(org.alice.user).post(url, hold, content_type="application/json").status_code == 403
    assert client_for(org.bob.user).post(url, hold, content_type="application/json").status_code == 404
    response = client_for(org.manager.user).post(url, hold, content_type="application/json")
    assert response.status_code == 200 and response.json()["mode"] == "video"
    bad = client_for(org.manager.user).post(url, {"action": "note", "notes": []}, content_type="application/json")
    assert bad.status_code == 400


def test_help_request_routing_and_resolution(org, strategy):
    response = client_for(org.bob.user).post(api("help-requests"), {"body": "Blocked"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["routed_to"] == org.manager.pk
    pk = response.json()["id"]

    def open_for(role):
        return [h["id"] for h in client_for(user_of(org, role)).get(api("help-requests")).json()["results"]]

    assert open_for("manager") == [pk] and open_for("director") == [pk]  # routed to manager; director's team
    assert open_for("alice") == [] and open_for("seller") == []
    assert open_for("hr") == [pk] and open_for("hr_eng") == [pk]  # HR admins see their scope
    seller_request = checkins.request_help(org.seller.user, org.seller, body="Need a demo account")
    assert seller_request.routed_to == org.ceo
    assert open_for("hr_eng") == [pk] and set(open_for("hr")) == {pk, seller_request.pk}
    assert open_for("ceo") == [seller_request.pk, pk]  # routed to the ceo, and bob is in the ceo's team
    dashboard = client_for(org.manager.user).get(reverse("perf_mgmt:strategy-dashboard"))
    assert b"Blocked" in dashboard.content
    resolve = api("strategy-resolve", kind="help", pk=pk)
    assert client_for(org.alice.user).post(resolve, {}).status_code == 404
    assert client_for(org.bob.user).post(resolve, {}).status_code == 404  # not their own
    assert client_for(org.manager.user).post(resolve, {"resolution": "Done"}).status_code == 204
    assert open_for("manager") == []
    no_record = client_for(org.outsider).post(api("help-requests"), {"body": "x"}, content_type="application/json")
    assert no_record.status_code == 400


def test_missed_check_ins_show_on_the_dashboard(org, strategy, today):
    import datetime

    start = today - datetime.timedelta(days=15)
    series = checkins.create_series(org.manager.user, manager=org.manager, employee=org.bob, start=start)
    assert series.check_ins.count() == 1
    result = checkins.schedule_due(today=today)
    assert result["scheduled"] == 2  # the meetings of today - 8 and today - 1
    statuses = sorted(series.check_ins.values_list("status", flat=True))
    assert statuses == ["missed", "missed", "missed"]
    board = client_for(org.manager.user).get(api("strategy-dashboard")).json()
    assert len(board["overdue_check_ins"]) == 3
    assert checkins.schedule_due(today=today) == {"scheduled": 0, "missed": 0}  # idempotent


def test_series_for_team_and_refusals(org, strategy):
    client = client_for(org.manager.user)
    response = client.post(api("check-in-series"), {"team": "PLAT", "cadence": "fortnightly"})
    assert response.status_code == 201
    from perf_mgmt_plugin.strategy.models import CheckIn

    assert set(CheckIn.objects.values_list("employee__user__username", flat=True)) == {"alice", "bob"}
    assert client_for(org.alice.user).post(api("check-in-series"), {"employee": org.alice.pk}).status_code == 403
    assert client_for(org.alice.user).post(api("check-in-series"), {"employee": org.bob.pk}).status_code == 400
    assert client_for(org.manager.user).post(api("check-in-series"), {"employee": org.seller.pk}).status_code == 400


@pytest.mark.parametrize(
    "role,rows,status",
    [("hr", 6, 200), ("hr_eng", 4, 200), ("alice", None, 302), ("staff_user", None, 403)],
)
def test_admin_objectives(org, strategy, role, rows, status, django_user_model):
    if role == "staff_user":
        user = django_user_model.objects.create_user("djstaff", is_staff=True)
    else:
        user = user_of(org, role)
        if role != "alice":
            user.is_staff = True
            user.save()
    response = client_for(user).get(reverse("admin:perf_mgmt_objective_changelist"))
    assert response.status_code == status
    if rows is not None:
        assert response.context["cl"].result_count == rows
    # private notes are not in the admin at all, and nobody may delete an objective
    if status == 200:
        assert client_for(user).get(reverse("admin:perf_mgmt_period_changelist")).status_code == (
            200 if role == "hr" else 403
        )
        delete = reverse("admin:perf_mgmt_objective_delete", args=[strategy.top.pk])
        assert client_for(user).get(delete).status_code in (403, 302)


@pytest.mark.parametrize("role", ROLES)
def test_line_of_sight_history_and_notifications(org, strategy, role):
    from perf_mgmt_plugin.strategy.models import Notification

    client = client_for(user_of(org, role))
    Notification.objects.create(recipient=org.manager.user, kind="k", subject="for the manager")
    for name in OBJECTIVES:
        objective = getattr(strategy, name)
        for url in (api("objective-sight", pk=objective.pk), api("objective-progress", pk=objective.pk)):
            status = client.get(url).status_code
            if role == "anon":
                assert status in (401, 403)
            else:
                assert status == (200 if name in VIEW[role] else 404), (name, url)
    sight = client.get(api("objective-sight", pk=strategy.alice_task.pk))
    if "alice_task" in VIEW[role]:
        assert [o["title"] for o in sight.json()] == [
            "Grow revenue",
            "Ship platform v2",
            "Team: migrate services",
            "Migrate billing",
        ]
    notes = client.get(api("notifications"))
    if role == "anon":
        assert notes.status_code in (401, 403)
    else:
        subjects = [n["subject"] for n in notes.json()["results"]]
        assert subjects == (["for the manager"] if role == "manager" else [])
