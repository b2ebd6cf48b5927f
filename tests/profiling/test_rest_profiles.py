"""
Lane profiling2: what only pages did is on REST v1 too -- profiles created, edited (a version in use makes the next
version), copied, activated and retired by HR; a person's own round; a subject's coach; a round's deadlines.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from perf_mgmt_plugin.profiling.models import Profile, Round, Subject

from .builders import nominate_and_approve, start


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs or None)


def test_hr_creates_edits_copies_activates_and_retires_a_profile(org, fw, people):
    hr = _client(org.hr)
    created = hr.post(
        _url("profiling-profiles"),
        {
            "family": "team-lead",
            "name": "Team lead 360",
            "items": [{"competency": fw.coach.pk, "text": "Coaches the team"}],
            "questions": ["Keep doing?"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["kind"], data["status"], data["number"], data["items"]) == (
        "360",
        "draft",
        1,
        [{"competency": fw.coach.pk, "text": "Coaches the team"}],
    )
    url = _url("profiling-profile", pk=data["id"])
    etag = hr.get(url)["ETag"]
    # A draft is edited in place with the ETag it was read with; an older ETag is a 412.
    edited = hr.patch(url, {"name": "Team lead feedback"}, format="json", HTTP_IF_MATCH=etag)
    assert edited.status_code == 200, edited.content
    assert (edited.json()["id"], edited.json()["name"]) == (data["id"], "Team lead feedback")
    assert hr.patch(url, {"name": "Late"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    # Hostile input is a clear 400: unknown type, duplicate family, no items.
    bad_kind = hr.post(_url("profiling-profiles"), {"family": "x1", "name": "X", "kind": "720"}, format="json")
    assert bad_kind.status_code == 400
    dup = hr.post(_url("profiling-profiles"), {"family": "team-lead", "name": "Again"}, format="json")
    assert dup.status_code == 400

    status_url = _url("profiling-profile-status", pk=data["id"])
    assert hr.post(status_url, {"status": "active"}, format="json").json()["status"] == "active"
    assert hr.post(status_url, {"status": "draft"}, format="json").status_code == 400
    # In use: an edit makes the next version (201), the answered one stays as it was.
    profile = Profile.objects.get(pk=data["id"])
    start(org, profile, org.manager)
    next_version = hr.patch(
        url, {"items": [{"competency": fw.plan.pk, "text": "Plans"}]}, format="json", HTTP_IF_MATCH=hr.get(url)["ETag"]
    )
    assert next_version.status_code == 201, next_version.content
    assert (next_version.json()["number"], next_version.json()["family"]) == (2, "team-lead")
    assert list(profile.items.values_list("text", flat=True)) == ["Coaches the team"]

    copy = hr.post(_url("profiling-profile-copy", pk=data["id"]), {"family": "team-lead-b"}, format="json")
    assert copy.status_code == 201 and copy.json()["status"] == "draft"
    assert hr.post(status_url, {"status": "retired"}, format="json").json()["status"] == "retired"

    # Not HR: refused before any id is looked at (the same answer for an id that exists and one that does not).
    alice = _client(org.alice.user)
    assert alice.post(_url("profiling-profiles"), {"family": "mine", "name": "Mine"}, format="json").status_code == 403
    assert alice.get(url).status_code == alice.get(_url("profiling-profile", pk=987654)).status_code == 403
    assert alice.post(status_url, {"status": "active"}, format="json").status_code == 403


def test_a_person_asks_for_their_own_round_over_rest(org, profile):
    own = _client(org.alice.user)
    url = _url("profiling-own-round")
    assert own.post(url, {"profile": profile.pk}, format="json").status_code == 400  # not offered to ask for
    Profile.objects.filter(pk=profile.pk).update(allow_self_request=True)
    response = own.post(url, {"profile": profile.pk}, format="json")
    assert response.status_code == 201, response.content
    rnd = Round.objects.get(pk=response.json()["id"])
    assert rnd.self_requested and Subject.objects.get(round=rnd).person == org.alice
    assert own.post(url, {"profile": profile.pk}, format="json").status_code == 409  # one open round at a time
    assert _client(org.outsider).post(url, {"profile": profile.pk}, format="json").status_code == 403  # nobody


def test_hr_names_a_coach_and_moves_deadlines_over_rest(org, profile, people):
    rnd, subject = start(org, profile, org.manager, release_by=Round.RELEASE_COACH)
    hr = _client(org.hr)
    url = _url("profiling-coach", pk=subject.pk)
    response = hr.post(url, {"coach": people.others[0].user_id}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": subject.pk, "coach": people.others[0].user_id}
    assert hr.post(url, {"coach": 987654}, format="json").status_code == 400
    assert hr.post(url, {"coach": None}, format="json").json()["coach"] is None
    assert _client(org.manager.user).post(url, {"coach": org.manager.user_id}, format="json").status_code == 403
    assert hr.post(_url("profiling-coach", pk=987654), {"coach": None}, format="json").status_code == 404

    deadlines = _url("profiling-round-deadlines", pk=rnd.pk)
    later = timezone.localdate() + datetime.timedelta(days=10)
    moved = hr.post(deadlines, {"answer_by": later.isoformat()}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["answer_by"] == later.isoformat()
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert hr.post(deadlines, {"answer_by": past}, format="json").status_code == 400
    nominate_and_approve(org, subject, peers=people.peers[:2], reports=[org.alice, org.bob])
    progress = hr.get(_url("profiling-round", pk=rnd.pk)).json()
    assert (progress["answers_overdue"], progress["overdue_raters"]) == (False, 0)


def test_the_round_page_names_a_coach(client, org, profile, people):
    rnd, subject = start(org, profile, org.manager, release_by=Round.RELEASE_COACH)
    client.force_login(org.hr)
    url = reverse("perf_mgmt:feedback-round", kwargs={"pk": rnd.pk})
    assert 'data-testid="coach-form"' in client.get(url).content.decode()
    coach = people.others[0].user
    client.post(url, {"action": "coach", "subject": subject.pk, "coach": coach.username})
    subject.refresh_from_db()
    assert subject.coach == coach
    client.post(url, {"action": "coach", "subject": subject.pk, "coach": "nobody-here"})
    subject.refresh_from_db()
    assert subject.coach == coach  # unknown username: told, nothing changed
    assert client.post(url, {"action": "coach", "subject": 987654, "coach": ""}).status_code == 404
