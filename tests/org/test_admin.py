"""
The Django admin of the org domain writes through the org services: paths follow a changed manager or parent,
cycles come back as form errors, scoped HR admins stay inside their scope, history cannot be reverted past the
services, grants are revoked rather than deleted. Who may open which admin page is in test_permission_matrix.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from perf_mgmt_plugin.org.access import access_context
from perf_mgmt_plugin.org.models import AccessGrant, Employee, HRAdminScope, OrgUnit

from .. import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("org_once"),
]

ADMIN = "/admin/perf_mgmt/"


@pytest.fixture
def hr_client(org, client):
    org.hr.is_staff = True
    org.hr.save(update_fields=["is_staff"])
    client.force_login(org.hr)
    return client


@pytest.fixture
def hr_eng_client(org, client):
    org.hr_eng.is_staff = True
    org.hr_eng.save(update_fields=["is_staff"])
    client.force_login(org.hr_eng)
    return client


def employee_form(employee, **changes):
    data = {
        "user": employee.user_id,
        "employee_number": employee.employee_number or "",
        "position": employee.position_id or "",
        "org_unit": employee.org_unit_id or "",
        "manager": employee.manager_id or "",
        "start_date": employee.start_date or "",
        "active": "on" if employee.active else "",
    }
    data.update({key: ("" if value is None else value) for key, value in changes.items()})
    return {key: value for key, value in data.items() if value != ""}


def unit_form(unit, **changes):
    data = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id or "", "active": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_changing_the_manager_moves_the_person_and_their_reports(org, hr_client):
    response = hr_client.post(
        f"{ADMIN}employee/{org.manager.pk}/change/", employee_form(org.manager, manager=org.seller.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    manager, seller = fresh(org.manager), fresh(org.seller)
    assert manager.manager_id == seller.pk
    assert manager.path.startswith(seller.path)
    assert fresh(org.alice).path.startswith(manager.path) and fresh(org.bob).path.startswith(manager.path)
    last = manager.history.first()
    assert (last.manager_id, last.history_user_id) == (seller.pk, org.hr.pk)


def test_other_fields_and_the_manager_change_together(org, hr_client):
    data = employee_form(org.alice, manager=org.director.pk, employee_number="A-1")
    assert hr_client.post(f"{ADMIN}employee/{org.alice.pk}/change/", data).status_code == 302
    alice = fresh(org.alice)
    assert (alice.employee_number, alice.manager_id) == ("A-1", org.director.pk)
    assert alice.path.startswith(fresh(org.director).path) and not alice.path.startswith(fresh(org.manager).path)


def test_a_reporting_cycle_is_a_form_error_and_nothing_changes(org, hr_client):
    before = fresh(org.director).path
    response = hr_client.post(
        f"{ADMIN}employee/{org.director.pk}/change/", employee_form(org.director, manager=org.alice.pk)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "already reports to" in errors["manager"][0]
    director = fresh(org.director)
    assert (director.manager_id, director.path) == (org.ceo.pk, before)


def test_being_ones_own_manager_is_a_form_error(org, hr_client):
    response = hr_client.post(f"{ADMIN}employee/{org.bob.pk}/change/", employee_form(org.bob, manager=org.bob.pk))
    assert response.status_code == 200 and "manager" in response.context["adminform"].form.errors


def test_adding_a_person_places_them_in_the_tree(org, hr_client):
    user = factories.make_user("newcomer")
    data = {"user": user.pk, "employee_number": "N-1", "org_unit": org.platform.pk, "manager": org.manager.pk}
    data["active"] = "on"
    response = hr_client.post(f"{ADMIN}employee/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    newcomer = Employee.objects.get(user=user)
    assert newcomer.path.startswith(fresh(org.manager).path) and len(newcomer.path) == len(org.manager.path) + 6
    assert newcomer.history.first().history_user_id == org.hr.pk


def test_scoped_hr_admin_cannot_move_people_out_of_their_scope(org, hr_eng_client):
    response = hr_eng_client.post(
        f"{ADMIN}employee/{org.alice.pk}/change/", employee_form(org.alice, org_unit=org.sales.pk)
    )
    assert response.status_code == 200 and "org_unit" in response.context["adminform"].form.errors
    assert fresh(org.alice).org_unit_id == org.platform.pk
    # Nor leave the unit empty (an employee without a unit is outside every scope).
    response = hr_eng_client.post(f"{ADMIN}employee/{org.alice.pk}/change/", employee_form(org.alice, org_unit=None))
    assert response.status_code == 200 and "org_unit" in response.context["adminform"].form.errors


def test_scoped_hr_admin_cannot_pick_a_manager_outside_their_scope(org, hr_eng_client):
    response = hr_eng_client.post(
        f"{ADMIN}employee/{org.alice.pk}/change/", employee_form(org.alice, manager=org.seller.pk)
    )
    assert response.status_code == 200 and "manager" in response.context["adminform"].form.errors


def test_scoped_hr_admin_keeps_a_current_manager_above_their_scope(org, hr_eng_client):
    """The director reports to the CEO (outside ENG): editing the director keeps that manager valid."""
    data = employee_form(org.director, employee_number="D-1")
    assert hr_eng_client.post(f"{ADMIN}employee/{org.director.pk}/change/", data).status_code == 302
    director = fresh(org.director)
    assert (director.employee_number, director.manager_id) == ("D-1", org.ceo.pk)


def test_scoped_hr_admin_cannot_change_someone_outside_their_scope(org, hr_eng_client):
    response = hr_eng_client.post(f"{ADMIN}employee/{org.seller.pk}/change/", employee_form(org.seller, active=""))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert fresh(org.seller).active


def test_scoped_hr_admin_search_stays_in_scope(org, hr_eng_client):
    response = hr_eng_client.get(f"{ADMIN}employee/", {"q": "Tester"})
    assert {e.user.username for e in response.context["cl"].result_list} == {"director", "manager", "alice", "bob"}
    autocomplete = hr_eng_client.get(
        "/admin/autocomplete/",
        {"app_label": "perf_mgmt", "model_name": "employee", "field_name": "manager", "term": "e"},
    )
    assert autocomplete.status_code == 200
    ids = {int(row["id"]) for row in autocomplete.json()["results"]}
    assert ids == {org.director.pk, org.manager.pk, org.alice.pk, org.bob.pk}


def test_moving_a_unit_moves_its_subtree_and_a_cycle_is_a_form_error(org, hr_client):
    response = hr_client.post(
        f"{ADMIN}orgunit/{org.engineering.pk}/change/", unit_form(org.engineering, parent=org.sales.pk)
    )
    assert response.status_code == 302
    engineering, sales = fresh(org.engineering), fresh(org.sales)
    assert engineering.path.startswith(sales.path) and fresh(org.platform).path.startswith(engineering.path)

    response = hr_client.post(
        f"{ADMIN}orgunit/{org.engineering.pk}/change/", unit_form(engineering, parent=org.platform.pk)
    )
    assert response.status_code == 200 and "parent" in response.context["adminform"].form.errors
    assert fresh(org.engineering).parent_id == org.sales.pk


def test_adding_a_unit_places_it_in_the_tree(org, hr_client):
    data = {"code": "QA", "name": "Quality", "kind": "team", "parent": org.engineering.pk}
    assert hr_client.post(f"{ADMIN}orgunit/add/", data).status_code == 302
    unit = OrgUnit.objects.get(code="QA")
    assert unit.path.startswith(org.engineering.path) and not unit.active  # active unchecked in the form


def test_history_can_be_read_but_not_reverted(org, hr_client):
    org.alice.employee_number = "CHANGED"
    org.alice.save()
    record = org.alice.history.last()
    url = f"{ADMIN}employee/{org.alice.pk}/history/{record.history_id}/"
    assert hr_client.get(url).status_code == 200
    assert hr_client.post(url, employee_form(org.alice, employee_number=record.employee_number)).status_code == 403
    alice = fresh(org.alice)
    assert (alice.employee_number, alice.path) == ("CHANGED", org.alice.path)


def test_a_grant_records_who_gave_it_and_is_revoked_not_deleted(org, hr_client):
    coach = factories.make_user("coach")
    ends = timezone.now() + timedelta(days=10)
    data = {
        "grantee": coach.pk,
        "subject": org.manager.pk,
        "reason": "coaching",
        "starts_at_0": timezone.now().strftime("%Y-%m-%d"),
        "starts_at_1": "00:00:00",
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": "00:00:00",
    }
    assert hr_client.post(f"{ADMIN}accessgrant/add/", data).status_code == 302
    grant = AccessGrant.objects.get(grantee=coach)
    assert grant.granted_by_id == org.hr.pk
    assert access_context(coach).granted_employee_paths == (org.manager.path,)

    response = hr_client.post(f"{ADMIN}accessgrant/", {"action": "revoke", "_selected_action": [grant.pk], "index": 0})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    coach = type(coach).objects.get(pk=coach.pk)
    assert access_context(coach).granted_employee_paths == ()


def test_a_grant_needs_a_person_or_a_unit(org, hr_client):
    data = {
        "grantee": org.outsider.pk,
        "starts_at_0": "2026-01-01",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2026-12-31",
        "ends_at_1": "00:00:00",
    }
    response = hr_client.post(f"{ADMIN}accessgrant/add/", data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not AccessGrant.objects.exists()


def test_removing_the_last_scope_warns_that_the_hr_admin_now_sees_everyone(org, hr_client):
    scope = HRAdminScope.objects.get(user=org.hr_eng)
    response = hr_client.post(f"{ADMIN}hradminscope/{scope.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("no HR scope left" in text for text in texts), texts
    assert access_context(type(org.hr_eng).objects.get(pk=org.hr_eng.pk)).hr_unrestricted
