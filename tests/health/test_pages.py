"""The health and succession pages: who gets what, the figures and pictures shown, the one-click actions."""

import re

import pytest
from django.urls import reverse

from perf_mgmt_plugin.development.models import Plan, PlanItem
from perf_mgmt_plugin.health.models import HealthPackPreference
from perf_mgmt_plugin.succession import api as succession


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_head_sees_the_division_pack_with_tables(client, health_org):
    response = _get(client, health_org.head.user, reverse("perf_mgmt:health") + f"?unit={health_org.div.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "pm-chart-table" in html
    assert health_org.mgr_b.display_name in html and "Few check-ins" in html
    # The objectives chart's table says the same as the figures: 1 off track, 1 at risk...
    table = re.search(r'data-chart="bars">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", table) == ["1", "1", "1", "1", "1"]
    printed = _get(client, health_org.head.user, reverse("perf_mgmt:health") + f"?unit={health_org.div.pk}&print=1")
    assert printed.status_code == 200 and b"Meeting pack" in printed.content


def test_pack_of_an_unreadable_unit_is_404(client, health_org):
    response = _get(client, health_org.mgr_a.user, reverse("perf_mgmt:health") + f"?unit={health_org.div.pk}")
    assert response.status_code == 404
    assert _get(client, health_org.a1.user, reverse("perf_mgmt:health")).status_code == 403


def test_query_count_of_the_pack_page_is_constant(client, health_org, count_queries):
    client.force_login(health_org.head.user)
    url = reverse("perf_mgmt:health") + f"?unit={health_org.div.pk}"
    client.get(url)
    with count_queries() as first:
        client.get(url)
    from tests import factories

    for n in range(5):
        factories.make_employee(f"extra{n}", manager=health_org.mgr_b, org_unit=health_org.team_b)
    with count_queries() as second:
        client.get(url)
    assert len(first) == len(second)


def test_opt_out(client, health_org):
    client.force_login(health_org.head.user)
    client.post(reverse("perf_mgmt:health-preference"), {})
    assert HealthPackPreference.objects.get(user=health_org.head.user).monthly_email is False


def test_flag_and_one_click_coaching_plan(client, health_org):
    url = reverse("perf_mgmt:health-manager", kwargs={"pk": health_org.mgr_b.pk})
    assert _get(client, health_org.mgr_b.user, url).status_code == 404  # never the manager themselves
    assert _get(client, health_org.mgr_a.user, url).status_code == 404  # a peer
    response = _get(client, health_org.head.user, url)
    assert response.status_code == 200 and b"No face-to-face meetings" in response.content
    client.post(url, {"idempotency_key": "k1"})
    client.post(url, {"idempotency_key": "k1"})
    client.post(url, {"idempotency_key": "k2"})
    plans = Plan.objects.filter(owner=health_org.mgr_b, template__slug="manager-coaching-communication")
    assert plans.count() == 1 and plans.get().status == Plan.ACTIVE
    assert PlanItem.objects.filter(plan=plans.get(), status=PlanItem.APPROVED).count() == 5
    # A manager who does not lag is refused (nothing offered).
    client.post(reverse("perf_mgmt:health-manager", kwargs={"pk": health_org.mgr_a.pk}))
    assert not Plan.objects.filter(owner=health_org.mgr_a).exists()


def test_succession_pages(client, health_org):
    key = succession.mark_key_position(health_org.hr, health_org.lead_pos)
    url = reverse("perf_mgmt:succession-position", kwargs={"pk": key.pk})
    response = _get(client, health_org.hr, url)
    assert response.status_code == 200
    assert f'data-testid="add-{health_org.a1.pk}"'.encode() in response.content
    client.post(url, {"action": "add", "employee": health_org.a1.pk, "idempotency_key": "a"})
    candidate = succession.SuccessorCandidate.objects.get(key_position=key, employee=health_org.a1)
    assert _get(client, health_org.a1.user, url).status_code == 404  # a candidate never sees the pool
    assert _get(client, health_org.head.user, url).status_code == 200  # the unit's senior manager does
    client.force_login(health_org.hr)
    client.post(url, {"action": "readiness", "candidate": candidate.pk, "readiness": "ready_now", "version": 0})
    client.post(url, {"action": "readiness", "candidate": candidate.pk, "readiness": "later", "version": 0})  # stale
    candidate.refresh_from_db()
    assert candidate.readiness == "ready_now" and candidate.version == 1
    client.post(url, {"action": "gaps", "candidate": candidate.pk})
    client.post(url, {"action": "gaps", "candidate": candidate.pk})
    items = PlanItem.objects.filter(owner=health_org.a1, competency=health_org.coach)
    assert items.count() == 1 and items.get().target_level == 3
    assert health_org.lead_pos.title not in items.get().title
    assert _get(client, health_org.hr, reverse("perf_mgmt:succession")).status_code == 200
    assert _get(client, health_org.head.user, reverse("perf_mgmt:talent-grid")).status_code == 200


@pytest.mark.parametrize("name", ["succession"])
def test_outsiders_cannot_manage_succession(client, health_org, name):
    assert _get(client, health_org.head.user, reverse(f"perf_mgmt:{name}")).status_code == 403


def test_monthly_packs_go_to_readers_once_a_month(health_org, mailoutbox):
    from django.core.management import call_command

    from perf_mgmt_plugin.health import api
    from perf_mgmt_plugin.health.models import HealthSnapshot

    api.set_monthly_email(health_org.hr_out, False)
    call_command("send_health_packs")
    packs = [m for m in mailoutbox if "health pack" in m.subject.lower()]
    recipients = {(m.to[0], m.subject) for m in packs}
    assert ("head@example.com", "Organisational health pack: Unit DIV (Health quarter)") in recipients
    assert ("hhr@example.com", "Organisational health pack: Unit DIV (Health quarter)") in recipients
    assert not any(m.to[0] == "hhr_out@example.com" for m in packs)  # opted out
    division = next(m for m in packs if m.to[0] == "head@example.com" and "DIV" in m.subject)
    assert "Mgr_b Tester: Few check-ins, No face-to-face meetings" in division.body
    flags = [m for m in mailoutbox if "may need support" in m.subject]
    assert [m.to[0] for m in flags] == ["head@example.com"]  # mgr_b's own manager
    assert HealthSnapshot.objects.filter(org_unit=health_org.div).count() == 1
    sent = len(mailoutbox)
    call_command("send_health_packs")  # the same month: nothing again
    assert len(mailoutbox) == sent


def test_hostile_ids_are_plain_refusals(client, health_org):
    key = succession.mark_key_position(health_org.hr, health_org.lead_pos)
    client.force_login(health_org.hr)
    url = reverse("perf_mgmt:succession-position", kwargs={"pk": key.pk})
    for value in ("abc", "99999999999999999999", "-1", ""):
        assert client.post(url, {"action": "add", "employee": value}).status_code == 404
        assert client.post(url, {"action": "readiness", "candidate": value, "readiness": "later"}).status_code == 404
        assert client.get(reverse("perf_mgmt:health"), {"unit": value or "x"}).status_code == 404
        assert client.get(reverse("perf_mgmt:talent-grid"), {"unit": value or "x"}).status_code == 404
    assert client.post(reverse("perf_mgmt:succession"), {"position": "abc"}).status_code == 302
