"""REST v1 of profiling: the answer sheet (ETag / If-Match, Idempotency-Key), nominations, approval, release."""

from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.profiling.models import Rater, Subject

from .builders import start


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_whole_round_over_rest(org, profile, people):
    hr = _client(org.hr)
    response = hr.post(
        reverse("perf_mgmt:api-v1:profiling-rounds"),
        {"profile": profile.pk, "name": "REST round", "people": [org.manager.pk], "min_raters": 2},
        format="json",
    )
    assert response.status_code == 201, response.content
    subject = Subject.objects.get(round_id=response.json()["id"])
    subject_api = _client(org.manager.user)
    url = reverse("perf_mgmt:api-v1:profiling-nominations", kwargs={"pk": subject.pk})
    bad = subject_api.post(url, {"peer": [people.peers[0].user_id]}, format="json")
    assert bad.status_code == 400
    good = {"peer": [p.user_id for p in people.peers[:2]], "direct_report": [org.alice.user_id, org.bob.user_id]}
    assert subject_api.post(url, good, format="json").status_code == 200
    assert _client(org.alice.user).post(url, good, format="json").status_code == 404  # not hers to nominate
    approve = reverse("perf_mgmt:api-v1:profiling-approve", kwargs={"pk": subject.pk})
    assert _client(org.director.user).post(approve, {}, format="json").json()["status"] == "approved"

    peer = _client(people.peers[0].user)
    tasks = peer.get(reverse("perf_mgmt:api-v1:profiling-tasks")).json()["results"]
    assert [t["subject"] for t in tasks] == [subject.pk]
    sheet_url = reverse("perf_mgmt:api-v1:profiling-sheet", kwargs={"pk": tasks[0]["id"]})
    sheet = peer.get(sheet_url)
    assert sheet.status_code == 200 and not sheet.json()["group_is_named"]
    assert [lv["name"] for lv in sheet.json()["items"][0]["levels"]] == ["Aware", "Practising", "Skilled", "Expert"]
    etag = sheet["ETag"]
    items = [i["id"] for i in sheet.json()["items"]]
    draft = peer.post(sheet_url, {"answers": {str(items[0]): 2}}, format="json", HTTP_IF_MATCH=etag)
    assert draft.status_code == 200 and draft["ETag"] != etag
    stale = peer.post(sheet_url, {"answers": {str(items[0]): 3}}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    body = {"answers": {str(i): 3 for i in items}, "submit": True}
    first = peer.post(sheet_url, body, format="json", HTTP_IDEMPOTENCY_KEY="submit-1")
    again = peer.post(sheet_url, body, format="json", HTTP_IDEMPOTENCY_KEY="submit-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["rater"]["status"] == "submitted"
    assert peer.post(sheet_url, body, format="json").status_code == 409  # submitted already, no key
    assert _client(people.peers[1].user).get(sheet_url).status_code == 404  # someone else's sheet
    decline = reverse(
        "perf_mgmt:api-v1:profiling-decline", kwargs={"pk": Rater.objects.get(subject=subject, user=org.bob.user).pk}
    )
    assert _client(org.bob.user).post(decline, {"reason": "On leave"}, format="json").json()["status"] == "declined"

    report = reverse("perf_mgmt:api-v1:profiling-report", kwargs={"pk": subject.pk})
    assert hr.get(report).status_code == 404  # open round: nothing to read yet
    close = reverse("perf_mgmt:api-v1:profiling-round-close", kwargs={"pk": subject.round_id})
    assert subject_api.post(close).status_code == 404  # the subject does not manage the round
    assert hr.post(close).json()["status"] == "closed"
    assert hr.get(report).status_code == 200
    assert subject_api.get(report).status_code == 404  # not released yet
    release = reverse("perf_mgmt:api-v1:profiling-release", kwargs={"pk": subject.pk})
    assert hr.post(release).status_code == 403  # released by the manager in this round
    assert _client(org.director.user).post(release).status_code == 200
    data = subject_api.get(report).json()
    assert [g["group"] for g in data["groups"]] == []  # nobody but one peer answered: nothing below 3 is shown
    assert data["not_counted"] == 1


def test_a_manager_sees_only_rounds_they_started(org, profile, people):
    start(org, profile, org.alice)
    rounds = _client(org.manager.user).get(reverse("perf_mgmt:api-v1:profiling-rounds"))
    assert rounds.status_code == 200 and rounds.json()["results"] == []
