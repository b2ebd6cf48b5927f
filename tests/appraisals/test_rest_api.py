"""
REST API v1 of appraisals through HTTP: templates and cycles for HR (create, change, launch with progress, close),
the review conversation, interim notes, coaching, follow-up actions, the process survey (never below the anonymity
threshold, also not in the CSV export) and the reports; bad input answers 400 with the field at fault; query counts
of lists and details pinned and constant as data grows.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from perf_mgmt_plugin.appraisals import coaching, cycles, survey
from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewTemplate, SurveyInvitation, SurveyResponse
from tests.fixtures.build import cycle_dates

from . import builders

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once", "kra_scale_once")


def client_for(user):
    """A signed-in session: every request loads its user afresh, as in production."""
    client = APIClient()
    client.force_login(user)
    return client


def url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


def _dates(today):
    return {key: value.isoformat() for key, value in cycle_dates(today).items()}


# Templates and cycles


def test_hr_creates_a_template_and_bad_sections_are_field_errors(org, kra_scale):
    hr = client_for(org.hr)
    body = {
        "slug": "monthly",
        "name": "Monthly check",
        "description": "<p>Short</p><script>x</script>",
        "sections": [
            {"kind": "kra", "title": "Results", "weight": 2, "scale": "kra-five"},
            {"kind": "questions", "title": "Notes", "questions": [{"text": "What next?", "required": True}]},
        ],
    }
    created = hr.post(url("appraisal-templates"), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert "<script>" not in data["description"]
    assert [(s["kind"], s["scale"], s["weight"]) for s in data["sections"]] == [
        ("kra", "kra-five", 2.0),
        ("questions", None, 1.0),
    ]
    assert data["sections"][1]["questions"] == [
        {"id": data["sections"][1]["questions"][0]["id"], "text": "What next?", "required": True}
    ]
    # A key-result-area section without a scale: the service's message, nothing written.
    bad = dict(body, slug="other", sections=[{"kind": "kra", "title": "Results"}])
    refused = hr.post(url("appraisal-templates"), bad, format="json")
    assert refused.status_code == 400 and "scale" in refused.json()["detail"][0]
    # Shape errors name the field.
    shape = hr.post(url("appraisal-templates"), {"slug": "x y", "sections": [{"kind": "nope"}]}, format="json")
    assert shape.status_code == 400
    assert {"slug", "name", "sections"} <= set(shape.json())
    assert ReviewTemplate.objects.filter(slug__in=["other", "x y"]).count() == 0
    listed = hr.get(url("appraisal-templates")).json()
    assert [t["slug"] for t in listed["results"]] == ["monthly"]


def test_hr_reads_and_changes_a_template(org, template, kra_scale):
    hr = client_for(org.hr)
    path = url("appraisal-template", slug="annual")
    assert hr.get(path).json()["sections"][0]["scale"] == "kra-five"
    assert hr.get(url("appraisal-template", slug="nope")).status_code == 404
    assert client_for(org.hr_eng).get(path).status_code == 200
    assert client_for(org.hr_eng).patch(path, {"name": "x"}, format="json").status_code == 403
    assert client_for(org.manager.user).get(path).status_code == 403
    changed = hr.patch(path, {"name": "Annual 2027", "active": False}, format="json")
    assert changed.status_code == 200 and (changed.json()["name"], changed.json()["active"]) == ("Annual 2027", False)
    sections = [{"kind": "kra", "title": "Results", "weight": 3, "scale": "kra-five"}]
    replaced = hr.patch(path, {"sections": sections}, format="json").json()
    assert [(s["kind"], s["weight"]) for s in replaced["sections"]] == [("kra", 3.0)]
    bad = hr.patch(path, {"sections": [{"kind": "kra", "title": "No scale"}]}, format="json")
    assert bad.status_code == 400 and "scale" in bad.json()["detail"][0]
    assert ReviewTemplate.objects.get(slug="annual").sections.count() == 1  # nothing written


def test_a_used_templates_sections_cannot_change_through_the_api(org, cycle):
    hr = client_for(org.hr)
    path = url("appraisal-template", slug=cycle.template.slug)
    refused = hr.patch(path, {"sections": [{"kind": "development", "title": "Only this"}]}, format="json")
    assert refused.status_code == 400 and "can no longer change" in refused.json()["detail"][0]
    assert hr.patch(path, {"description": "<p>Still ours</p>"}, format="json").status_code == 200


def test_hr_creates_changes_launches_and_closes_a_cycle(
    org, template, strategy, fw, today, django_capture_on_commit_callbacks
):
    hr = client_for(org.hr)
    body = {"name": "H1", "template": "annual", "cadence": "quarterly", "period": strategy.period.pk}
    body.update(_dates(today), units=["PLAT"], people=[org.seller.pk])
    created = hr.post(url("appraisal-cycles"), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    pk = data["id"]
    assert (data["status"], data["template"], data["units"], data["people"]) == (
        "draft",
        "annual",
        ["PLAT"],
        [org.seller.pk],
    )

    # Unknown keys are field errors; deadlines out of order the service's message.
    assert set(
        hr.post(url("appraisal-cycles"), dict(body, name="X", template="nope", units=["NOPE"]), format="json").json()
    ) == {"template"}
    unknown_unit = hr.post(url("appraisal-cycles"), dict(body, name="X", units=["NOPE"]), format="json")
    assert unknown_unit.status_code == 400 and "NOPE" in unknown_unit.json()["units"][0]
    swapped = dict(body, name="X", meeting_due=body["self_review_due"])
    assert "order" in hr.post(url("appraisal-cycles"), swapped, format="json").json()["detail"][0]
    assert not Cycle.objects.filter(name="X").exists()

    changed = hr.patch(url("appraisal-cycle", pk=pk), {"name": "H1 2026", "people": []}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "H1 2026" and changed.json()["people"] == []

    with django_capture_on_commit_callbacks(execute=True):
        launched = hr.post(url("appraisal-cycle-launch", pk=pk), {}, format="json")
    assert launched.status_code == 202, launched.content
    assert launched.json()["status"] == "running"
    progress = hr.get(url("appraisal-cycle-launch-progress", pk=pk)).json()
    # The host runs the Celery task eagerly: the platform team (manager, alice, bob) has its reviews.
    assert progress == {"status": "done", "done": 3, "total": 3, "error": ""}
    assert Review.objects.filter(cycle_id=pk).count() == 3
    # The template can no longer change once launched.
    assert hr.patch(url("appraisal-cycle", pk=pk), {"scored": False}, format="json").status_code == 400

    closed = hr.post(url("appraisal-cycle-close", pk=pk), {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert SurveyInvitation.objects.filter(cycle_id=pk).exists()
    assert hr.post(url("appraisal-cycle-close", pk=pk), {}, format="json").status_code == 400


def test_cycle_list_shows_participants_only_their_launched_cycles(org, cycle, template, today):
    draft = cycles.create_cycle(org.hr, name="Later", template=template, people=[org.alice], **cycle_dates(today))
    assert {c["id"] for c in client_for(org.hr).get(url("appraisal-cycles")).json()["results"]} == {cycle.pk, draft.pk}
    assert [c["id"] for c in client_for(org.alice.user).get(url("appraisal-cycles")).json()["results"]] == [cycle.pk]
    assert client_for(org.alice.user).get(url("appraisal-cycle", pk=draft.pk)).status_code == 404
    assert client_for(org.seller.user).get(url("appraisal-cycles")).json()["results"] == []


# The process survey


def _close_and_answer(org, cycle, answers):
    """Close the cycle and let the first ``len(answers)`` of alice, bob, manager answer over HTTP."""
    cycles.close_cycle(org.hr, cycle)
    for person, comment in zip((org.alice, org.bob, org.manager), answers, strict=False):
        body = {"clarity": 4, "usefulness": 3, "fairness": 5, "meeting": 4, "comment": comment}
        answered = client_for(person.user).post(url("appraisal-survey-submit", pk=cycle.pk), body, format="json")
        assert answered.status_code == 204, answered.content
    # the survey is over (PERF_MGMT_SURVEY_DAYS after closing): its results are released
    over = timezone.now() - datetime.timedelta(days=survey.survey_days() + 1)
    Cycle.objects.filter(pk=cycle.pk).update(closed_at=over)


def test_participants_answer_the_survey_once_with_valid_values(org, cycle):
    cycles.close_cycle(org.hr, cycle)
    alice = client_for(org.alice.user)
    assert [p["cycle"] for p in alice.get(url("appraisal-surveys-pending")).json()["results"]] == [cycle.pk]
    bad = alice.post(url("appraisal-survey-submit", pk=cycle.pk), {"clarity": 9, "usefulness": 3}, format="json")
    assert bad.status_code == 400 and {"clarity", "fairness"} <= set(bad.json())
    body = {"clarity": 4, "usefulness": 3, "fairness": 5}
    assert alice.post(url("appraisal-survey-submit", pk=cycle.pk), body, format="json").status_code == 204
    assert alice.post(url("appraisal-survey-submit", pk=cycle.pk), body, format="json").status_code == 400
    assert alice.get(url("appraisal-surveys-pending")).json()["results"] == []
    # Someone without a part in the cycle cannot even find it.
    assert (
        client_for(org.seller.user).post(url("appraisal-survey-submit", pk=cycle.pk), body, format="json").status_code
        == 404
    )


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_survey_answers_below_the_threshold_never_appear_in_results_or_export(org, cycle):
    _close_and_answer(org, cycle, ["secret-alice", "secret-bob"])
    hr = client_for(org.hr)
    results = hr.get(url("appraisal-survey-results", pk=cycle.pk))
    assert results.status_code == 200
    assert "secret" not in results.content.decode()
    (group,) = results.json()["groups"]
    assert group["hidden"] and group["responses"] is None and group["means"] == {} and group["comments"] == []
    by_role = hr.get(url("appraisal-survey-results", pk=cycle.pk), {"group_by": "role"}).json()
    assert all(g["hidden"] for g in by_role["groups"]) and "secret" not in str(by_role)
    export = hr.get(url("appraisal-survey-export", pk=cycle.pk))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert "secret" not in export.content.decode()
    assert all(row[2] == "" or row[2].startswith("hidden") for row in _csv(export)[1:] if len(row) > 2)
    trends = hr.get(url("appraisal-survey-trends")).json()
    assert trends == [
        {"cycle": cycle.pk, "name": cycle.name, "start": cycle.start.isoformat(), "end": cycle.end.isoformat(),
         "hidden": True, "responses": None, "means": {}}
    ]  # fmt: skip
    assert hr.get(url("appraisal-survey-results", pk=cycle.pk), {"group_by": "person"}).status_code == 400


def test_survey_results_shown_from_the_threshold(org, cycle):
    _close_and_answer(org, cycle, ["good", "clear", ""])
    assert SurveyResponse.objects.filter(cycle=cycle).count() == survey.min_group() == 3
    hr = client_for(org.hr)
    (group,) = hr.get(url("appraisal-survey-results", pk=cycle.pk)).json()["groups"]
    assert not group["hidden"] and group["responses"] == 3 and group["comments"] == ["clear", "good"]
    assert group["means"]["clarity"] == 4.0 and group["distribution"]["fairness"][4] == [5, 3]
    rows = _csv(hr.get(url("appraisal-survey-export", pk=cycle.pk)))
    assert rows[1][:3] == ["everyone", "Everyone", "3"] and ["good"] in rows and ["clear"] in rows
    # Employees (2) and the manager (1) apart would be below the threshold: both hidden, no comment by role.
    by_role = hr.get(url("appraisal-survey-results", pk=cycle.pk), {"group_by": "role"}).json()
    assert [g["hidden"] for g in by_role["groups"]] == [True, True]


@pytest.mark.parametrize("role", ["alice", "manager", "director", "outsider"])
def test_survey_results_and_export_are_for_hr_only(org, cycle, role):
    _close_and_answer(org, cycle, ["a", "b", "c"])
    user = getattr(getattr(org, role), "user", getattr(org, role))
    client = client_for(user)
    for name in ("appraisal-survey-results", "appraisal-survey-export"):
        response = client.get(url(name, pk=cycle.pk))
        assert response.status_code == 403
    assert client.get(url("appraisal-survey-trends")).status_code == 403


# The review conversation


def _review(cycle, person):
    return Review.objects.get(cycle=cycle, employee=person)


def _answers(detail, rating):
    """A rating for every rated item (the given point of its scale, else the top) and an answer to each question."""
    values = {}
    for item in detail["items"]:
        if item["levels"]:
            points = [level["value"] for level in item["levels"]]
            values[str(item["id"])] = {"rating": rating if rating in points else points[-1], "comment": "why"}
        else:
            values[str(item["id"])] = {"comment": "an answer"}
    return values


def test_full_conversation_over_http_with_coaching_disagreement_and_reopen(org, cycle, fw):
    review = _review(cycle, org.alice)
    alice, manager, coach = client_for(org.alice.user), client_for(org.manager.user), client_for(org.seller.user)
    detail_url = url("appraisal-review", pk=review.pk)
    mine = alice.get(detail_url).json()
    assert mine["review"]["stage"] == "self_review" and mine["may"]["write_self_review"]
    assert not mine["may"]["write_manager_review"] and mine["coaching"] is None and mine["coach"] is None
    kra = next(item for item in mine["items"] if item["section_kind"] == "kra")
    assert [level["value"] for level in kra["levels"]] == [1, 2, 3, 4, 5]
    assert kra["levels"][0]["description"] == "<p>Most results <strong>missed</strong>.</p>"

    # The manager's private draft, while the self review is under way.
    draft = {"summary": "<p>private-draft-summary</p>", "items": _answers(mine, 4)}
    for values in draft["items"].values():
        values["comment"] = "private-draft-comment"
    assert manager.post(url("appraisal-review-manager-review", pk=review.pk), draft, format="json").status_code == 200
    # Alice cannot write the manager's part, the manager cannot write hers.
    assert alice.post(url("appraisal-review-manager-review", pk=review.pk), draft, format="json").status_code == 403
    assert manager.post(url("appraisal-review-self-review", pk=review.pk), {}, format="json").status_code == 403

    # Bad input: a rating off the scale is refused (400) and nothing is written.
    off = {"items": {str(kra["id"]): {"rating": 9}}, "submit": True}
    refused = alice.post(url("appraisal-review-self-review", pk=review.pk), off, format="json")
    assert refused.status_code == 400 and "9" in refused.json()["detail"][0]
    assert _review(cycle, org.alice).stage == Review.SELF_REVIEW
    shape = alice.post(url("appraisal-review-self-review", pk=review.pk), {"items": {"x": {}}}, format="json")
    assert shape.status_code == 400 and "items" in shape.json()

    submitted = alice.post(
        url("appraisal-review-self-review", pk=review.pk),
        {"summary": "<p>My year</p>", "items": _answers(mine, 3), "submit": True},
        format="json",
    )
    assert submitted.status_code == 200, submitted.content
    seen = submitted.json()
    assert seen["review"]["stage"] == "manager_review" and not seen["manager_visible"]
    assert "private-draft" not in submitted.content.decode()
    assert all(item["manager_rating"] is None for item in seen["items"]) and seen["manager_score"] is None

    # A coach for the manager: HR assigns the seller; the coach sees this review, the person does not see the
    # coaching.
    assign = {"reviewer": org.manager.pk, "coach": org.seller.pk}
    coaches = url("appraisal-cycle-coaches", pk=cycle.pk)
    assert manager.post(coaches, assign, format="json").status_code == 403  # not for oneself
    # Alice may not see her manager's record: for her the reviewer is unknown, as a missing one is.
    assert alice.post(coaches, assign, format="json").json() == {"reviewer": ["Unknown person."]}
    assert manager.post(coaches, dict(assign, reviewer=999999), format="json").json() == {
        "reviewer": ["Unknown person."]
    }
    # The seller is outside the director's scope, and not a manager: nobody may name them coach (the page's rule).
    refused = client_for(org.director.user).post(coaches, assign, format="json")
    assert refused.status_code == 400 and refused.json() == {"coach": [str(coaching.NOT_A_COACH)]}
    assert not coaching.coached_reviews(org.seller.user).exists()
    # Made a manager, they may be named by HR, whose scope covers them.
    builders.lead(org.seller)
    assigned = client_for(org.hr).post(coaches, assign, format="json")
    assert assigned.status_code == 201, assigned.content
    assert assigned.json()["coach"] == org.seller.pk
    coached = coach.get(url("appraisal-coached-reviews")).json()
    assert sorted(r["employee"] for r in coached["results"]) == [org.alice.pk, org.bob.pk]
    assert manager.post(url("appraisal-review-share", pk=review.pk), {}, format="json").status_code == 400
    assert manager.post(url("appraisal-review-request-coaching", pk=review.pk), {}, format="json").status_code == 200
    coach_view = coach.get(detail_url).json()
    assert coach_view["manager_visible"] and coach_view["review"]["manager_summary"] == "<p>private-draft-summary</p>"
    feedback = {"body": "<p>coach-feedback-text</p>"}
    assert (
        alice.post(url("appraisal-review-coaching-feedback", pk=review.pk), feedback, format="json").status_code == 403
    )
    given = coach.post(url("appraisal-review-coaching-feedback", pk=review.pk), feedback, format="json")
    assert given.status_code == 200 and given.json()["coaching"][0]["body"] == "<p>coach-feedback-text</p>"
    assert manager.get(detail_url).json()["coaching"][0]["body"] == "<p>coach-feedback-text</p>"
    assert "coach-feedback-text" not in alice.get(detail_url).content.decode()

    shared = manager.post(url("appraisal-review-share", pk=review.pk), {}, format="json")
    assert shared.status_code == 200 and shared.json()["review"]["stage"] == "meeting"
    now_alice = alice.get(detail_url).json()
    assert now_alice["manager_visible"] and now_alice["review"]["manager_summary"] == "<p>private-draft-summary</p>"
    assert now_alice["coaching"] is None and "coach-feedback-text" not in str(now_alice)

    # Meeting: a bad mode is a field error; then it took place an hour ago, both confirm.
    meeting = url("appraisal-review-meeting", pk=review.pk)
    assert set(manager.post(meeting, {"at": "2020-01-01T10:00:00Z", "mode": "phone"}, format="json").json()) == {"mode"}
    at = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    assert manager.post(meeting, {"at": at, "mode": "video"}, format="json").json()["review"]["meeting_mode"] == "video"
    assert alice.post(url("appraisal-review-attend", pk=review.pk), {}, format="json").status_code == 200
    attended = manager.post(url("appraisal-review-attend", pk=review.pk), {}, format="json").json()
    assert attended["review"]["stage"] == "sign_off"

    sign = url("appraisal-review-sign-off", pk=review.pk)
    assert alice.post(sign, {"disagrees": True}, format="json").status_code == 400  # say what
    signed = alice.post(
        sign, {"comment": "ok", "disagrees": True, "disagreement": "<p>Rating too low</p>"}, format="json"
    )
    assert signed.status_code == 200 and signed.json()["review"]["disagrees"]
    refused = manager.post(sign, {}, format="json")  # no follow-up action agreed yet
    assert refused.status_code == 400 and "follow-up action" in str(refused.json())
    due_date = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    action = {"title": "Mentor a new joiner", "due_date": due_date}
    assert manager.post(url("appraisal-review-actions", pk=review.pk), action, format="json").status_code == 201
    done = manager.post(sign, {}, format="json").json()
    assert done["review"]["stage"] == "completed" and done["review"]["disagreement"] == "<p>Rating too low</p>"

    # Reopen: not by the person nor by the reviewing manager; by the senior manager with a reason.
    reopen = url("appraisal-review-reopen", pk=review.pk)
    assert alice.post(reopen, {"to_stage": "meeting", "reason": "x"}, format="json").status_code == 403
    assert manager.post(reopen, {"to_stage": "meeting", "reason": "x"}, format="json").status_code == 403
    assert set(client_for(org.director.user).post(reopen, {"to_stage": "meeting"}, format="json").json()) == {"reason"}
    reopened = client_for(org.director.user).post(
        reopen, {"to_stage": "meeting", "reason": "Wrong date"}, format="json"
    )
    assert reopened.status_code == 200
    data = reopened.json()["review"]
    assert (data["stage"], data["reopen_count"]) == ("meeting", 1)
    assert reopened.json()["events"][-1]["note"] == "Wrong date"


def test_notes_and_follow_up_actions_over_http(org, cycle, today):
    review = _review(cycle, org.alice)
    alice, manager = client_for(org.alice.user), client_for(org.manager.user)
    notes = url("appraisal-person-notes", pk=org.alice.pk)
    private = {"body": "<p>manager-private-note</p>", "tag": "concern", "private": True}
    assert manager.post(notes, private, format="json").status_code == 201
    assert set(manager.post(notes, {"body": "x", "tag": "gossip"}, format="json").json()) == {"tag"}
    mine = alice.post(notes, {"body": "<p>Shipped billing</p><script>x</script>", "tag": "recognition"}, format="json")
    assert mine.status_code == 201 and "<script>" not in mine.json()["body"]
    assert [n["tag"] for n in alice.get(notes).json()["results"]] == ["recognition"]
    assert sorted(n["tag"] for n in manager.get(notes).json()["results"]) == ["concern", "recognition"]
    assert client_for(org.bob.user).get(notes).status_code == 404  # a peer: not even the person's notes page
    assert client_for(org.bob.user).post(notes, {"body": "x"}, format="json").status_code == 404
    assert "manager-private-note" not in alice.get(url("appraisal-review", pk=review.pk)).content.decode()
    assert manager.get(notes, {"start": "nope"}).status_code == 400

    due = (today + datetime.timedelta(days=30)).isoformat()
    actions = url("appraisal-review-actions", pk=review.pk)
    body = {"title": "Lead a design review", "due_date": due, "kind": "development", "owner": org.alice.pk}
    assert alice.post(actions, body, format="json").status_code == 403
    assert set(manager.post(actions, {"title": "x", "kind": "x"}, format="json").json()) == {"kind", "due_date"}
    added = manager.post(actions, body, format="json")
    assert added.status_code == 201, added.content
    action = added.json()
    assert action["plan_item"] is not None and action["status"] == "open"
    work = manager.post(actions, dict(body, title="Fix on-call", kind="work"), format="json").json()
    assert alice.post(url("appraisal-action-cancel", pk=work["id"]), {}, format="json").status_code == 403
    assert (
        manager.post(url("appraisal-action-cancel", pk=work["id"]), {}, format="json").json()["status"] == "cancelled"
    )
    # The person marks her own action done; a peer cannot find it.
    assert (
        client_for(org.bob.user).post(url("appraisal-action-complete", pk=action["id"]), {}, format="json").status_code
        == 404
    )
    assert alice.post(url("appraisal-action-complete", pk=action["id"]), {}, format="json").json()["status"] == "done"
    detail = manager.get(url("appraisal-review", pk=review.pk)).json()
    assert sorted((a["title"], a["status"]) for a in detail["actions"]) == [
        ("Fix on-call", "cancelled"),
        ("Lead a design review", "done"),
    ]


def test_reviews_list_filters_and_hides_peers(org, cycle):
    alice = client_for(org.alice.user).get(url("appraisal-reviews")).json()
    assert [r["employee"] for r in alice["results"]] == [org.alice.pk]
    assert "self_summary" not in alice["results"][0] and "manager_summary" not in alice["results"][0]
    manager = client_for(org.manager.user)
    assert sorted(r["employee"] for r in manager.get(url("appraisal-reviews")).json()["results"]) == sorted(
        [org.alice.pk, org.bob.pk]
    )
    assert manager.get(url("appraisal-reviews"), {"employee": org.bob.pk}).json()["count"] == 1
    assert manager.get(url("appraisal-reviews"), {"mine": "true"}).json()["count"] == 0
    assert manager.get(url("appraisal-reviews"), {"writing": "true"}).json()["count"] == 2
    assert manager.get(url("appraisal-reviews"), {"stage": "meeting"}).json()["count"] == 0
    bob_review = _review(cycle, org.bob)
    assert client_for(org.alice.user).get(url("appraisal-review", pk=bob_review.pk)).status_code == 404
    assert client_for(org.alice.user).get(url("appraisal-review", pk=999999)).status_code == 404


# Query counts: pinned, and the same with more data


def _grow(org, cycle, n):
    """n more reports of the manager with a review in the cycle (each with a shared note and an action)."""
    from perf_mgmt_plugin.appraisals import actions, notes

    from . import builders

    for person in builders.make_people(n, org.manager, org.platform):
        review = builders.add_review(cycle, person)
        notes.add_note(org.manager.user, person, body="<p>noted</p>", tag="idea")
        actions.add_action(org.manager.user, review, title="Act", due_date=cycle.end, kind="work", owner=org.manager)


def _grow_review(org, cycle, review, n):
    """n more items, notes, actions and events on one review."""
    from perf_mgmt_plugin.appraisals import actions, notes
    from perf_mgmt_plugin.appraisals.models import ReviewEvent, ReviewItem

    first = review.items.order_by("pk").first()
    ReviewItem.objects.bulk_create(
        [ReviewItem(review=review, section=first.section, scale=first.scale, title=f"Extra {i}") for i in range(n)]
    )
    for i in range(n):
        notes.add_note(org.manager.user, org.alice, body=f"<p>note {i}</p>", tag="observation")
        actions.add_action(org.manager.user, review, title=f"Act {i}", due_date=cycle.end, kind="work")
        ReviewEvent.objects.create(review=review, action="note", actor=org.manager.user)


LISTS = [
    # session, user, the caller's access context (2-4), count, page (+ prefetches)
    ("manager", "appraisal-reviews", None, 7),
    ("hr", "appraisal-reviews", None, 8),
    ("manager", "appraisal-cycles", None, 10),
    ("seller", "appraisal-coached-reviews", None, 7),
    ("manager", "appraisal-person-notes", "alice", 7),
    ("hr", "appraisal-templates", None, 11),
    ("hr", "appraisal-report-completion", "cycle", 12),
    ("hr", "appraisal-report-ratings", "cycle", 12),
    ("hr", "appraisal-report-overdue", "cycle", 11),
    ("hr", "appraisal-report-coaching", "cycle", 11),
]


@pytest.mark.parametrize(
    "role,name,key,pinned", LISTS, ids=[f"{r}-{n.removeprefix('appraisal-')}" for r, n, _k, _p in LISTS]
)
def test_list_query_counts_pinned_and_constant(org, cycle, count_queries, role, name, key, pinned):
    from perf_mgmt_plugin.appraisals import coaching

    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    user = getattr(getattr(org, role), "user", getattr(org, role))
    client = client_for(user)
    kwargs = {None: {}, "cycle": {"pk": cycle.pk}, "alice": {"pk": org.alice.pk}}[key]
    _grow(org, cycle, 2)
    client.get(url(name, **kwargs))  # warm per-process caches (content types)
    with count_queries() as small:
        assert client.get(url(name, **kwargs)).status_code == 200
    _grow(org, cycle, 12)
    with count_queries() as large:
        response = client.get(url(name, **kwargs))
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:150] for q in large.captured_queries]
    assert len(small) == pinned, [q["sql"][:150] for q in small.captured_queries]


def test_template_detail_query_counts_pinned_and_constant(org, template, count_queries):
    """GET and PATCH of a template: the same queries with 2 or 12 questions (scales and questions prefetched)."""
    hr = client_for(org.hr)
    path = url("appraisal-template", slug=template.slug)
    questions = template.sections.get(kind="questions")
    hr.get(path)

    def counts():
        with count_queries() as read:
            assert hr.get(path).status_code == 200
        with count_queries() as change:
            assert hr.patch(path, {"name": "Annual review"}, format="json").status_code == 200
        return len(read), len(change)

    small = counts()
    for i in range(10):
        questions.questions.create(text=f"Question {i}?", order=10 + i)
    assert counts() == small == (10, 17)


# +2 each: the evidence reads the last released 360 (lane profiling) and the period's blended modules (lane guide).
@pytest.mark.parametrize("role,pinned", [("alice", 21), ("manager", 22), ("seller", 25), ("hr", 23)])
def test_review_detail_query_count_pinned_and_constant(org, cycle, count_queries, role, pinned):
    from perf_mgmt_plugin.appraisals import coaching

    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    review = _review(cycle, org.alice)
    client = client_for(getattr(org, role).user if role != "hr" else org.hr)
    client.get(url("appraisal-review", pk=review.pk))
    _grow_review(org, cycle, review, 2)
    with count_queries() as small:
        assert client.get(url("appraisal-review", pk=review.pk)).status_code == 200
    _grow_review(org, cycle, review, 10)
    with count_queries() as large:
        response = client.get(url("appraisal-review", pk=review.pk))
    assert response.status_code == 200 and len(response.json()["items"]) == 5 + 12
    assert len(large) == len(small), [q["sql"][:150] for q in large.captured_queries]
    assert len(small) == pinned, [q["sql"][:150] for q in small.captured_queries]
